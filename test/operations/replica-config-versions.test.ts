import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DataPlane, startDataPlane } from '../../data-plane/app.ts';
import { createRedisBus, type RedisBus } from '../../shared/bus/redis-bus.ts';
import { createSecretBox, parseSecretKeys } from '../../shared/crypto/secret-box.ts';
import { TEST_ADMIN_KEY, TEST_SECRET_KEY } from '../support/control-plane-harness.ts';
import { type PlaneProcess, spawnPlane, waitUntil } from '../support/processes.ts';
import { isReachable, postgresUrl, redisUrl, requireOrSkip } from '../support/services.ts';

// Two control-plane processes on one PostgreSQL and one Redis (issue 17): they start together on
// a fresh database (migrations and the first-run seed once), and concurrent mutations spread over
// both take distinct consecutive config versions; every data plane ends on the last one.
const up = await requireOrSkip('PostgreSQL and Redis', (await isReachable(redisUrl())) && (await isReachable(postgresUrl())));

describe.skipIf(!up)('control-plane replicas: start-up and config versions', () => {
  const database = `tg_replicas_${randomBytes(4).toString('hex')}`;
  const prefix = `tollgate-replicas-${randomBytes(4).toString('hex')}`;
  const dirs: string[] = [];
  let replicas: PlaneProcess[] = [];
  const planes: { plane: DataPlane; bus: RedisBus }[] = [];
  const admin = async (url: string) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    return client;
  };
  const databaseUrl = () => {
    const url = new URL(postgresUrl());
    url.pathname = `/${database}`;
    return url.toString();
  };

  beforeAll(async () => {
    const client = await admin(postgresUrl());
    await client.query(`CREATE DATABASE "${database}"`);
    await client.end();
  });

  afterAll(async () => {
    for (const { plane, bus } of planes) {
      await plane.close();
      await bus.close();
    }
    if (process.env.DEBUG_REPLICAS) for (const r of replicas) console.log(r.output().slice(-6000));
    await Promise.all(replicas.map((replica) => replica.stop('SIGKILL')));
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    const client = await admin(postgresUrl());
    await client.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    await client.end();
  });

  it('start together on a fresh database: migrations and the first-run seed happen once', { timeout: 90_000 }, async () => {
    replicas = await Promise.all(
      ['cp-a', 'cp-b'].map((id) => {
        const dir = mkdtempSync(path.join(tmpdir(), `tollgate-${id}-`));
        dirs.push(dir);
        return spawnPlane(
          'control-plane/main.ts',
          {
            CONTROL_PLANE_PORT: '0',
            DATABASE_URL: databaseUrl(),
            REDIS_URL: redisUrl(),
            TOLLGATE_BUS_PREFIX: prefix,
            TOLLGATE_SECRET_KEY: TEST_SECRET_KEY,
            TOLLGATE_ADMIN_KEY: TEST_ADMIN_KEY,
            TOLLGATE_DATA_DIR: dir,
            TOLLGATE_INSTANCE_ID: id,
            TOLLGATE_HEARTBEAT_INTERVAL_MS: '200',
          },
          60_000,
        );
      }),
    );
    const client = await admin(databaseUrl());
    const teams = await client.query(`SELECT count(*)::int AS n FROM "Team" WHERE slug = 'demo'`);
    await client.end();
    expect(teams.rows[0].n).toBe(1);
  });

  it('50 concurrent mutations over both replicas take 50 distinct consecutive versions; data planes end on the last', { timeout: 60_000 }, async () => {
    expect(replicas).toHaveLength(2);
    for (const id of ['dp-1', 'dp-2']) {
      const bus = createRedisBus({ url: redisUrl(), prefix });
      const plane = await startDataPlane({
        bus,
        host: '127.0.0.1',
        port: 0,
        secretBox: createSecretBox(parseSecretKeys(TEST_SECRET_KEY)),
        maxBodyBytes: 65_536,
        instanceId: id,
        heartbeatIntervalMs: 200,
        defaultMetrics: false,
      });
      planes.push({ plane, bus });
    }
    const client = await admin(databaseUrl());
    const before = (await client.query(`SELECT version FROM "ConfigVersion" WHERE id = 1`)).rows[0].version as number;
    const answers = await Promise.all(
      Array.from({ length: 50 }, async (_, i) => {
        const response = await fetch(`${replicas[i % 2].url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_ADMIN_KEY}` },
          body: JSON.stringify({ query: `mutation { createTeam(input: { name: "t${i}", slug: "burst-${i}" }) { __typename } }` }),
        });
        return (await response.json()) as { data?: { createTeam: { __typename: string } } };
      }),
    );
    expect(answers.map((a) => a.data?.createTeam.__typename ?? JSON.stringify(a).slice(0, 300)).filter((t) => t !== 'MutationCreateTeamSuccess')).toEqual([]);

    const audit = await client.query(`SELECT "configVersion" AS v FROM "AuditLogEntry" WHERE action = 'createTeam' ORDER BY "configVersion"`);
    const versions = audit.rows.map((r: { v: number }) => r.v);
    expect(versions).toEqual(Array.from({ length: 50 }, (_, i) => before + 1 + i));
    const last = before + 50;
    expect((await client.query(`SELECT version FROM "ConfigVersion" WHERE id = 1`)).rows[0].version).toBe(last);
    // One stored snapshot per version at most, never two different ones, and the last is there.
    const stored = await client.query(`SELECT version, hash FROM "Snapshot" ORDER BY version`);
    const storedVersions = stored.rows.map((r: { version: number }) => r.version);
    expect(new Set(storedVersions).size).toBe(storedVersions.length);
    expect(storedVersions.at(-1)).toBe(last);
    await client.end();
    await waitUntil(() => planes.every(({ plane }) => plane.snapshotVersion() === last), 10_000, `every data plane on version ${last}`);
  });
});
