import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type DataPlane, startDataPlane } from '../../data-plane/app.ts';
import { periodOf } from '../../shared/budgets/periods.ts';
import { createRedisBus, type RedisBus } from '../../shared/bus/redis-bus.ts';
import { connectRedis } from '../../shared/bus/redis-client.ts';
import { createSecretBox, parseSecretKeys } from '../../shared/crypto/secret-box.ts';
import { budgetCounterName, teamCounterGroup } from '../../shared/money/money-counters.ts';
import { moneyKeys } from '../../shared/money/redis-money-keys.ts';
import { type ControlPlaneHarness, startControlPlaneHarness, TEST_SECRET_KEY } from '../support/control-plane-harness.ts';
import { type FakeOpenAIUpstream, startFakeOpenAIUpstream } from '../support/fake-openai-upstream.ts';
import { type GqlKit, gqlKit } from '../support/gql-kit.ts';
import { waitUntil } from '../support/processes.ts';
import { isReachable, postgresUrl, redisUrl, requireOrSkip } from '../support/services.ts';

// A re-rating moves the data planes' Redis money counters by what it moved the ledger by, so a
// budget that the corrected price puts over its limit refuses the next request at once.
//
// The fake upstream answers 21 prompt and 7 completion tokens. At the wrong price ($1 / $2 per
// million) an attempt costs 35 µ$, at the corrected one ($3 / $6) 105 µ$. Three attempts: 105 µ$
// as charged, 315 µ$ once re-rated. The team's hard monthly budget is 400 µ$, and the next
// request reserves about 200 µ$ at the corrected price: admitted on the counter as charged
// (105 + ~200), refused on the re-rated one (315 + ~200).

const servicesUp = await requireOrSkip(
  'PostgreSQL and Redis',
  Promise.all([isReachable(postgresUrl()), isReachable(redisUrl())]).then((up) => up.every(Boolean)),
);

const WRONG = { inputPerMillion: 1_000_000, outputPerMillion: 2_000_000 };
const RIGHT = { inputPerMillion: 3_000_000, outputPerMillion: 6_000_000 };
const BUDGET = 400;

describe.skipIf(!servicesUp)('rerate and the Redis money counters', () => {
  const prefix = `rerate-${process.pid}-${Date.now()}`;
  let controlBus: RedisBus;
  let dataBus: RedisBus;
  let cp: ControlPlaneHarness;
  let plane: DataPlane;
  let upstream: FakeOpenAIUpstream;
  let k: GqlKit;

  beforeAll(async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    controlBus = createRedisBus({ url: redisUrl(), prefix, onConnectionError: () => undefined });
    dataBus = createRedisBus({ url: redisUrl(), prefix, onConnectionError: () => undefined });
    cp = await startControlPlaneHarness({ postgresUrl: postgresUrl(), bus: controlBus });
    k = gqlKit(cp);
    upstream = await startFakeOpenAIUpstream({ apiKey: 'sk-rerate-counters' });
    plane = await startDataPlane({
      bus: dataBus,
      host: '127.0.0.1',
      port: 0,
      secretBox: createSecretBox(parseSecretKeys(TEST_SECRET_KEY)),
      redisUrl: redisUrl(),
      keyPrefix: prefix,
      maxBodyBytes: 64 * 1024,
      defaultMetrics: false,
    });
  }, 60_000);

  afterAll(async () => {
    await plane?.close();
    await cp?.close();
    await dataBus?.close();
    await controlBus?.close();
    await upstream?.close();
    vi.restoreAllMocks();
  });

  it('a budget that a re-rating pushes over its limit refuses the next request', async () => {
    const periodStart = new Date(Date.now() - 60_000);
    const provider = await k.provider({ name: 'rerated-upstream', kind: 'OPENAI_COMPATIBLE', baseUrl: upstream.baseUrl, apiKey: 'sk-rerate-counters' });
    const model = await k.model({ name: 'rerated', price: WRONG, deployments: [{ providerId: provider.id, upstreamModel: 'rerated-1' }] });
    const team = await k.team({ slug: 'rerated-team' });
    await k.ok('setBudget', { input: { scope: 'TEAM', scopeId: team.id, amount: BUDGET, period: 'MONTHLY', hard: true } }, 'id');
    const key = await k.apiKey({ teamId: team.id });
    const chat = async () => {
      const response = await fetch(`http://127.0.0.1:${plane.port}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key.secret}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'rerated', max_tokens: 7, messages: [{ role: 'user', content: 'one two three four five' }] }),
      });
      const body = await response.json();
      return response.status === 200 ? 200 : `${response.status} ${body.error?.code}`;
    };
    const counter = async () => {
      const client = connectRedis(redisUrl());
      try {
        const name = budgetCounterName('team', team.id, 'monthly', periodOf('monthly', Date.now()).key);
        return Number((await client.hget(moneyKeys(prefix, false).counter(teamCounterGroup(team.id), name), 'spent')) ?? 0);
      } finally {
        client.disconnect();
      }
    };
    const ledger = async () =>
      Number((await cp.database.prisma.usageEvent.aggregate({ where: { teamId: team.id }, _sum: { costMicroUsd: true } }))._sum.costMicroUsd ?? 0n);

    await waitUntil(async () => (await chat()) === 200, 10_000, 'the data plane to serve the new model');
    for (let i = 0; i < 2; i++) expect(await chat()).toBe(200);
    await waitUntil(async () => (await ledger()) === 3 * 35, 20_000, 'the ledger to store the three attempts');
    await waitUntil(async () => (await counter()) === 3 * 35, 5_000, 'the settles in Redis');

    const wrongVersion = (await k.query('model', { id: model.id }, 'currentPrice { id }')).result.currentPrice;
    await k.ok('setModelPrice', { input: { modelId: model.id, price: RIGHT, corrects: wrongVersion.id } }, 'id');
    const rerated = await k.ok(
      'rerate',
      { input: { teamId: team.id, from: periodStart.toISOString(), to: new Date(Date.now() + 1_000).toISOString() } },
      'adjusted delta counters',
    );
    // The team budget's counter and the team's credit counter.
    expect(rerated).toEqual({ adjusted: 3, delta: String(3 * 70), counters: 2 });
    expect(await ledger()).toBe(3 * 105);
    expect(await counter()).toBe(3 * 105);
    expect(await chat()).toBe('429 insufficient_quota');
  }, 60_000);

  it('moves a counter once per adjustment id, so a counter move that got no answer can be retried', async () => {
    const group = teamCounterGroup('adjust-once');
    const change = { counter: 'adjust-once-counter', group, deltaMicroUsd: 25, expiresAtMs: null };
    await controlBus.moneyEpoch!.adjust('rerate-a', [change]);
    await controlBus.moneyEpoch!.adjust('rerate-a', [change]);
    await controlBus.moneyEpoch!.adjust('rerate-b', [{ ...change, deltaMicroUsd: -5 }]);
    const client = connectRedis(redisUrl());
    try {
      expect(Number(await client.hget(moneyKeys(prefix, false).counter(group, change.counter), 'spent'))).toBe(20);
    } finally {
      client.disconnect();
    }
  });
});
