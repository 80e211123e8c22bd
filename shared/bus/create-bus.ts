import type { Bus } from './bus.ts';
import { createMemoryBus } from './memory-bus.ts';
import { createRedisBus } from './redis-bus.ts';

/** Redis when a URL is given, otherwise the in-process bus. */
export function createBus(config: { redisUrl?: string; prefix?: string; claimIdleMs?: number; onConnectionError?: (error: Error) => void }): Bus {
  return config.redisUrl
    ? createRedisBus({ url: config.redisUrl, prefix: config.prefix, claimIdleMs: config.claimIdleMs, onConnectionError: config.onConnectionError })
    : createMemoryBus();
}
