import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashSecret } from '../../shared/keys/api-key.ts';
import { parseSnapshot } from '../../shared/snapshot/schema.ts';
import { type ControlPlaneHarness, startControlPlaneHarness } from '../support/control-plane-harness.ts';
import { publishedSnapshot } from '../support/published-snapshot.ts';

const CREATE_TEAM = `mutation($input: CreateTeamInput!) { createTeam(input: $input) {
  __typename ... on MutationCreateTeamSuccess { data { id slug name } } ... on Error { message }
  ... on ValidationError { issues { path message } } ... on ConflictError { field } } }`;

const CREATE_PROVIDER = `mutation($input: CreateProviderInput!) { createProvider(input: $input) {
  __typename ... on MutationCreateProviderSuccess { data { id name kind baseUrl hasCredential } } ... on Error { message } } }`;

const CREATE_MODEL = `mutation($input: CreateModelInput!) { createModel(input: $input) {
  __typename ... on MutationCreateModelSuccess { data { id name aliases deployments { upstreamModel provider { name } } prices { inputPerMillion outputPerMillion } } }
  ... on Error { message } } }`;

const CREATE_KEY = `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) {
  __typename ... on MutationCreateApiKeySuccess { data { secret apiKey { id prefix } } } ... on Error { message } } }`;

let cp: ControlPlaneHarness;

beforeAll(async () => {
  cp = await startControlPlaneHarness();
});
afterAll(async () => {
  await cp?.close();
});

async function latestSnapshot() {
  const parsed = parseSnapshot((await publishedSnapshot(cp.bus)).json);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.snapshot;
}

describe('control plane configuration API', () => {
  it('rejects callers without the admin key', async () => {
    const anonymous = await cp.gql('{ teams { edges { node { id } } } }', {}, null);
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const forged = await cp.gql('{ teams { edges { node { id } } } }', {}, 'tga_forged-key-xxxxxxxxxxxxxxxx');
    expect(forged.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('starts with the demo team, mock provider and demo model in the first snapshot', async () => {
    const snapshot = await latestSnapshot();
    expect(snapshot.teams.map((t) => t.slug)).toEqual(['demo']);
    expect(snapshot.providers.map((p) => [p.name, p.kind])).toEqual([['mock', 'mock']]);
    expect(snapshot.models.map((m) => m.name)).toEqual(['demo']);
    expect(snapshot.apiKeys[0].hash).toBe(hashSecret(cp.demoKey!));
  });

  it('creates a team, a provider, a model and a key, each reflected in a new snapshot', async () => {
    const before = await latestSnapshot();
    const team = await cp.gql(CREATE_TEAM, { input: { name: 'Search', slug: 'search' } });
    expect(team.data.createTeam.__typename).toBe('MutationCreateTeamSuccess');
    const teamId = team.data.createTeam.data.id;

    const provider = await cp.gql(CREATE_PROVIDER, {
      input: { name: 'upstream-a', kind: 'OPENAI_COMPATIBLE', baseUrl: 'http://127.0.0.1:9/v1/', apiKey: 'sk-upstream-secret' },
    });
    expect(provider.data.createProvider.data).toMatchObject({
      name: 'upstream-a',
      kind: 'OPENAI_COMPATIBLE',
      baseUrl: 'http://127.0.0.1:9/v1',
      hasCredential: true,
    });
    expect(JSON.stringify(provider)).not.toContain('sk-upstream-secret');
    const row = await cp.database.prisma.provider.findUniqueOrThrow({ where: { name: 'upstream-a' } });
    expect(row.credentialCiphertext).toBeTruthy();
    expect(row.credentialCiphertext).not.toContain('sk-upstream-secret');

    const model = await cp.gql(CREATE_MODEL, {
      input: {
        name: 'gpt-x',
        aliases: ['x'],
        price: { inputPerMillion: '2500000', outputPerMillion: 10_000_000 },
        deployments: [{ providerId: provider.data.createProvider.data.id, upstreamModel: 'gpt-x-2025' }],
      },
    });
    expect(model.data.createModel.data).toMatchObject({
      name: 'gpt-x',
      aliases: ['x'],
      deployments: [{ upstreamModel: 'gpt-x-2025', provider: { name: 'upstream-a' } }],
      prices: [{ inputPerMillion: '2500000', outputPerMillion: '10000000' }],
    });

    const key = await cp.gql(CREATE_KEY, { input: { teamId, name: 'ci' } });
    const { secret, apiKey } = key.data.createApiKey.data;
    expect(secret).toMatch(/^tg_/);
    expect(secret.startsWith(apiKey.prefix)).toBe(true);
    const keyRow = await cp.database.prisma.apiKey.findUniqueOrThrow({ where: { id: apiKey.id } });
    expect(keyRow.hash).toBe(hashSecret(secret));
    expect(JSON.stringify(keyRow)).not.toContain(secret);

    const after = await latestSnapshot();
    expect(after.version).toBeGreaterThan(before.version);
    expect(after.teams.find((t) => t.slug === 'search')).toBeTruthy();
    const snapshotProvider = after.providers.find((p) => p.name === 'upstream-a')!;
    expect(snapshotProvider.credential).toBe(row.credentialCiphertext);
    expect(after.models.find((m) => m.name === 'gpt-x')).toMatchObject({
      aliases: ['x'],
      price: { inputPerMillion: 2_500_000, outputPerMillion: 10_000_000, cachedInputPerMillion: 2_500_000 },
      deployments: [{ upstreamModel: 'gpt-x-2025', weight: 1 }],
    });
    expect(after.apiKeys.find((k) => k.id === apiKey.id)).toMatchObject({ teamId, hash: hashSecret(secret), revoked: false });
    expect(JSON.stringify(after)).not.toContain('sk-upstream-secret');
  });

  it('answers bad input with typed validation and conflict errors', async () => {
    const badSlug = await cp.gql(CREATE_TEAM, { input: { name: 'X', slug: 'Not A Slug' } });
    expect(badSlug.data.createTeam.__typename).toBe('ValidationError');
    expect(badSlug.data.createTeam.issues[0].path).toBe('slug');

    const duplicate = await cp.gql(CREATE_TEAM, { input: { name: 'Again', slug: 'demo' } });
    expect(duplicate.data.createTeam).toMatchObject({ __typename: 'ConflictError', field: 'slug' });

    const badUrl = await cp.gql(CREATE_PROVIDER, { input: { name: 'bad', kind: 'OPENAI_COMPATIBLE', baseUrl: 'ftp://nope' } });
    expect(badUrl.data.createProvider.__typename).toBe('ValidationError');

    const negative = await cp.gql(CREATE_MODEL, {
      input: { name: 'neg', price: { inputPerMillion: '-1', outputPerMillion: '0' }, deployments: [{ providerId: 'x', upstreamModel: 'y' }] },
    });
    expect(negative.data.createModel.__typename).toBe('ValidationError');

    const missingTeam = await cp.gql(CREATE_KEY, { input: { teamId: 'no-such-team', name: 'k' } });
    expect(missingTeam.data.createApiKey.__typename).toBe('NotFoundError');
  });

  it('publishes one snapshot for an unchanged configuration, not a new version', async () => {
    const first = await cp.controlPlane.services.snapshots.publish();
    const second = await cp.controlPlane.services.snapshots.publish();
    expect(second.version).toBe(first.version);
  });
});
