import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROVIDER_PRESETS } from '../../shared/providers/presets.ts';
import { startControlPlaneHarness, type ControlPlaneHarness } from '../support/control-plane-harness.ts';

const CREATE = `mutation($input: CreateProviderInput!) { createProvider(input: $input) {
  __typename ... on MutationCreateProviderSuccess { data { name kind baseUrl hasCredential } }
  ... on ValidationError { issues { path message } } } }`;

let cp: ControlPlaneHarness;
beforeAll(async () => {
  cp = await startControlPlaneHarness();
});
afterAll(async () => {
  await cp?.close();
});

describe('provider presets', () => {
  it('make a well-known upstream a one-line configuration', async () => {
    const groq = await cp.gql(CREATE, { input: { name: 'groq', preset: 'groq', apiKey: 'gsk_test' } });
    expect(groq.data.createProvider.data).toEqual({ name: 'groq', kind: 'OPENAI_COMPATIBLE', baseUrl: PROVIDER_PRESETS.groq.baseUrl, hasCredential: true });
  });

  it('let an explicit baseUrl win over the preset', async () => {
    const local = await cp.gql(CREATE, { input: { name: 'ollama-box', preset: 'ollama', baseUrl: 'http://10.0.0.5:11434/v1' } });
    expect(local.data.createProvider.data).toMatchObject({ kind: 'OPENAI_COMPATIBLE', baseUrl: 'http://10.0.0.5:11434/v1' });
  });

  it('refuse an unknown preset, and a provider with neither kind nor preset, with a validation error', async () => {
    const unknown = await cp.gql(CREATE, { input: { name: 'x', preset: 'nope' } });
    expect(unknown.data.createProvider).toMatchObject({ __typename: 'ValidationError', issues: [{ path: 'preset' }] });
    const bare = await cp.gql(CREATE, { input: { name: 'y' } });
    expect(bare.data.createProvider).toMatchObject({ __typename: 'ValidationError', issues: [{ path: 'kind' }] });
  });
});
