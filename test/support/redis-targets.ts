import { execFile } from 'node:child_process';
import { afterAll, beforeAll, describe } from 'vitest';
import { type RedisClusterProcesses, startRedisCluster } from './redis-cluster.ts';
import { isReachable, redisUrl, requireOrSkip } from './services.ts';

export interface RedisTarget {
  name: 'Redis' | 'Redis Cluster';
  /** The REDIS_URL to use; the cluster's is known once its suite's beforeAll has started it. */
  url(): string;
}

const redisUp = await requireOrSkip('Redis', isReachable(redisUrl()));
const clusterCapable = await requireOrSkip(
  'redis-server (to start a Redis Cluster)',
  new Promise<boolean>((resolve) => execFile('redis-server', ['--version'], (error) => resolve(!error))),
);

/**
 * Starts a 3-master Redis Cluster of this test file's own before its tests and stops it after
 * (register at the top of a describe, or of the file). `url()` is valid inside tests.
 */
export function useRedisCluster(): { url(): string } {
  let cluster: RedisClusterProcesses | null = null;
  beforeAll(async () => {
    cluster = await startRedisCluster(3);
  }, 60_000);
  afterAll(async () => {
    await cluster?.stop();
  });
  return {
    url: () => {
      if (!cluster) throw new Error('the Redis Cluster is not started (useRedisCluster in this describe?)');
      return cluster.url;
    },
  };
}

/**
 * Declares `suite` once per Redis: the shared server (TEST_REDIS_URL), and a Redis Cluster of
 * three masters that the suite starts on ports of its own. Skipped loudly when unavailable, a
 * failure under REQUIRE_SERVICES=1 (CI).
 */
export function forEachRedis(suite: (target: RedisTarget) => void): void {
  describe.skipIf(!redisUp)('Redis', () => suite({ name: 'Redis', url: redisUrl }));
  describe.skipIf(!clusterCapable)('Redis Cluster', () => {
    const cluster = useRedisCluster();
    suite({ name: 'Redis Cluster', url: cluster.url });
  });
}

/** Whether a Redis Cluster can be started here (redis-server is installed). */
export const redisClusterAvailable = clusterCapable;
