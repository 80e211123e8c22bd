import { randomBytes } from 'node:crypto';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DataPlane } from '../../data-plane/app.ts';
import type { ControlPlaneHarness } from '../support/control-plane-harness.ts';
import { type FakeOpenAIUpstream, startFakeOpenAIUpstream } from '../support/fake-openai-upstream.ts';
import { type GqlKit, gqlKit } from '../support/gql-kit.ts';
import { type Planes, startPlanes } from '../support/in-process-planes.ts';
import { waitUntil } from '../support/processes.ts';
import { isReachable, postgresUrl, redisUrl, requireOrSkip } from '../support/services.ts';

const servicesUp = await requireOrSkip('PostgreSQL and Redis', (await isReachable(postgresUrl())) && (await isReachable(redisUrl())));

/**
 * The response cache configured over GraphQL and seen in the ledger: a plan prices a hit at
 * 3 micro-USD, a team switches the cache on, the official SDK asks the same question three
 * times, and usageRollup shows one upstream request and two hits at the plan's price. On the
 * embedded default (PGlite, in-process bus, in-process cache) and on PostgreSQL with Redis (the
 * data plane's cache in Redis).
 */
describe.each([
  { target: 'PGlite + in-process bus', services: false },
  { target: 'PostgreSQL + Redis', services: true },
])('response cache end to end on $target', ({ services }) => {
  const skip = services && !servicesUp;
  let planes: Planes;
  let control: ControlPlaneHarness;
  let data: DataPlane;
  let upstream: FakeOpenAIUpstream;
  let admin: GqlKit;

  beforeAll(async () => {
    if (skip) return;
    upstream = await startFakeOpenAIUpstream({ apiKey: 'sk-fake-upstream-key' });
    planes = await startPlanes(services);
    ({ control, data } = planes);
    admin = gqlKit(control);
  });

  afterAll(async () => {
    if (skip) return;
    await planes?.close();
    await upstream?.close();
  });

  it.skipIf(skip)('setCachePolicy refuses bad input with typed errors, and a hit price off a plan', async () => {
    const plan = await admin.plan({ name: `refusals-${randomBytes(3).toString('hex')}` });
    const tooLong = await admin.mutate('setCachePolicy', { input: { scope: 'PLAN', scopeId: plan.id, ttlSeconds: 10_000_000 } });
    expect(tooLong.typename).toBe('ValidationError');
    const team = await admin.team({ slug: `refusals-${randomBytes(3).toString('hex')}` });
    const priced = await admin.mutate('setCachePolicy', { input: { scope: 'TEAM', scopeId: team.id, ttlSeconds: 60, hitPrice: 1 } });
    expect(priced.typename).toBe('ValidationError');
    expect(JSON.stringify(priced.error)).toContain('hitPrice');
    const missing = await admin.mutate('setCachePolicy', { input: { scope: 'KEY', scopeId: 'no-such-key', ttlSeconds: 60 } });
    expect(missing.typename).toBe('NotFoundError');
  });

  it.skipIf(skip)('hits skip the upstream and show in usageRollup at the plan’s cache-hit price, audited', async () => {
    const provider = await admin.provider({
      name: `fake-${randomBytes(3).toString('hex')}`,
      kind: 'OPENAI_COMPATIBLE',
      baseUrl: upstream.baseUrl,
      apiKey: 'sk-fake-upstream-key',
    });
    const modelName = `cached-${randomBytes(3).toString('hex')}`;
    await admin.model({
      name: modelName,
      price: { inputPerMillion: '1000000', outputPerMillion: '2000000' },
      deployments: [{ providerId: provider.id, upstreamModel: 'gpt-4o-mini-2024-07-18' }],
    });
    const plan = await admin.plan({ name: `cache-plan-${randomBytes(3).toString('hex')}` });
    const team = await admin.team({ slug: `cache-${randomBytes(3).toString('hex')}`, planId: plan.id });
    await admin.ok('setCachePolicy', { input: { scope: 'PLAN', scopeId: plan.id, ttlSeconds: 3600, enabled: false, hitPrice: '3' } });
    const policy = await admin.ok('setCachePolicy', { input: { scope: 'TEAM', scopeId: team.id, ttlSeconds: 600 } }, 'id ttlSeconds deterministicOnly enabled');
    expect(policy).toMatchObject({ ttlSeconds: 600, deterministicOnly: true, enabled: true });
    const { secret } = await admin.apiKey({ teamId: team.id });

    const client = new OpenAI({ baseURL: `http://127.0.0.1:${data.port}/v1`, apiKey: secret, maxRetries: 0 });
    const ask = () =>
      client.chat.completions.create({ model: modelName, messages: [{ role: 'user', content: 'What is 2 + 2?' }], temperature: 0 }).withResponse();
    // The key and the policy reach the data plane with the next snapshot.
    let first: Awaited<ReturnType<typeof ask>> | undefined;
    await waitUntil(
      async () => {
        first = await ask().catch(() => undefined);
        return first !== undefined;
      },
      10_000,
      'the key and the cache policy on the data plane',
    );
    const verdicts = [first!.response.headers.get('x-tollgate-cache')];
    for (let i = 0; i < 2; i++) verdicts.push((await ask()).response.headers.get('x-tollgate-cache'));
    expect(verdicts).toEqual(['miss', 'hit', 'hit']);
    expect(upstream.requests.filter((request) => request.body?.messages?.[0]?.content === 'What is 2 + 2?')).toHaveLength(1);

    // 21 prompt and 7 completion tokens at $1 / $2 per million: 35 micro-USD upstream; hits cost 3.
    type Row = { provider: string; requests: number; cost: string; cacheHits: number; cacheHitRate: number; cacheSaved: string; promptTokens: number };
    const rollup = async () =>
      (
        await admin.query<Row[]>(
          'usageRollup',
          {
            teamId: team.id,
            groupBy: ['PROVIDER'],
            from: new Date(Date.now() - 86_400_000).toISOString(),
            to: new Date(Date.now() + 86_400_000).toISOString(),
          },
          'provider requests cost cacheHits cacheHitRate cacheSaved promptTokens',
        )
      ).result;
    await waitUntil(async () => (await rollup()).reduce((sum, row) => sum + row.requests, 0) === 3, 10_000, 'three requests in the ledger');
    const rows = await rollup();
    const hits = rows.find((row) => row.provider === 'cache')!;
    const upstreamRow = rows.find((row) => row.provider !== 'cache')!;
    expect(hits).toMatchObject({ requests: 2, cacheHits: 2, cacheHitRate: 1, cost: '6', cacheSaved: '70', promptTokens: 42 });
    expect(upstreamRow).toMatchObject({ requests: 1, cacheHits: 0, cost: '35', cacheSaved: '0' });
    const total = await admin.query<Row[]>(
      'usageRollup',
      { teamId: team.id, groupBy: [], from: new Date(Date.now() - 86_400_000).toISOString(), to: new Date(Date.now() + 86_400_000).toISOString() },
      'requests cost cacheHits cacheHitRate cacheSaved',
    );
    expect(total.result[0]).toMatchObject({ requests: 3, cost: '41', cacheHits: 2, cacheSaved: '70' });
    expect(total.result[0].cacheHitRate).toBeCloseTo(2 / 3);

    const audit = await admin.query('auditLog', { teamId: team.id }, 'edges { node { action entity } }');
    expect(audit.result.edges.map((edge: any) => edge.node.action)).toContain('setCachePolicy');
  });
});
