import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROVIDER_PRESETS } from '../../shared/providers/presets.ts';
import { type ControlPlaneHarness, startControlPlaneHarness } from '../support/control-plane-harness.ts';

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

  it('check a baseUrl against the kind: http(s) for real upstreams, mock:// with its settings for the mock', async () => {
    const mock = await cp.gql(CREATE, { input: { name: 'flaky', kind: 'MOCK', baseUrl: 'mock://?latency_ms=200&fail_status=429&fail_probability=0.05' } });
    expect(mock.data.createProvider.data).toMatchObject({ kind: 'MOCK', baseUrl: 'mock://?latency_ms=200&fail_status=429&fail_probability=0.05' });
    const trimmed = await cp.gql(CREATE, { input: { name: 'vllm-box', kind: 'OPENAI_COMPATIBLE', baseUrl: 'http://10.0.0.7:8000/v1/' } });
    expect(trimmed.data.createProvider.data.baseUrl).toBe('http://10.0.0.7:8000/v1');
    for (const [kind, baseUrl] of [
      ['OPENAI_COMPATIBLE', 'mock://'],
      ['OPENAI_COMPATIBLE', 'ftp://x.example/v1'],
      ['MOCK', 'http://127.0.0.1:1/v1'],
      ['MOCK', 'mock:/oops'],
    ]) {
      const refused = await cp.gql(CREATE, { input: { name: `bad-${Math.random().toString(36).slice(2, 8)}`, kind, baseUrl } });
      expect(refused.data.createProvider, `${kind} ${baseUrl}`).toMatchObject({ __typename: 'ValidationError', issues: [{ path: 'baseUrl' }] });
      expect(refused.data.createProvider.issues).toHaveLength(1);
    }
    const update = `mutation($input: UpdateProviderInput!) { updateProvider(input: $input) { __typename ... on MutationUpdateProviderSuccess { data { baseUrl } } ... on ValidationError { issues { path message } } } }`;
    const id = (await cp.gql(`{ providers { edges { node { id name } } } }`)).data.providers.edges.find((edge: any) => edge.node.name === 'flaky').node.id;
    expect((await cp.gql(update, { input: { id, baseUrl: 'mock://?latency_ms=5' } })).data.updateProvider.data.baseUrl).toBe('mock://?latency_ms=5');
    expect((await cp.gql(update, { input: { id, baseUrl: 'https://api.example.com/v1' } })).data.updateProvider).toMatchObject({
      __typename: 'ValidationError',
      issues: [{ path: 'baseUrl' }],
    });
  });
});
