import { hostname } from 'node:os';
import type { Bus } from '../shared/bus/bus.ts';
import type { RedisClient } from '../shared/bus/redis-client.ts';
import type { SecretBox } from '../shared/crypto/secret-box.ts';
import type { DegradedMode } from '../shared/events/heartbeat.ts';
import { createCacheMetrics } from './cache/cache-metrics.ts';
import { type CacheStore, createMemoryCacheStore, createRedisCacheStore } from './cache/cache-store.ts';
import { createWebhookCaller } from './guardrails/webhook-guard.ts';
import type { RequestObserver } from './http/router.ts';
import { createRouter } from './http/router.ts';
import { createUwsApp, listen } from './http/server.ts';
import { ANTHROPIC_ERROR_FORMAT } from './ingress/anthropic/anthropic-errors.ts';
import { countTokensRoute } from './ingress/anthropic/count-tokens-route.ts';
import { messagesRoute } from './ingress/anthropic/messages-route.ts';
import { responsesRoute } from './ingress/responses/responses-route.ts';
import { createLifecycle, type DrainReport } from './lifecycle/drain.ts';
import { createHeartbeat } from './lifecycle/heartbeat.ts';
import { type Logger, silentLogger } from './logger.ts';
import { createDataPlaneMetrics } from './metrics/data-plane-metrics.ts';
import { metricsRoute } from './metrics/metrics-route.ts';
import { createMemoryIdempotencyStore, createRedisIdempotencyStore } from './money/idempotency-store.ts';
import { createMemoryMoneyStore } from './money/memory-money-store.ts';
import { createMoneyGuard, type MoneyStatus } from './money/money-guard.ts';
import type { MoneyStore } from './money/money-store.ts';
import { createRedisMoneyStore } from './money/redis-money-store.ts';
import { createTracing, type TracingOptions } from './observe/tracing.ts';
import { createProviderAdapters } from './providers/registry.ts';
import { createUpstreamAgents, type UpstreamAgentOptions } from './providers/upstream-agent.ts';
import { chatCompletionsRoute } from './routes/chat-completions.ts';
import { completionsRoute } from './routes/completions.ts';
import { embeddingsRoute } from './routes/embeddings.ts';
import { healthzRoute, notFoundRoute, readyzRoute } from './routes/health.ts';
import { modelRoute, modelsRoute } from './routes/models.ts';
import { createRoutingRuntime, type RoutingOptions } from './routing/routing-runtime.ts';
import { createSnapshotFile } from './snapshot/snapshot-file.ts';
import { createSnapshotStore } from './snapshot/snapshot-store.ts';
import { createUsagePublisher } from './usage/usage-publisher.ts';

/** Kubernetes' default grace is 30 s: finish streams in 25, keep 5 for the flush and exit. */
export const DEFAULT_DRAIN_TIMEOUT_MS = 25_000;

export interface DataPlaneOptions {
  /** Snapshots in, usage events out: the plane's only link to the control plane. */
  bus: Bus;
  host: string;
  /** 0 picks a free port; the bound one is returned. */
  port: number;
  /** Opens the provider credentials sealed in snapshots; its keys verify the snapshots' signatures. */
  secretBox: Pick<SecretBox, 'open' | 'keys'>;
  /** Request bodies above this are refused with 413. */
  maxBodyBytes: number;
  logger?: Logger;
  /** Safety-net re-read of the stored snapshot, in case an announcement was lost. */
  snapshotPollIntervalMs?: number;
  /** Behind the control plane's snapshot version this long: degraded `snapshot_stale`. Default 10 s. */
  snapshotStaleAfterMs?: number;
  upstream?: UpstreamAgentOptions;
  /** Retry, cooldown and timeout policy; a shared cooldown store. Defaults suit production. */
  routing?: RoutingOptions;
  /**
   * Where the last good snapshot is kept (`<dir>/snapshot.json`), to boot from when the bus has
   * none or is unreachable. Unset: nothing is written or read.
   */
  snapshotDir?: string;
  /** This process's id in the fleet view; default host name + pid. */
  instanceId?: string;
  /** Fleet heartbeat period; 0 sends none. Default 5 s. */
  heartbeatIntervalMs?: number;
  /** Process-wide metrics (memory, event loop, GC) on /metrics too; default true. */
  defaultMetrics?: boolean;
  /**
   * Rate limits, budgets and credits: on this Redis, shared by every data plane, when set;
   * otherwise in this process's memory (right for one data plane only). See docs/money.md.
   */
  redisUrl?: string;
  /** Namespace of the money keys in Redis (the bus prefix). */
  keyPrefix?: string;
  /** Share of each limit this plane allows itself while Redis is unreachable; default 1. */
  limitsLocalShare?: number;
  /** Bytes the in-process response cache may hold when there is no Redis (TOLLGATE_CACHE_MEMORY_BYTES); default 64 MiB. */
  cacheMemoryBytes?: number;
  /** Tests: a store of their own (takes precedence over redisUrl). */
  moneyStore?: MoneyStore;
  /** OpenTelemetry traces (request and upstream-attempt spans); off unless an endpoint or exporter is given. */
  tracing?: Omit<TracingOptions, 'instanceId'>;
}

export interface DataPlane {
  /** The port actually bound. */
  port: number;
  instanceId: string;
  /**
   * Graceful stop, first half: /readyz turns 503 at once, new requests get 503 `draining`,
   * in-flight ones finish up to `deadlineMs` (then end with a terminal error), and every usage
   * event is handed to the bus. Listening continues (probes answer) until close().
   */
  drain(deadlineMs?: number): Promise<DrainReport>;
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
/** The in-process response cache's bound when TOLLGATE_CACHE_MEMORY_BYTES is not set. */
const DEFAULT_CACHE_MEMORY_BYTES = 64 * 1024 * 1024;

export async function startDataPlane(options: DataPlaneOptions): Promise<DataPlane> {
  const logger = options.logger ?? silentLogger;
  const instanceId = options.instanceId ?? `${hostname()}-${process.pid}`;
  const app = createUwsApp();
  const snapshots = createSnapshotStore({
    bus: options.bus,
    secretBox: options.secretBox,
    logger,
    pollIntervalMs: options.snapshotPollIntervalMs,
    staleAfterMs: options.snapshotStaleAfterMs,
    file: options.snapshotDir ? createSnapshotFile(options.snapshotDir) : undefined,
  });
  const routing = createRoutingRuntime(options.routing);
  // Per-attempt deadlines (first byte, idle, total) are enforced by the dispatch (every attempt
  // has all three); the agents keep only the connect timeout (per deployment). undici's own
  // headers and body timers are off: they re-armed native timers on every request (3% of a
  // request's CPU in the profile) to enforce what the attempt clock already does.
  const agents = createUpstreamAgents({
    connectTimeoutMs: routing.timeouts.connectMs,
    headersTimeoutMs: 0,
    bodyTimeoutMs: 0,
    ...options.upstream,
  });
  const lifecycle = createLifecycle();
  // Every degraded state shows in /readyz `degraded` (and the heartbeat): filled in once the money
  // guard and the usage publisher exist, below.
  let moneyAndUsageDegraded: () => DegradedMode[] = () => [];
  const heartbeat = createHeartbeat({
    bus: options.bus,
    instanceId,
    intervalMs: options.heartbeatIntervalMs ?? 5_000,
    logger,
    state: () => {
      const status = snapshots.status();
      return {
        snapshotVersion: status.version,
        snapshotHash: status.hash,
        snapshotSource: status.source,
        lastRefused: status.lastRefused && { version: status.lastRefused.version, reason: status.lastRefused.reason },
        state: lifecycle.draining ? 'draining' : status.version === null ? 'not_ready' : 'ready',
        inFlight: lifecycle.inFlight(),
      };
    },
    onControl: (beat) => snapshots.noteTarget(beat.instanceId, beat.snapshotVersion, beat.intervalMs),
    extraDegraded: () => [...(snapshots.status().stale ? (['snapshot_stale'] as const) : []), ...moneyAndUsageDegraded()],
  });
  const metrics = createDataPlaneMetrics(
    {
      snapshot: () => snapshots.status(),
      degraded: () => heartbeat.degraded(),
      draining: () => lifecycle.draining,
      cooling: () =>
        (snapshots.current()?.models ?? [])
          .flatMap((model) => model.targets.map((target) => target.deployment.id))
          .filter((id) => routing.cooldowns.cooling(id) !== null),
    },
    { defaultMetrics: options.defaultMetrics },
  );
  const adapters = createProviderAdapters({ agents });
  const keyPrefix = options.keyPrefix ?? 'tollgate';
  // The usage stream on the money counters' own Redis: its XADDs ride in the turn's money call.
  const usageStream = options.bus.connection?.redisUrl === options.redisUrl ? options.bus.connection?.usageStream : undefined;
  const redisMoney =
    !options.moneyStore && options.redisUrl
      ? createRedisMoneyStore({ url: options.redisUrl, prefix: keyPrefix, requireEpoch: options.bus.kind === 'redis', usageStream })
      : null;
  const moneyStore = options.moneyStore ?? redisMoney ?? createMemoryMoneyStore();
  const publisher = createUsagePublisher(redisMoney?.publishUsageBatch ? { publishUsageBatch: redisMoney.publishUsageBatch } : options.bus, logger);
  const usage = metrics.instrumentUsage(publisher);
  const idempotency = 'redis' in moneyStore ? createRedisIdempotencyStore(moneyStore.redis as RedisClient, keyPrefix) : createMemoryIdempotencyStore();
  // The response cache lives where the money does: shared in Redis, or bounded in this process.
  const cacheMetrics = createCacheMetrics(metrics.registry, () => cacheStore.bytes());
  const cacheStore: CacheStore =
    'redis' in moneyStore
      ? createRedisCacheStore(moneyStore.redis as RedisClient, keyPrefix, cacheMetrics)
      : createMemoryCacheStore(options.cacheMemoryBytes ?? DEFAULT_CACHE_MEMORY_BYTES, cacheMetrics);
  const money = createMoneyGuard({
    store: moneyStore,
    localShare: options.limitsLocalShare ?? 1,
    logger,
  });
  moneyAndUsageDegraded = () => [
    ...(money.status().degraded ? (['money_local_share'] as const) : []),
    ...(publisher.spool().spooled > 0 ? (['usage_spooling'] as const) : []),
    ...(cacheStore.unavailable() ? (['cache_bypass'] as const) : []),
  ];

  const tracing = options.tracing ? await createTracing({ ...options.tracing, instanceId }) : null;
  const observer: RequestObserver = {
    admit: (exchange, route) => lifecycle.observer.admit?.(exchange, route),
    started(exchange, route) {
      lifecycle.observer.started?.(exchange, route);
      metrics.observer.started?.(exchange, route);
      tracing?.observer.started?.(exchange, route);
    },
    finished(exchange, route) {
      lifecycle.observer.finished?.(exchange, route);
      metrics.observer.finished?.(exchange, route);
      tracing?.observer.finished?.(exchange, route);
    },
  };

  // The one place routes are registered.
  const router = createRouter(app, logger, observer);
  router.get('/healthz', healthzRoute);
  router.get(
    '/readyz',
    readyzRoute({
      snapshots,
      instanceId,
      draining: () => lifecycle.draining,
      degraded: () => heartbeat.degraded(),
      inFlight: () => lifecycle.inFlight(),
      money,
      usage: publisher,
    }),
  );
  router.get('/metrics', metricsRoute(metrics));
  router.get('/v1/models', modelsRoute({ snapshots }));
  router.get('/v1/models/*', modelRoute({ snapshots }));
  const cache = { store: cacheStore, metrics: cacheMetrics, usage };
  const routed = {
    snapshots,
    adapters,
    usage,
    routing,
    money,
    idempotency,
    cache,
    logger,
    tracing: tracing ?? undefined,
    webhooks: createWebhookCaller(agents),
  };
  router.post('/v1/chat/completions', { maxBodyBytes: options.maxBodyBytes }, chatCompletionsRoute(routed));
  router.post('/v1/embeddings', { maxBodyBytes: options.maxBodyBytes }, embeddingsRoute(routed));
  router.post('/v1/completions', { maxBodyBytes: options.maxBodyBytes }, completionsRoute(routed));
  // Anthropic's Messages API: same spine, Anthropic's wire format and errors (docs/providers.md).
  router.post('/v1/messages', { maxBodyBytes: options.maxBodyBytes, errorFormat: ANTHROPIC_ERROR_FORMAT }, messagesRoute(routed));
  router.post('/v1/responses', { maxBodyBytes: options.maxBodyBytes }, responsesRoute(routed));
  router.post('/v1/messages/count_tokens', { maxBodyBytes: options.maxBodyBytes, errorFormat: ANTHROPIC_ERROR_FORMAT }, countTokensRoute(routed));
  router.any('/*', notFoundRoute);

  await snapshots.start();
  let server: Awaited<ReturnType<typeof listen>>;
  try {
    server = await listen(app, options.host, options.port);
  } catch (error) {
    await snapshots.close();
    await agents.destroy();
    await routing.cooldowns.close();
    await money.close();
    await tracing?.shutdown();
    throw error;
  }
  await heartbeat.start();
  logger.info({ host: options.host, port: server.port, instanceId, snapshotVersion: snapshots.status().version }, 'data plane listening');

  let closed: Promise<void> | null = null;
  return {
    port: server.port,
    instanceId,
    snapshotVersion: () => snapshots.current()?.version ?? null,
    async drain(deadlineMs = DEFAULT_DRAIN_TIMEOUT_MS) {
      const draining = lifecycle.drain(deadlineMs);
      // The fleet view learns at once, not at the next beat.
      void heartbeat.beat();
      const report = await draining;
      await usage.flush();
      logger.info({ ...report }, 'data plane drained');
      return report;
    },
    close() {
      closed ??= (async () => {
        server.close();
        await heartbeat.stop();
        await snapshots.close();
        // In-flight upstream requests are cut: their clients are gone with the connections.
        await agents.destroy();
        // Usage first: on one Redis its events travel on the money store's connection (usageStream).
        await usage.flush();
        await money.close();
        await routing.cooldowns.close();
        await tracing?.shutdown();
      })();
      return closed;
    },
    money: () => money.status(),
    moneyIdle: () => money.idle(),
  };
}
