import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import pg from 'pg';
import { inject } from 'vitest';
import { ensureFirstRun } from '../../control-plane/bootstrap/first-run.ts';
import { type Database, openDatabase } from '../../control-plane/db/open-database.ts';
import { type ControlPlaneOptions, type RunningControlPlane, startControlPlane } from '../../control-plane/server.ts';
import type { Bus } from '../../shared/bus/bus.ts';
import { createMemoryBus } from '../../shared/bus/memory-bus.ts';
import { createSecretBox, parseSecretKeys } from '../../shared/crypto/secret-box.ts';
import { pgliteTemplatePath } from './pglite-template.ts';

export const TEST_ADMIN_KEY = 'tga_test-admin-key-0123456789';

import { TEST_SECRET_KEY } from './test-keys.ts';

export { TEST_SECRET_KEY };

export interface ControlPlaneHarness {
  controlPlane: RunningControlPlane;
  database: Database;
  /** The PostgreSQL schema it works in (undefined on PGlite). */
  schema: string | undefined;
  bus: Bus;
  demoKey: string | null;
  /** POSTs a GraphQL operation; returns the parsed body. */
  gql<T = any>(
    query: string,
    variables?: Record<string, unknown>,
    token?: string | null,
  ): Promise<{ data?: T; errors?: { message: string; extensions?: any }[] }>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  /** A PostgreSQL URL: the harness works in a fresh schema it drops afterwards. Unset: in-memory PGlite. */
  postgresUrl?: string;
  /** With postgresUrl: join this existing schema (another replica's) instead; the harness that made it drops it. */
  joinSchema?: string;
  bus?: Bus;
  /** Heartbeat period, instance id... (defaults as in production, process metrics off). */
  controlPlane?: Partial<
    Pick<
      ControlPlaneOptions,
      | 'heartbeatIntervalMs'
      | 'instanceId'
      | 'consumerName'
      | 'defaultMetrics'
      | 'usageWebhook'
      | 'credentialRecheckMs'
      | 'snapshotCheckIntervalMs'
      | 'moneyEpochCheckIntervalMs'
      | 'singletonIntervalMs'
      | 'playgroundTarget'
    >
  >;
  /** Production mode: no introspection, no field suggestions, no GraphiQL. */
  production?: boolean;
}

/** The migrated PGlite dump made by the global setup (or here, when run without it). */
export async function pgliteTemplate(): Promise<Blob> {
  let file: string | undefined;
  try {
    file = inject('pgliteTemplatePath');
  } catch {
    // Not under vitest's global setup (a script, say): make or reuse the template directly.
  }
  return new Blob([await readFile(file ?? (await pgliteTemplatePath()))]);
}

/** A control plane on port 0 against a fresh database, seeded like a first start. */
export async function startControlPlaneHarness(options: HarnessOptions = {}): Promise<ControlPlaneHarness> {
  const schema = options.postgresUrl ? (options.joinSchema ?? `t_${randomBytes(6).toString('hex')}`) : undefined;
  const database = await openDatabase(
    options.postgresUrl ? { databaseUrl: options.postgresUrl, schema } : { dataDir: 'memory://', pgliteTemplate: await pgliteTemplate() },
  );
  const firstRun = await ensureFirstRun(database.prisma, TEST_ADMIN_KEY);
  const bus = options.bus ?? createMemoryBus();
  const controlPlane = await startControlPlane({
    prisma: database.prisma,
    ledger: database.ledger,
    bus,
    secretBox: createSecretBox(parseSecretKeys(TEST_SECRET_KEY)),
    adminKeyHash: firstRun.adminKeyHash,
    host: '127.0.0.1',
    port: 0,
    defaultMetrics: false,
    production: options.production,
    // No singleton jobs unless a test asks: retention at start would prune the counters of the
    // fixed past dates many tests write usage at (it keeps minute counters from yesterday on).
    singletonIntervalMs: 0,
    ...options.controlPlane,
  });

  return {
    controlPlane,
    database,
    schema,
    bus,
    demoKey: firstRun.createdDemoKey,
    async gql(query, variables, token = TEST_ADMIN_KEY) {
      const response = await fetch(controlPlane.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      return (await response.json()) as any;
    },
    async close() {
      await controlPlane.close();
      if (!options.bus) await bus.close();
      await database.close();
      if (options.postgresUrl && schema && !options.joinSchema) {
        const client = new pg.Client({ connectionString: options.postgresUrl });
        await client.connect();
        await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        await client.end();
      }
    },
  };
}
