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
 * Scale-out on one machine: one control plane (in this process) and three data plane processes,
 * on real PostgreSQL and Redis, as `docker compose up --scale data-plane=3` runs them.
 * (Global rate limits and budgets are the money issue's; their scale-out assertions belong there.)
 */
describe.skipIf(!servicesUp)('scale-out: three data plane processes', () => {
  const prefix = `tollgate-scale-${randomBytes(4).toString('hex')}`;
  const dirs: string[] = [];
  let control: ControlPlaneHarness;
  let upstream: FakeOpenAIUpstream;
  let planes: PlaneProcess[] = [];
  let teamId = '';
  let providerId = '';
  let appKey = '';

  const mutate = async (query: string, variables?: Record<string, unknown>) => {
    const result = await control.gql(query, variables);
    if (result.errors) throw new Error(JSON.stringify(result.errors));
    return result.data;
  };
  const chat = (plane: PlaneProcess, key: string, body: Record<string, unknown>) =>
    fetch(`${plane.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ messages: [{ role: 'user', content: 'one two three four five' }], ...body }),
    });

  beforeAll(async () => {
    control = await startControlPlaneHarness({
      postgresUrl: postgresUrl(),
      bus: createRedisBus({ url: redisUrl(), prefix }),
      controlPlane: { heartbeatIntervalMs: 200 },
    });
    const team = await mutate(`mutation { createTeam(input: { name: "Scale", slug: "scale" }) { ... on MutationCreateTeamSuccess { data { id } } } }`);
    teamId = team.createTeam.data.id;
    // A real OpenAI wire format, 20 ms to answer and 10 ms between streamed frames.
    upstream = await startFakeOpenAIUpstream({ apiKey: 'sk-scale-upstream', defaultReply: { delayMs: 20, chunkDelayMs: 10 } });
    const provider = await mutate(
      `mutation($url: String!) { createProvider(input: { name: "fake-openai", kind: OPENAI_COMPATIBLE, baseUrl: $url, apiKey: "sk-scale-upstream" }) { ... on MutationCreateProviderSuccess { data { id } } } }`,
      { url: upstream.baseUrl },
    );
    providerId = provider.createProvider.data.id;
    await mutate(`mutation($p: ID!) { createModel(input: { name: "slow-echo", deployments: [{ providerId: $p, upstreamModel: "echo-1" }] }) { __typename } }`, {
      p: providerId,
    });
    const key = await mutate(
      `mutation($t: ID!) { createApiKey(input: { teamId: $t, name: "load" }) { ... on MutationCreateApiKeySuccess { data { secret } } } }`,
      { t: teamId },
    );
    appKey = key.createApiKey.data.secret;

    planes = await Promise.all(
      ['dp-1', 'dp-2', 'dp-3'].map((id) => {
        const dir = mkdtempSync(path.join(tmpdir(), `tollgate-${id}-`));
        dirs.push(dir);
        return spawnPlane('data-plane/main.ts', {
          DATA_PLANE_PORT: '0',
          REDIS_URL: redisUrl(),
          TOLLGATE_BUS_PREFIX: prefix,
          TOLLGATE_SECRET_KEY: TEST_SECRET_KEY,
          TOLLGATE_DATA_DIR: dir,
          TOLLGATE_INSTANCE_ID: id,
          TOLLGATE_HEARTBEAT_INTERVAL_MS: '200',
          TOLLGATE_DRAIN_TIMEOUT_MS: '3000',
          LOG_LEVEL: 'info',
        });
      }),
    );
    for (const plane of planes) await waitUntil(async () => (await fetch(`${plane.url}/readyz`)).ok, 15_000, `${plane.url} ready`);
  });

  afterAll(async () => {
    await Promise.all(planes.map((plane) => plane.stop('SIGKILL')));
    await control?.close();
    await control?.bus.close();
    await upstream?.close();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('a config change reaches all three, and the fleet view shows them converged', async () => {
    const started = Date.now();
    await mutate(`mutation($p: ID!) { createModel(input: { name: "new-model", deployments: [{ providerId: $p, upstreamModel: "echo-2" }] }) { __typename } }`, {
      p: providerId,
    });
    for (const plane of planes) {
      await waitUntil(
        async () => {
          const models = await (await fetch(`${plane.url}/v1/models`, { headers: { authorization: `Bearer ${appKey}` } })).json();
          return models.data?.some((model: { id: string }) => model.id === 'new-model');
        },
        2_000,
        `new-model on ${plane.url}`,
      );
    }
    expect(Date.now() - started).toBeLessThan(2_000);
    const fleet = await waitUntil(
      async () => {
        const { data } = await control.gql(`{ fleet { live converged targetSnapshotVersion dataPlanes { instanceId snapshotVersion } } }`);
        return data?.fleet.live === 3 && data.fleet.converged ? data.fleet : undefined;
      },
      3_000,
      'converged fleet',
    );
    expect(fleet.dataPlanes.map((p: { instanceId: string }) => p.instanceId)).toEqual(['dp-1', 'dp-2', 'dp-3']);
  });

  it('a revoked key is refused by every data plane within 2 seconds', async () => {
    const created = await mutate(
      `mutation($t: ID!) { createApiKey(input: { teamId: $t, name: "doomed" }) { ... on MutationCreateApiKeySuccess { data { secret apiKey { id } } } } }`,
      { t: teamId },
    );
    const { secret, apiKey } = created.createApiKey.data;
    for (const plane of planes) await waitUntil(async () => (await chat(plane, secret, { model: 'slow-echo' })).status === 200, 2_000, 'new key accepted');

    const revokedAt = Date.now();
    await mutate(`mutation($id: ID!) { revokeApiKey(id: $id) { __typename } }`, { id: apiKey.id });
    await Promise.all(
      planes.map((plane) => waitUntil(async () => (await chat(plane, secret, { model: 'slow-echo' })).status === 401, 2_000, `revoked on ${plane.url}`)),
    );
    expect(Date.now() - revokedAt).toBeLessThan(2_000);
  });

  it('stopping one data plane mid-load loses no usage, and clients retrying elsewhere see no errors', async () => {
    const succeeded: string[] = [];
    const clientErrors: string[] = [];
    let alive = [...planes];
    const victim = planes[2];
    let loading = true;

    async function oneRequest(worker: number, n: number): Promise<void> {
      const stream = n % 2 === 0;
      for (let attempt = 0; attempt < 4; attempt++) {
        const plane = alive[(worker + n + attempt) % alive.length];
        try {
          const response = await chat(plane, appKey, { model: 'slow-echo', stream });
          const body = await response.text();
          // A stream cut by the drain deadline ends with an error event instead of [DONE].
          if (response.status === 200 && (!stream || body.trimEnd().endsWith('data: [DONE]'))) {
            succeeded.push(response.headers.get('x-request-id')!);
            return;
          }
          if (response.status !== 503) {
            clientErrors.push(`${response.status} ${body.slice(0, 200)}`);
            return;
          }
        } catch {
          // The connection of the stopped plane: retry against another one.
        }
      }
      clientErrors.push('no plane answered after 4 attempts');
    }

    const workers = Array.from({ length: 6 }, async (_, worker) => {
      for (let n = 0; loading; n++) await oneRequest(worker, n);
    });
    // Load on all three planes first (how long that takes depends on the machine, not the gateway).
    await waitUntil(async () => succeeded.length > 3, 15_000, 'load running on every plane');
    const before = succeeded.length;
    victim.child.kill('SIGTERM');
    // Clients notice through 503 `draining` or refused connections; a load balancer would through /readyz.
    setTimeout(() => (alive = planes.filter((plane) => plane !== victim)), 300);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    loading = false;
    await Promise.all(workers);
    expect(await victim.exited()).toBe(0);

    expect(clientErrors).toEqual([]);
    expect(before).toBeGreaterThan(3);
    expect(succeeded.length).toBeGreaterThan(before);
    // Every successful response's usage reaches the database (the stopped plane's included).
    await waitUntil(
      async () => {
        const stored = await control.database.prisma.usageEvent.count({ where: { requestId: { in: succeeded }, status: 200 } });
        return stored === succeeded.length;
      },
      10_000,
      `${succeeded.length} usage events stored`,
    );
    const deadLetters = await control.bus.usageBacklog();
    expect(deadLetters.deadLetters).toBe(0);
  });
});
