import type { Bus } from '../shared/bus/bus.ts';
import type { SecretBox } from '../shared/crypto/secret-box.ts';
import { createRouter } from './http/router.ts';
import { createUwsApp, listen } from './http/server.ts';
import { type Logger, silentLogger } from './logger.ts';
import { createProviderAdapters } from './providers/registry.ts';
import { createUpstreamAgent, type UpstreamAgentOptions } from './providers/upstream-agent.ts';
import { chatCompletionsRoute } from './routes/chat-completions.ts';
import { completionsRoute } from './routes/completions.ts';
import { embeddingsRoute } from './routes/embeddings.ts';
import { healthzRoute, notFoundRoute, readyzRoute } from './routes/health.ts';
import { modelsRoute } from './routes/models.ts';
import { createRoutingRuntime, type RoutingOptions } from './routing/routing-runtime.ts';
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
  /** Retry, cooldown and timeout policy; a shared cooldown store. Defaults suit production. */
  routing?: RoutingOptions;
}

export interface DataPlane {
  /** The port actually bound. */
  port: number;
  /** Stops listening, drops connections, releases upstream connections; leaves the bus open. */
  close(): Promise<void>;
  /** The version of the snapshot being served, or null before the first one loaded. */
  snapshotVersion(): number | null;
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
  const routing = createRoutingRuntime(options.routing);
  // Per-attempt deadlines (first byte, idle, total) are enforced by the dispatch; the agent keeps
  // only the connect timeout and generous safety nets above them.
  const agent = createUpstreamAgent({
    connectTimeoutMs: routing.timeouts.connectMs,
    headersTimeoutMs: routing.timeouts.totalMs,
    bodyTimeoutMs: routing.timeouts.totalMs,
    ...options.upstream,
  });
  const adapters = createProviderAdapters({ dispatcher: agent });
  const usage = createUsagePublisher(options.bus, logger);

  // The one place routes are registered.
  const router = createRouter(app, logger);
  router.get('/healthz', healthzRoute);
  router.get('/readyz', readyzRoute({ snapshots }));
  router.get('/v1/models', modelsRoute({ snapshots }));
  router.post('/v1/chat/completions', { maxBodyBytes: options.maxBodyBytes }, chatCompletionsRoute({ snapshots, adapters, usage, routing }));
  router.post('/v1/embeddings', { maxBodyBytes: options.maxBodyBytes }, embeddingsRoute({ snapshots, adapters, usage }));
  router.post('/v1/completions', { maxBodyBytes: options.maxBodyBytes }, completionsRoute({ snapshots, adapters, usage }));
  router.any('/*', notFoundRoute);

  await snapshots.start();
  let server: Awaited<ReturnType<typeof listen>>;
  try {
    server = await listen(app, options.host, options.port);
  } catch (error) {
    await snapshots.close();
    await agent.destroy();
    await routing.cooldowns.close();
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
      await usage.flush();
      await routing.cooldowns.close();
    },
  };
}
