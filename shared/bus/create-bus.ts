import type { Bus } from './bus.ts';
import { createMemoryBus } from './memory-bus.ts';
import { createRedisBus } from './redis-bus.ts';

/** Redis when a URL is given, otherwise the in-process bus. */
export function createBus(config: { redisUrl?: string; prefix?: string; onConnectionError?: (error: Error) => void }): Bus {
  return config.redisUrl ? createRedisBus({ url: config.redisUrl, prefix: config.prefix, onConnectionError: config.onConnectionError }) : createMemoryBus();
}
