import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Bus } from '../shared/bus/bus.ts';
import { createSecretBox } from '../shared/crypto/secret-box.ts';
import { resolveSecretKeys } from '../shared/crypto/secret-key-file.ts';
import { ensureFirstRun, type FirstRunResult } from './bootstrap/first-run.ts';
import { openDatabase } from './db/open-database.ts';
import { applyConfig } from './domain/config/apply-config.ts';
import { referencedVariables } from './domain/config/parse-config.ts';
import { type ControlPlaneEnv, readReferencedVariables } from './env.ts';
import { type RunningControlPlane, startControlPlane } from './server.ts';
import { explainDatabaseError } from './startup-errors.ts';

export interface StartedControlPlane {
  controlPlane: RunningControlPlane;
  firstRun: FirstRunResult;
  databaseKind: 'postgres' | 'pglite';
  close(): Promise<void>;
}

/** Opens the database (migrating it), seeds a first run, and serves GraphQL. */
export async function startControlPlaneFromEnv(env: ControlPlaneEnv, bus: Bus, playgroundTarget?: () => string | undefined): Promise<StartedControlPlane> {
  const database = await openDatabase(env.DATABASE_URL ? { databaseUrl: env.DATABASE_URL } : { dataDir: path.join(env.TOLLGATE_DATA_DIR, 'db') }).catch(
    (error: unknown) => {
      throw explainDatabaseError(error, env.DATABASE_URL);
    },
  );
  let controlPlane: RunningControlPlane;
  let firstRun: FirstRunResult;
  try {
    firstRun = await ensureFirstRun(database.prisma, env.TOLLGATE_ADMIN_KEY);
    const secretBox = createSecretBox(resolveSecretKeys(env.TOLLGATE_SECRET_KEY, env.TOLLGATE_DATA_DIR, env.TOLLGATE_SECRET_KEY_KDF));
    controlPlane = await startControlPlane({
      prisma: database.prisma,
      ledger: database.ledger,
      bus,
      secretBox,
      adminKeyHash: firstRun.adminKeyHash,
      host: env.HOST,
      port: env.CONTROL_PLANE_PORT,
      production: env.NODE_ENV === 'production',
      instanceId: env.TOLLGATE_INSTANCE_ID,
      heartbeatIntervalMs: env.TOLLGATE_HEARTBEAT_INTERVAL_MS,
      maxGraphQLBodyBytes: env.TOLLGATE_GRAPHQL_MAX_BODY_BYTES,
      usageRetentionDays: env.TOLLGATE_USAGE_RETENTION_DAYS,
      singletonIntervalMs: env.TOLLGATE_SINGLETON_INTERVAL_MS,
      snapshotCheckIntervalMs: env.TOLLGATE_SNAPSHOT_CHECK_INTERVAL_MS,
      playgroundTarget: playgroundTarget ?? (() => env.TOLLGATE_DATA_PLANE_URL?.replace(/\/+$/, '').replace(/\/v1$/, '')),
      usageWebhook:
        env.TOLLGATE_USAGE_WEBHOOK_URL && env.TOLLGATE_USAGE_WEBHOOK_SECRET
          ? {
              url: env.TOLLGATE_USAGE_WEBHOOK_URL,
              secret: env.TOLLGATE_USAGE_WEBHOOK_SECRET,
              maxAgeMs: env.TOLLGATE_USAGE_WEBHOOK_MAX_AGE_HOURS * 3_600_000,
              intervalMs: env.TOLLGATE_USAGE_WEBHOOK_INTERVAL_MS,
            }
          : undefined,
    });
  } catch (error) {
    await database.close();
    throw error;
  }
  if (env.TOLLGATE_CONFIG_FILE) {
    try {
      await applyConfigFile(controlPlane, env.TOLLGATE_CONFIG_FILE);
    } catch (error) {
      await controlPlane.close();
      await database.close();
      throw error;
    }
  }
  return {
    controlPlane,
    firstRun,
    databaseKind: database.kind,
    async close() {
      await controlPlane.close();
      await database.close();
    },
  };
}

/** TOLLGATE_CONFIG_FILE: the file is applied (idempotently) as the platform admin before serving. */
async function applyConfigFile(controlPlane: RunningControlPlane, file: string): Promise<void> {
  const yaml = await readFile(file, 'utf8');
  const result = await applyConfig(
    { ...controlPlane.services, principal: { kind: 'admin' } },
    { yaml, env: readReferencedVariables(referencedVariables(yaml)) },
  );
  console.log(result.changes.length === 0 ? `${file}: configuration up to date` : `${file}: applied ${result.changes.length} change(s)`);
}
