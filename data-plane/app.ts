import type { Bus } from '../shared/bus/bus.ts';
import type { SecretBox } from '../shared/crypto/secret-box.ts';
import { createRouter } from './http/router.ts';
import { createUwsApp, listen } from './http/server.ts';
import type { Redis } from 'ioredis';
import { createMemoryIdempotencyStore, createRedisIdempotencyStore } from './money/idempotency-store.ts';
import { createMemoryMoneyStore } from './money/memory-money-store.ts';
import { createMoneyGuard, type MoneyStatus } from './money/money-guard.ts';
import type { MoneyStore } from './money/money-store.ts';
import { createRedisMoneyStore } from './money/redis-money-store.ts';
import { type Logger, silentLogger } from './logger.ts';
import { createProviderAdapters } from './providers/registry.ts';
import { createUpstreamAgent, type UpstreamAgentOptions } from './providers/upstream-agent.ts';
import { chatCompletionsRoute } from './routes/chat-completions.ts';
import { healthzRoute, notFoundRoute, readyzRoute } from './routes/health.ts';
import { modelsRoute } from './routes/models.ts';
import { createSnapshotStore } from './snapshot/snapshot-store.ts';
import { createUsagePublisher } from './usage/usage-publisher.ts';

export interface DataPlaneOptions {
  /** Snapshots in, usage events out: the plane's only link to the control plane. */
  bus: Bus;
  host: string;
  /** 0 picks a free port; the bound one is returned. */
  port: number;
  /** Opens the provider credentials sealed in snapshots. */
  secretBox: Pick<SecretBox, 'open'>;
  /** Request bodies above this are refused with 413. */
  maxBodyBytes: number;
  logger?: Logger;
  /** Safety-net re-read of the stored snapshot, in case an announcement was lost. */
  snapshotPollIntervalMs?: number;
  upstream?: UpstreamAgentOptions;
  /**
   * Rate limits, budgets and credits: on this Redis, shared by every data plane, when set;
   * otherwise in this process's memory (right for one data plane only). See docs/money.md.
   */
  redisUrl?: string;
  /** Namespace of the money keys in Redis (the bus prefix). */
  keyPrefix?: string;
  /** Share of each limit this plane allows itself while Redis is unreachable; default 1. */
  limitsLocalShare?: number;
  /** Tests: a store of their own (takes precedence over redisUrl). */
  moneyStore?: MoneyStore;
}

export interface DataPlane {
  /** The port actually bound. */
  port: number;
  /** Stops listening, drops connections, releases upstream connections; leaves the bus open. */
  close(): Promise<void>;
  /** The version of the snapshot being served, or null before the first one loaded. */
  snapshotVersion(): number | null;
  /** Where limits and budgets are counted, and whether the Redis fallback is in force. */
  money(): MoneyStatus;
  /** Resolves when every request's settle has reached its store (tests). */
  moneyIdle(): Promise<void>;
}

/**
 * Starts the data plane: loads the current snapshot (serving starts either way; /readyz says
 * when it can answer completions), registers the routes, listens. Throws if uWS is not native.
 */
export async function startDataPlane(options: DataPlaneOptions): Promise<DataPlane> {
  const logger = options.logger ?? silentLogger;
  const app = createUwsApp();
  const snapshots = createSnapshotStore({
    bus: options.bus,
    secretBox: options.secretBox,
    logger,
    pollIntervalMs: options.snapshotPollIntervalMs,
  });
  const agent = createUpstreamAgent(options.upstream);
  const adapters = createProviderAdapters({ dispatcher: agent });
  const usage = createUsagePublisher(options.bus, logger);
  const keyPrefix = options.keyPrefix ?? 'tollgate';
  const moneyStore = options.moneyStore ?? (options.redisUrl ? createRedisMoneyStore({ url: options.redisUrl, prefix: keyPrefix }) : createMemoryMoneyStore());
  const idempotency = 'redis' in moneyStore ? createRedisIdempotencyStore(moneyStore.redis as Redis, keyPrefix) : createMemoryIdempotencyStore();
  const money = createMoneyGuard({
    store: moneyStore,
    localShare: options.limitsLocalShare ?? 1,
    logger,
  });

  // The one place routes are registered.
  const router = createRouter(app, logger);
  router.get('/healthz', healthzRoute);
  router.get('/readyz', readyzRoute({ snapshots, money, usage }));
  router.get('/v1/models', modelsRoute({ snapshots }));
  router.post('/v1/chat/completions', { maxBodyBytes: options.maxBodyBytes }, chatCompletionsRoute({ snapshots, adapters, usage, money, idempotency }));
  router.any('/*', notFoundRoute);

  await snapshots.start();
  let server: Awaited<ReturnType<typeof listen>>;
  try {
    server = await listen(app, options.host, options.port);
  } catch (error) {
    await snapshots.close();
    await agent.destroy();
    await money.close();
    throw error;
  }
  logger.info({ host: options.host, port: server.port, snapshotVersion: snapshots.status().version }, 'data plane listening');

  return {
    port: server.port,
    snapshotVersion: () => snapshots.current()?.version ?? null,
    async close() {
      server.close();
      await snapshots.close();
      // In-flight upstream requests are cut: their clients are gone with the connections.
      await agent.destroy();
      await money.close();
      await usage.flush();
    },
    money: () => money.status(),
    moneyIdle: () => money.idle(),
  };
}
