import type { RedisClient } from '../../shared/bus/redis-client.ts';

/**
 * Waits up to `timeoutMs` for a connection made without an offline queue to be ready (a command
 * sent while it connects would fail at once), then fails like any unreachable Redis.
 */
export async function redisReady(redis: RedisClient, timeoutMs: number): Promise<void> {
  if (redis.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      redis.off('ready', onReady);
      reject(new Error(`Redis not ready after ${timeoutMs} ms (${redis.status})`));
    }, timeoutMs);
    const onReady = () => {
      clearTimeout(timer);
      resolve();
    };
    redis.once('ready', onReady);
  });
}
