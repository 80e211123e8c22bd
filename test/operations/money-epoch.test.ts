import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { reseedMoneyIfUnseeded } from '../../control-plane/usage/money-reseed.ts';
import { readSpend } from '../../control-plane/usage/spend-counters.ts';
import { type DataPlane, startDataPlane } from '../../data-plane/app.ts';
import { periodOf, periodStart } from '../../shared/budgets/periods.ts';
import { createRedisBus, type RedisBus } from '../../shared/bus/redis-bus.ts';
import { connectRedis, slotOf } from '../../shared/bus/redis-client.ts';
import { createSecretBox, parseSecretKeys } from '../../shared/crypto/secret-box.ts';
import { budgetCounterName, modelCounterGroup, teamCounterGroup } from '../../shared/money/money-counters.ts';
import { type MoneyKeys, moneyKeys } from '../../shared/money/redis-money-keys.ts';
import { type ControlPlaneHarness, startControlPlaneHarness, TEST_SECRET_KEY } from '../support/control-plane-harness.ts';
import { type FakeOpenAIUpstream, startFakeOpenAIUpstream } from '../support/fake-openai-upstream.ts';
import { waitUntil } from '../support/processes.ts';
import { startRedisCluster } from '../support/redis-cluster.ts';
import { freePort, startRedisServer, stopRedisServer } from '../support/redis-server.ts';
import { redisClusterAvailable } from '../support/redis-targets.ts';
import { isReachable, postgresUrl, requireOrSkip } from '../support/services.ts';

// Budgets after Redis restarts empty (docs/money.md, "Redis restarted empty"): a Redis of the
// test's own is killed and started again without its data. The data plane finds no money epoch,
// stays on its local share of the remainder it last saw (money_local_share in /readyz) until the
// control plane has written the ledger's spend into the counters and set the epoch; then the hard
// budget holds with what was spent before the restart.

const servicesUp = await requireOrSkip('PostgreSQL', isReachable(postgresUrl()));

// The fake upstream answers 21 prompt and 7 completion tokens: 35 µ$ at $1 / $2 per million.
// The reservation (prompt bound: 53 bytes of messages JSON, + 7 output tokens at 2 µ$) is 67 µ$.
const COST = 35;
const BODY = { model: 'priced', max_tokens: 7, messages: [{ role: 'user', content: 'one two three four five' }] };
// 4 requests (140 µ$) before the restart; the local share then has 240 - (105 + 67) = 68 µ$ left:
// one request more (175 µ$ in the ledger). After the re-seed 175 + 67 > 240 refuses the next
// request; without it the counter would hold only the replayed 35 µ$ and admit it.
const BUDGET = 240;

/** A Redis of the test's own that can lose everything it holds. */
interface OwnRedis {
  url: string;
  keys: MoneyKeys;
  /** One server: killed and started again empty. A cluster: the master holding the team's counters is. */
  restartEmpty(): Promise<void>;
  stop(): Promise<void>;
}

const ownRedis = {
  async Redis(prefix: string): Promise<OwnRedis> {
    const port = await freePort();
    let child = await startRedisServer(port);
    return {
      url: `redis://127.0.0.1:${port}`,
      keys: moneyKeys(prefix, false),
      async restartEmpty() {
        await stopRedisServer(child);
        child = await startRedisServer(port);
      },
      stop: () => stopRedisServer(child),
    };
  },
  async 'Redis Cluster'(prefix: string, teamGroup: () => string): Promise<OwnRedis> {
    const cluster = await startRedisCluster(3);
    return {
      url: cluster.url,
      keys: moneyKeys(prefix, true),
      restartEmpty: async () => cluster.restartEmpty(await cluster.portOfSlot(slotOf(`{${teamGroup()}}`))),
      stop: cluster.stop,
    };
  },
};

for (const kind of ['Redis', 'Redis Cluster'] as const)
  describe.skipIf(!servicesUp || (kind === 'Redis Cluster' && !redisClusterAvailable))(`money epoch: ${kind} restarted empty`, () => {
    let redis: OwnRedis;
    let teamId = '';
    let controlBus: RedisBus;
    let dataBus: RedisBus;
    let cp: ControlPlaneHarness;
    let plane: DataPlane;
    let upstream: FakeOpenAIUpstream;
    let secret = '';
    let keyId = '';
    let modelId = '';
    const prefix = `epoch-${process.pid}-${kind === 'Redis' ? 'single' : 'cluster'}`;

    const mutate = async (query: string, variables?: Record<string, unknown>) => {
      const result = await cp.gql(query, variables);
      if (result.errors) throw new Error(JSON.stringify(result.errors));
      return result.data;
    };
    const chat = async () => {
      const response = await fetch(`http://127.0.0.1:${plane.port}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
        body: JSON.stringify(BODY),
      });
      const body = await response.json();
      return response.status === 200 ? 200 : `${response.status} ${body.error?.code}`;
    };
    const degraded = async () => ((await (await fetch(`http://127.0.0.1:${plane.port}/readyz`)).json()) as { degraded: string[] }).degraded;
    const ledgerSpend = async (scope: 'key' | 'model' = 'key') => {
      const cell = { scope, scopeId: scope === 'key' ? keyId : modelId, period: 'monthly', periodStart: periodStart('monthly', Date.now()) } as const;
      return Number((await readSpend(cp.database.prisma, [cell]))(cell));
    };
    const redisCounter = async (scope: 'key' | 'model' = 'key') => {
      const client = connectRedis(redis.url);
      try {
        const counter = budgetCounterName(scope, scope === 'key' ? keyId : modelId, 'monthly', periodOf('monthly', Date.now()).key);
        const group = scope === 'key' ? teamCounterGroup(teamId) : modelCounterGroup(modelId);
        return Number((await client.hget(redis.keys.counter(group, counter), 'spent')) ?? 0);
      } finally {
        client.disconnect();
      }
    };

    beforeAll(async () => {
      redis = await ownRedis[kind](prefix, () => teamCounterGroup(teamId));
      const url = redis.url;
      vi.spyOn(console, 'warn').mockImplementation(() => undefined);
      vi.spyOn(console, 'error').mockImplementation(() => undefined);
      controlBus = createRedisBus({ url, prefix, claimIdleMs: 2_000, onConnectionError: () => undefined });
      dataBus = createRedisBus({ url, prefix, onConnectionError: () => undefined });
      // The epoch is checked at start only here, so the test decides when the re-seed happens.
      cp = await startControlPlaneHarness({ postgresUrl: postgresUrl(), bus: controlBus, controlPlane: { moneyEpochCheckIntervalMs: 3_600_000 } });
      upstream = await startFakeOpenAIUpstream({ apiKey: 'sk-epoch-upstream' });
      const team = await mutate(`mutation { createTeam(input: { name: "Epoch", slug: "epoch" }) { ... on MutationCreateTeamSuccess { data { id } } } }`);
      teamId = team.createTeam.data.id;
      const provider = await mutate(
        `mutation($url: String!) { createProvider(input: { name: "fake-openai", kind: OPENAI_COMPATIBLE, baseUrl: $url, apiKey: "sk-epoch-upstream" }) { ... on MutationCreateProviderSuccess { data { id } } } }`,
        { url: upstream.baseUrl },
      );
      const model = await mutate(
        `mutation($p: ID!) { createModel(input: { name: "priced", price: { inputPerMillion: "1000000", outputPerMillion: "2000000" }, deployments: [{ providerId: $p, upstreamModel: "priced-1" }] }) { ... on MutationCreateModelSuccess { data { id } } } }`,
        { p: provider.createProvider.data.id },
      );
      modelId = model.createModel.data.id;
      // A soft model budget (it never refuses here): its counter must be re-seeded too.
      await mutate(`mutation($m: ID!) { setBudget(input: { scope: MODEL, scopeId: $m, amount: "1000000", period: MONTHLY, hard: false }) { __typename } }`, {
        m: modelId,
      });
      const created = await mutate(
        `mutation($t: ID!) { createApiKey(input: { teamId: $t, name: "budgeted" }) { ... on MutationCreateApiKeySuccess { data { secret apiKey { id } } } } }`,
        { t: team.createTeam.data.id },
      );
      secret = created.createApiKey.data.secret;
      keyId = created.createApiKey.data.apiKey.id;
      await mutate(
        `mutation($k: ID!, $a: MicroUSD!) { setBudget(input: { scope: KEY, scopeId: $k, amount: $a, period: MONTHLY, hard: true }) { __typename } }`,
        {
          k: keyId,
          a: String(BUDGET),
        },
      );
      plane = await startDataPlane({
        bus: dataBus,
        host: '127.0.0.1',
        port: 0,
        secretBox: createSecretBox(parseSecretKeys(TEST_SECRET_KEY)),
        redisUrl: url,
        keyPrefix: prefix,
        maxBodyBytes: 64 * 1024,
        heartbeatIntervalMs: 200,
        defaultMetrics: false,
        limitsLocalShare: 1,
      });
      await waitUntil(async () => (await fetch(`http://127.0.0.1:${plane.port}/readyz`)).ok, 10_000, 'a ready data plane');
    }, 60_000);

    afterAll(async () => {
      await plane?.close();
      await cp?.close();
      await dataBus?.close();
      await controlBus?.close();
      await upstream?.close();
      await redis?.stop();
      vi.restoreAllMocks();
    });

    it('serves on the local share until the ledger re-seeds the counters, then the hard budget holds', async () => {
      for (let i = 0; i < 4; i++) expect(await chat()).toBe(200);
      expect(await degraded()).not.toContain('money_local_share');
      await waitUntil(async () => (await ledgerSpend()) === 4 * COST, 10_000, 'the ledger to store the spend');
      await waitUntil(async () => (await redisCounter()) === 4 * COST, 5_000, 'the settles in Redis');
      expect(await ledgerSpend('model')).toBe(4 * COST);
      expect(await redisCounter('model')).toBe(4 * COST);

      await redis.restartEmpty();
      // Redis answers, but without the epoch: the local share of the remainder last seen.
      expect(await chat()).toBe(200);
      expect(await degraded()).toContain('money_local_share');
      expect(await chat()).toBe('429 insufficient_quota');
      await waitUntil(async () => (await ledgerSpend()) === 5 * COST, 20_000, 'the ledger to store the outage spend');
      // The local share's spend is replayed into the unseeded counter (the re-seed keeps the larger).
      await waitUntil(async () => (await redisCounter()) === COST, 5_000, 'the outage spend replayed');

      // What the control plane does when it notices the missing epoch (its timer, and at start).
      expect(await reseedMoneyIfUnseeded(cp.database.prisma, controlBus.moneyEpoch!)).toBeGreaterThan(0);
      expect(await reseedMoneyIfUnseeded(cp.database.prisma, controlBus.moneyEpoch!)).toBeNull();
      expect(await redisCounter()).toBe(await ledgerSpend());
      // The model budget's counter too, from the ledger's model spend (requests for the model).
      expect(await ledgerSpend('model')).toBe(5 * COST);
      expect(await redisCounter('model')).toBe(5 * COST);
      // Back on the shared counters (the next probe), which now hold the period's spend.
      await waitUntil(
        async () => (await chat()) === '429 insufficient_quota' && !(await degraded()).includes('money_local_share'),
        10_000,
        'shared counters again',
      );
      expect(await redisCounter()).toBe(5 * COST);
      expect(await ledgerSpend()).toBe(5 * COST);
    }, 60_000);
  });
