import OpenAI, { APIError } from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DataPlane } from '../../data-plane/app.ts';
import type { ControlPlaneHarness } from '../support/control-plane-harness.ts';
import { type FakeOpenAIUpstream, startFakeOpenAIUpstream } from '../support/fake-openai-upstream.ts';
import { type GqlKit, gqlKit } from '../support/gql-kit.ts';
import { startInProcessPlanes, waitFor } from '../support/in-process-planes.ts';

// The platform's routing defaults, set over GraphQL, reach the data plane in the snapshot and
// change how it routes; unset again, the data plane's own defaults (5 attempts, 3 per model,
// 60 s to the first byte) are back.

let control: ControlPlaneHarness;
let data: DataPlane;
let upstream: FakeOpenAIUpstream;
let k: GqlKit;
let client: OpenAI;

beforeAll(async () => {
  upstream = await startFakeOpenAIUpstream({ apiKey: 'sk-defaults' });
  ({ control, data } = await startInProcessPlanes());
  k = gqlKit(control);
  const provider = await k.provider({ name: 'defaults-openai', kind: 'OPENAI', baseUrl: upstream.baseUrl, apiKey: 'sk-defaults' });
  await k.model({ name: 'steady', price: { inputPerMillion: 1, outputPerMillion: 1 }, deployments: [{ providerId: provider.id, upstreamModel: 'gpt-4o' }] });
  const team = await k.team({ slug: 'defaults-team' });
  const key = await k.apiKey({ teamId: team.id });
  client = new OpenAI({ baseURL: `http://127.0.0.1:${data.port}/v1`, apiKey: key.secret, maxRetries: 0 });
  await served();
});
afterAll(async () => {
  await data?.close();
  await control?.close();
  await upstream?.close();
});
beforeEach(() => upstream.reset());

/** Sets the defaults and waits until the data plane serves the snapshot that carries them. */
async function setDefaults(input: Record<string, unknown>) {
  await k.ok('setRoutingDefaults', { input }, 'maxAttempts');
  const latest = (await control.database.prisma.snapshot.findFirstOrThrow({ orderBy: { version: 'desc' } })).version;
  await waitFor(async () => (data.snapshotVersion() ?? 0) >= latest);
}

async function served() {
  return waitFor(async () =>
    client.chat.completions
      .create({ model: 'steady', messages: [{ role: 'user', content: 'hi' }] })
      .withResponse()
      .catch(() => undefined),
  );
}

const failure = (error: unknown) => {
  if (!(error instanceof APIError)) throw error;
  return { status: error.status, code: error.code, attempts: error.headers?.get('x-tollgate-attempts') };
};

describe('routing defaults from the snapshot', () => {
  it('obeys maxAttempts set over GraphQL, and the data plane default once unset', async () => {
    upstream.enqueue({ kind: 'error', status: 500, message: 'boom' });
    const retried = await client.chat.completions.create({ model: 'steady', messages: [{ role: 'user', content: 'hi' }] }).withResponse();
    expect(retried.response.headers.get('x-tollgate-attempts')).toBe('2');

    await setDefaults({ maxAttempts: 1 });
    upstream.reset();
    upstream.enqueue({ kind: 'error', status: 500, message: 'boom' });
    const refused = await client.chat.completions.create({ model: 'steady', messages: [{ role: 'user', content: 'hi' }] }).catch(failure);
    expect(refused).toEqual({ status: 502, code: 'upstream_error', attempts: '1' });
    expect(upstream.requests).toHaveLength(1);

    await setDefaults({});
    upstream.reset();
    upstream.enqueue({ kind: 'error', status: 500, message: 'boom' });
    const again = await client.chat.completions.create({ model: 'steady', messages: [{ role: 'user', content: 'hi' }] }).withResponse();
    expect(again.response.headers.get('x-tollgate-attempts')).toBe('2');
  });

  it('obeys a first-byte timeout set over GraphQL', async () => {
    await setDefaults({ maxAttempts: 1, timeouts: { firstByteMs: 200 } });
    upstream.enqueue({ kind: 'reply', delayMs: 3_000 });
    const timedOut = await client.chat.completions.create({ model: 'steady', messages: [{ role: 'user', content: 'hi' }] }).catch(failure);
    expect(timedOut).toEqual({ status: 504, code: 'upstream_timeout', attempts: '1' });
    await setDefaults({});
  });

  it('refuses an invalid default with a typed validation error, and audits each change', async () => {
    const audited = () => control.database.prisma.auditLogEntry.findMany({ where: { action: 'setRoutingDefaults' }, orderBy: { createdAt: 'asc' } });
    const before = (await audited()).length;
    const refused = await k.mutate('setRoutingDefaults', { input: { maxAttempts: 0, retryBackoffMs: 900, retryBackoffMaxMs: 100 } });
    expect(refused.typename).toBe('ValidationError');
    expect(refused.error.issues.map((issue: { path: string }) => issue.path).sort()).toEqual(['maxAttempts', 'retryBackoffMaxMs']);
    expect(await audited()).toHaveLength(before);

    await setDefaults({ maxAttemptsPerModel: 2 });
    const entries = await audited();
    expect(entries).toHaveLength(before + 1);
    expect(entries.at(-1)).toMatchObject({
      entity: 'RoutingDefaults',
      entityId: 'platform',
      changes: { after: { maxAttemptsPerModel: 2, maxAttempts: null } },
    });
    expect((await k.query('routingDefaults', {}, 'maxAttemptsPerModel timeouts { firstByteMs }')).result).toEqual({
      maxAttemptsPerModel: 2,
      timeouts: { firstByteMs: null },
    });
    await setDefaults({});
  });
});
