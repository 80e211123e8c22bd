import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import OpenAI from 'openai';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_ADMIN_KEY, TEST_SECRET_KEY } from '../support/control-plane-harness.ts';
import { type FakeOpenAIUpstream, startFakeOpenAIUpstream } from '../support/fake-openai-upstream.ts';
import { controlPlaneProcessEnv, type PlaneProcess, spawnPlane, waitUntil } from '../support/processes.ts';
import { isReachable, postgresUrl, redisUrl, requireOrSkip } from '../support/services.ts';
import { subscribe, wsClient } from '../support/ws-client.ts';

const servicesUp = await requireOrSkip('PostgreSQL and Redis', (await isReachable(postgresUrl())) && (await isReachable(redisUrl())));

const LOAD_MS = 30_000;
const KILL_AT_MS = 10_000;

/**
 * Three control planes and three data planes on one PostgreSQL and one Redis, under continuous
 * load through the OpenAI SDK; one control plane is killed with SIGKILL in the middle. No usage
 * event is lost or stored twice, a live-usage subscriber on a surviving replica sees every one,
 * a subscriber on the killed replica reconnects to another and resumes, and config mutations
 * keep working with every data plane ending on one snapshot version.
 */
describe.skipIf(!servicesUp)('control plane failover under load', () => {
  const prefix = `tollgate-failover-${randomBytes(4).toString('hex')}`;
  const database = `t_failover_${randomBytes(4).toString('hex')}`;
  const databaseUrl = postgresUrl().replace(/\/[^/?]*(\?.*)?$/, `/${database}`);
  const dirs: string[] = [];
  let controls: PlaneProcess[] = [];
  let datas: PlaneProcess[] = [];
  let upstream: FakeOpenAIUpstream;
  let teamId = '';
  let appKey = '';

  const controlEnv = (id: string) =>
    controlPlaneProcessEnv(databaseUrl, prefix, { TOLLGATE_INSTANCE_ID: id, TOLLGATE_HEARTBEAT_INTERVAL_MS: '500', TOLLGATE_USAGE_CLAIM_IDLE_MS: '3000' });
  const gql = async (control: PlaneProcess, query: string, variables?: Record<string, unknown>) => {
    const response = await fetch(`${control.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_ADMIN_KEY}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { data?: any; errors?: unknown };
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return body.data;
  };

  beforeAll(async () => {
    const admin = new pg.Client({ connectionString: postgresUrl() });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${database}"`);
    await admin.end();
    upstream = await startFakeOpenAIUpstream({ apiKey: 'sk-failover', defaultReply: { delayMs: 5 } });
    // The first replica makes the first-run rows; the other two then start together.
    controls = [await spawnPlane('control-plane/main.ts', controlEnv('cp-1'), 60_000)];
    controls.push(...(await Promise.all(['cp-2', 'cp-3'].map((id) => spawnPlane('control-plane/main.ts', controlEnv(id), 60_000)))));
    const team = await gql(
      controls[0],
      `mutation { createTeam(input: { name: "Failover", slug: "failover" }) { ... on MutationCreateTeamSuccess { data { id } } } }`,
    );
    teamId = team.createTeam.data.id;
    const provider = await gql(
      controls[1],
      `mutation($url: String!) { createProvider(input: { name: "fake", kind: OPENAI_COMPATIBLE, baseUrl: $url, apiKey: "sk-failover" }) { ... on MutationCreateProviderSuccess { data { id } } } }`,
      { url: upstream.baseUrl },
    );
    await gql(
      controls[2],
      `mutation($p: ID!) { createModel(input: { name: "echo", deployments: [{ providerId: $p, upstreamModel: "echo-1" }], price: { inputPerMillion: "1000000", outputPerMillion: "2000000" } }) { __typename } }`,
      { p: provider.createProvider.data.id },
    );
    const key = await gql(
      controls[0],
      `mutation($t: ID!) { createApiKey(input: { teamId: $t, name: "load" }) { ... on MutationCreateApiKeySuccess { data { secret } } } }`,
      { t: teamId },
    );
    appKey = key.createApiKey.data.secret;
    datas = await Promise.all(
      ['dp-1', 'dp-2', 'dp-3'].map((id) => {
        const dir = mkdtempSync(path.join(tmpdir(), `tollgate-${id}-`));
        dirs.push(dir);
        return spawnPlane(
          'data-plane/main.ts',
          {
            DATA_PLANE_PORT: '0',
            REDIS_URL: redisUrl(),
            TOLLGATE_BUS_PREFIX: prefix,
            TOLLGATE_SECRET_KEY: TEST_SECRET_KEY,
            TOLLGATE_DATA_DIR: dir,
            TOLLGATE_INSTANCE_ID: id,
            TOLLGATE_HEARTBEAT_INTERVAL_MS: '500',
          },
          60_000,
        );
      }),
    );
    for (const plane of datas) {
      await waitUntil(
        async () => {
          const response = await fetch(`${plane.url}/v1/models`, { headers: { authorization: `Bearer ${appKey}` } });
          return response.ok && ((await response.json()) as { data: { id: string }[] }).data.some((m) => m.id === 'echo');
        },
        20_000,
        `${plane.url} serves the model`,
      );
    }
  }, 180_000);

  afterAll(async () => {
    await Promise.all([...controls, ...datas].map((plane) => plane.stop('SIGKILL').catch(() => undefined)));
    await upstream?.close();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    const admin = new pg.Client({ connectionString: postgresUrl() });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    await admin.end();
  });

  it('kill -9 of a control plane loses no usage, and live usage and mutations carry on', async () => {
    const [doomed, survivor, spare] = controls;
    // A subscriber on the survivor, and one on the doomed replica that moves to the spare.
    const onSurvivor: string[] = [];
    const onMoved = { before: [] as string[], after: [] as string[] };
    // How each subscription ended (a failure names it: an end on the survivor is a lost subscriber).
    const endings = new Map<string[], string>();
    const listen = async (url: string, into: string[]) => {
      const client = wsClient(`${url}/graphql`, TEST_ADMIN_KEY);
      try {
        for await (const result of subscribe(client, 'subscription($t: ID!) { usage(teamId: $t) { id } }', { t: teamId })) {
          if (result.data) into.push(result.data.usage.id);
          if (result.errors) endings.set(into, JSON.stringify(result.errors));
        }
        endings.set(into, endings.get(into) ?? 'completed by the server');
      } catch (error) {
        // The replica died: the caller reconnects elsewhere.
        endings.set(into, String(error));
      }
      return client;
    };
    const survivorListening = listen(survivor.url, onSurvivor);
    const movedListening = listen(doomed.url, onMoved.before).then(async () => {
      const client = await listen(spare.url, onMoved.after);
      return client;
    });
    // Both subscriptions are live once a request's usage reaches both.
    const client = (plane: PlaneProcess) => new OpenAI({ baseURL: `${plane.url}/v1`, apiKey: appKey, maxRetries: 0 });
    await waitUntil(
      async () => {
        await client(datas[0]).chat.completions.create({ model: 'echo', messages: [{ role: 'user', content: 'warm up' }] });
        return onSurvivor.length > 0 && onMoved.before.length > 0;
      },
      20_000,
      'subscriptions live',
    );

    const served = new Set<string>();
    const failures: string[] = [];
    const started = Date.now();
    const worker = async (plane: PlaneProcess, n: number) => {
      const sdk = client(plane);
      for (let i = 0; Date.now() - started < LOAD_MS; i++) {
        try {
          const { response } = await sdk.chat.completions.create({ model: 'echo', messages: [{ role: 'user', content: `request ${n}.${i}` }] }).withResponse();
          served.add(response.headers.get('x-request-id')!);
        } catch (error) {
          failures.push(String(error));
        }
      }
    };
    // Mutations through the surviving replicas all along (every data plane must converge on them).
    let mutations = 0;
    const mutating = (async () => {
      while (Date.now() - started < LOAD_MS) {
        const through = controls[1 + (mutations % 2)];
        await gql(through, `mutation($t: ID!, $n: String!) { createApiKey(input: { teamId: $t, name: $n }) { __typename } }`, {
          t: teamId,
          n: `k${mutations}`,
        });
        mutations++;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    })();
    const killing = (async () => {
      await new Promise((resolve) => setTimeout(resolve, KILL_AT_MS));
      doomed.child.kill('SIGKILL');
      await doomed.exited();
    })();
    await Promise.all([...datas.flatMap((plane, n) => [worker(plane, 2 * n), worker(plane, 2 * n + 1)]), mutating, killing]);

    expect(failures).toEqual([]);
    expect(mutations).toBeGreaterThan(10);
    expect(served.size).toBeGreaterThan(100);

    // Conservation: every served request's one attempt is stored exactly once (the killed
    // replica's unacknowledged batches are claimed by the others).
    const db = new pg.Client({ connectionString: databaseUrl });
    await db.connect();
    try {
      const ledger = async () =>
        (await db.query<{ id: string; requestId: string }>(`SELECT "id", "requestId" FROM "UsageEvent" WHERE "teamId" = $1`, [teamId])).rows;
      await waitUntil(
        async () => {
          const rows = await ledger();
          return [...served].every((id) => rows.some((row) => row.requestId === id)) ? rows : undefined;
        },
        30_000,
        'every served request in the ledger',
      );
      const rows = await ledger();
      expect(new Set(rows.map((row) => row.id)).size).toBe(rows.length);
      const loadRows = rows.filter((row) => served.has(row.requestId));
      expect(loadRows.length).toBe(served.size);

      // The survivor's subscriber saw every event stored from its subscription on, exactly once.
      const loadIds = loadRows.map((row) => row.id);
      await waitUntil(async () => loadIds.every((id) => onSurvivor.includes(id)), 10_000, 'survivor saw every event').catch((error: Error) => {
        const missing = loadIds.filter((id) => !onSurvivor.includes(id));
        throw new Error(
          `${error.message}: ${missing.length} of ${loadIds.length} missing (${missing.slice(0, 3).join(', ')}), its subscription ${endings.get(onSurvivor) ?? 'still open'}`,
        );
      });
      expect(onSurvivor.length).toBe(new Set(onSurvivor).size);
      // The moved subscriber resumed on the spare replica: events after the move, none twice.
      await waitUntil(async () => onMoved.after.length > 0, 10_000, 'moved subscriber resumed');
      expect(onMoved.after.length).toBe(new Set(onMoved.after).size);
      // Across the reconnect delivery is at least once (docs/operations.md): a batch the killed
      // replica stored and published but had not acknowledged is claimed, and published again, by
      // another replica, so the moved subscriber may see such an event on both sides of the move.
      // Those are the only repeats allowed: every repeated id is a stored event of this load.
      const repeated = onMoved.after.filter((id) => onMoved.before.includes(id));
      expect(repeated.every((id) => loadIds.includes(id))).toBe(true);
    } finally {
      await db.end();
    }

    // Every data plane ends on the survivors' last snapshot version.
    await waitUntil(
      async () => {
        const { fleet } = await gql(survivor, `{ fleet { converged targetSnapshotVersion dataPlanes { instanceId snapshotVersion } } }`);
        const ours = fleet.dataPlanes.filter((plane: { instanceId: string }) => plane.instanceId.startsWith('dp-'));
        return (
          fleet.converged && ours.length === 3 && ours.every((plane: { snapshotVersion: number }) => plane.snapshotVersion === fleet.targetSnapshotVersion)
        );
      },
      10_000,
      'data planes converged',
    );

    for (const listening of [survivorListening, movedListening]) void listening.then((c) => c.dispose());
  }, 180_000);
});
