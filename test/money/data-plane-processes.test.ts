import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisBus } from '../../shared/bus/redis-bus.ts';
import { type ControlPlaneHarness, startControlPlaneHarness, TEST_SECRET_KEY } from '../support/control-plane-harness.ts';
import { type FakeOpenAIUpstream, startFakeOpenAIUpstream } from '../support/fake-openai-upstream.ts';
import { type PlaneProcess, spawnPlane, waitUntil } from '../support/processes.ts';
import { isReachable, postgresUrl, redisUrl, requireOrSkip } from '../support/services.ts';

const servicesUp = await requireOrSkip('PostgreSQL and Redis', (await isReachable(postgresUrl())) && (await isReachable(redisUrl())));

/**
 * Money across real data plane PROCESSES on Redis (three of them, one control plane in this
 * process): a key's rate limit holds globally, and a plane killed with SIGKILL mid-load loses no
 * usage of a response its client received whole.
 */
describe.skipIf(!servicesUp)('money across data plane processes', () => {
  const prefix = `tollgate-money-${randomBytes(4).toString('hex')}`;
  const RPM = 30;
  const dirs: string[] = [];
  let control: ControlPlaneHarness;
  let upstream: FakeOpenAIUpstream;
  let planes: PlaneProcess[] = [];
  const extra: PlaneProcess[] = [];
  let loadKey = '';
  let limitedKey = '';
  let teamId = '';
  let providerId = '';

  const mutate = async (query: string, variables?: Record<string, unknown>) => {
    const result = await control.gql(query, variables);
    if (result.errors) throw new Error(JSON.stringify(result.errors));
    return result.data;
  };
  const chat = (plane: PlaneProcess, key: string, body: Record<string, unknown> = {}) =>
    fetch(`${plane.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'echo', messages: [{ role: 'user', content: 'one two three four five' }], ...body }),
    });

  beforeAll(async () => {
    control = await startControlPlaneHarness({ postgresUrl: postgresUrl(), bus: createRedisBus({ url: redisUrl(), prefix }) });
    const team = await mutate(`mutation { createTeam(input: { name: "Money", slug: "money-procs" }) { ... on MutationCreateTeamSuccess { data { id } } } }`);
    teamId = team.createTeam.data.id;
    upstream = await startFakeOpenAIUpstream({ apiKey: 'sk-money-upstream', defaultReply: { delayMs: 20, chunkDelayMs: 10 } });
    const provider = await mutate(
      `mutation($url: String!) { createProvider(input: { name: "fake-openai", kind: OPENAI_COMPATIBLE, baseUrl: $url, apiKey: "sk-money-upstream" }) { ... on MutationCreateProviderSuccess { data { id } } } }`,
      { url: upstream.baseUrl },
    );
    providerId = provider.createProvider.data.id;
    await mutate(`mutation($p: ID!) { createModel(input: { name: "echo", deployments: [{ providerId: $p, upstreamModel: "echo-1" }] }) { __typename } }`, {
      p: providerId,
    });
    const createKey = `mutation($t: ID!, $n: String!, $l: LimitsInput) { createApiKey(input: { teamId: $t, name: $n, limits: $l }) { ... on MutationCreateApiKeySuccess { data { secret } } } }`;
    loadKey = (await mutate(createKey, { t: teamId, n: 'load' })).createApiKey.data.secret;
    limitedKey = (await mutate(createKey, { t: teamId, n: 'limited', l: { rpm: RPM } })).createApiKey.data.secret;

    // Spawned after the keys exist: their first snapshot has them, so no probe request spends
    // the limited key's bucket.
    planes = await Promise.all(['mp-1', 'mp-2', 'mp-3'].map((id) => startPlane(id, redisUrl())));
  }, 60_000);

  async function startPlane(id: string, redis: string): Promise<PlaneProcess> {
    const dir = mkdtempSync(path.join(tmpdir(), `tollgate-${id}-`));
    dirs.push(dir);
    const plane = await spawnPlane('data-plane/main.ts', {
      DATA_PLANE_PORT: '0',
      REDIS_URL: redis,
      TOLLGATE_BUS_PREFIX: prefix,
      TOLLGATE_SECRET_KEY: TEST_SECRET_KEY,
      TOLLGATE_DATA_DIR: dir,
      TOLLGATE_INSTANCE_ID: id,
      LOG_LEVEL: 'info', // the "listening" line (info) tells spawnPlane the port
    });
    extra.push(plane);
    await waitUntil(async () => (await fetch(`${plane.url}/readyz`)).ok, 15_000, `${plane.url} ready`);
    return plane;
  }

  afterAll(async () => {
    await Promise.all([...planes, ...extra].map((plane) => plane.stop('SIGKILL')));
    await control?.close();
    await control?.bus.close();
    await upstream?.close();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it(`one key limited to ${RPM} rpm, hit through three processes at once, gets ${RPM} through (plus what refilled)`, async () => {
    const started = Date.now();
    const statuses = await Promise.all(
      Array.from({ length: RPM * 3 }, async (_, i) => {
        const response = await chat(planes[i % 3], limitedKey);
        const body = await response.json();
        return response.status === 200 ? 200 : `${response.status} ${body.error?.code}`;
      }),
    );
    const elapsedS = (Date.now() - started) / 1000;
    const ok = statuses.filter((s) => s === 200).length;
    // GCRA bound (docs/money.md): at most limit + limit * t / 60 over t seconds, whatever the
    // number of planes; and the full bucket lets the first `limit` through.
    expect(ok).toBeGreaterThanOrEqual(RPM);
    expect(ok).toBeLessThanOrEqual(RPM + Math.ceil((elapsedS * RPM) / 60));
    expect(new Set(statuses.filter((s) => s !== 200))).toEqual(new Set(['429 rate_limit_exceeded']));
  });

  it('a hard budget holds across three processes: total spend never exceeds it', async () => {
    // $1 / $2 per million tokens: the fake upstream's 21 prompt and 7 completion tokens cost 35 µ$.
    await mutate(
      `mutation($p: ID!) { createModel(input: { name: "priced", price: { inputPerMillion: "1000000", outputPerMillion: "2000000" }, deployments: [{ providerId: $p, upstreamModel: "priced-1" }] }) { __typename } }`,
      { p: providerId },
    );
    const created = await mutate(
      `mutation($t: ID!) { createApiKey(input: { teamId: $t, name: "budgeted" }) { ... on MutationCreateApiKeySuccess { data { secret apiKey { id } } } } }`,
      { t: teamId },
    );
    const { secret, apiKey } = created.createApiKey.data;
    const BUDGET = 35 * 10;
    await mutate(`mutation($k: ID!, $a: MicroUSD!) { setBudget(input: { scope: KEY, scopeId: $k, amount: $a, period: MONTHLY, hard: true }) { __typename } }`, {
      k: apiKey.id,
      a: String(BUDGET),
    });
    // Every process serves the new model and knows the budget before the burst.
    for (const plane of planes) {
      await waitUntil(
        async () =>
          (await fetch(`${plane.url}/v1/models`, { headers: { authorization: `Bearer ${secret}` } }).then((r) => r.json())).data?.some(
            (m: { id: string }) => m.id === 'priced',
          ),
        10_000,
        `${plane.url} serves priced`,
      );
    }

    const statuses = await Promise.all(
      Array.from({ length: 60 }, async (_, i) => {
        const response = await chat(planes[i % 3], secret, { model: 'priced', max_tokens: 7 });
        const body = await response.json();
        return response.status === 200 ? 200 : `${response.status} ${body.error?.code}`;
      }),
    );
    const served = statuses.filter((s) => s === 200).length;
    expect(served).toBeGreaterThan(0);
    expect(new Set(statuses.filter((s) => s !== 200))).toEqual(new Set(['429 insufficient_quota']));
    // The ledger, once every served request's usage is stored: never above the budget.
    await waitUntil(async () => (await control.database.prisma.usageEvent.count({ where: { apiKeyId: apiKey.id } })) >= served, 10_000, 'usage stored');
    const spent = await control.database.prisma.usageEvent.aggregate({ where: { apiKeyId: apiKey.id }, _sum: { costMicroUsd: true } });
    expect(Number(spent._sum.costMicroUsd)).toBeLessThanOrEqual(BUDGET);
    expect(Number(spent._sum.costMicroUsd)).toBe(served * 35);
  });

  it('a data plane killed with SIGKILL mid-load loses no usage of a response its client received', async () => {
    // The window the relays close (response written, XADD not yet on the socket) lasts an
    // event-loop turn or two, too short to hit on purpose: this checks the outcome under load.
    // (A proxy delaying Redis does not widen it: the XADD has left the process by then.)
    const victim = planes[0];
    const succeeded: string[] = [];
    let killed = false;
    let cut = 0;
    async function worker(w: number) {
      for (let n = 0; !killed; n++) {
        const stream = (w + n) % 2 === 0;
        try {
          const response = await chat(victim, loadKey, { stream });
          const body = await response.text();
          // Received whole: JSON that parses, or a stream through [DONE].
          const whole = stream ? body.trimEnd().endsWith('data: [DONE]') : JSON.parse(body).object === 'chat.completion';
          if (response.status === 200 && whole) succeeded.push(response.headers.get('x-request-id')!);
        } catch {
          cut++; // the connection died with the process
          return;
        }
      }
    }
    const workers = Array.from({ length: 8 }, (_, w) => worker(w));
    await waitUntil(() => succeeded.length >= 40, 10_000, 'load running');
    victim.child.kill('SIGKILL');
    killed = true;
    expect(await victim.exited()).toBeNull();
    await Promise.all(workers);
    expect(cut, 'requests in flight when the process died').toBeGreaterThan(0);

    // Every received response has its usage event in the ledger, exactly once.
    const count = () =>
      control.database.prisma.usageEvent.groupBy({ by: ['requestId'], where: { requestId: { in: succeeded }, status: 200 }, _count: { _all: true } });
    await waitUntil(async () => (await count()).length === succeeded.length, 10_000, `${succeeded.length} usage events stored`);
    const rows = await count();
    expect(rows.every((row) => row._count._all === 1)).toBe(true);
    expect(new Set(succeeded).size).toBe(succeeded.length);
  });
});
