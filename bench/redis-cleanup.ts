import { Redis } from 'ioredis';

/**
 * Deletes the keys a bench run left in Redis under `pattern` (a SCAN MATCH pattern such as
 * `prefix:*`): its usage stream, money counters, snapshot and cache entries. Redis is shared with
 * other runs and the test suite, so a run removes what it made and nothing else.
 */
export async function dropRedisKeys(url: string, pattern: string): Promise<void> {
  const redis = new Redis(url);
  try {
    for await (const keys of redis.scanStream({ match: pattern, count: 1000 }) as AsyncIterable<string[]>) {
      // One key per UNLINK: in a cluster the keys live in different slots.
      for (const key of keys) await redis.unlink(key);
    }
  } finally {
    redis.disconnect();
  }
}
