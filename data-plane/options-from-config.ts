import type { Bus } from '../shared/bus/bus.ts';
import type { SecretBox } from '../shared/crypto/secret-box.ts';
import type { DataPlaneOptions } from './app.ts';
import type { DataPlaneConfig } from './env.ts';
import type { Logger } from './logger.ts';
import { createRedisCooldownStore } from './routing/redis-cooldown-store.ts';

/**
 * The data plane's start options from its parsed environment, for both ways of running it: its
 * own process (data-plane/main.ts) and the embedded default (main.ts). Wiring only.
 */
export function dataPlaneOptionsFrom(config: DataPlaneConfig, wiring: { bus: Bus; secretBox: SecretBox; logger: Logger }): DataPlaneOptions {
  const { routing } = config;
  return {
    bus: wiring.bus,
    secretBox: wiring.secretBox,
    logger: wiring.logger,
    host: config.host,
    port: config.port,
    maxBodyBytes: config.maxBodyBytes,
    redisUrl: config.redisUrl,
    keyPrefix: config.busPrefix,
    limitsLocalShare: config.limitsLocalShare,
    cacheMemoryBytes: config.cacheMemoryBytes,
    snapshotDir: config.snapshotDir,
    instanceId: config.instanceId,
    heartbeatIntervalMs: config.heartbeatIntervalMs,
    snapshotStaleAfterMs: config.snapshotStaleAfterMs,
    tracing: { otlpEndpoint: config.otlpEndpoint, serviceName: config.serviceName },
    upstream: { byokAllowedCidrs: config.byokAllowedCidrs },
    routing: {
      retry: routing.retry,
      timeouts: routing.timeouts,
      cooldown: routing.cooldown,
      // With Redis, a deployment that cools down on one data plane cools down on all of them.
      cooldownStore: config.redisUrl
        ? createRedisCooldownStore({ redis: config.redisUrl, prefix: config.busPrefix, policy: routing.cooldown, logger: wiring.logger })
        : undefined,
    },
  };
}
