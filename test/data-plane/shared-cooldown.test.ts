import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createLogger, silentLogger } from '../../data-plane/logger.ts';
import type { CooldownStore } from '../../data-plane/routing/cooldown.ts';
import { createRedisCooldownStore } from '../../data-plane/routing/redis-cooldown-store.ts';
import { connectRedis, type RedisClient } from '../../shared/bus/redis-client.ts';
import { busNames } from '../../shared/events/bus-names.ts';
import { forEachRedis } from '../support/redis-targets.ts';
import { chatBody, startHarness } from './harness.ts';

/**
 * Two data planes' cooldown stores on one Redis, and on a Redis Cluster (a turn's reads are
 * auto-pipelined, per node there): what one learns, the other skips.
 */
forEachRedis((target) => {
  const prefix = `test-${randomUUID()}`;
  let planeA: CooldownStore;
  let planeB: CooldownStore;
  let redis: RedisClient;
  beforeAll(() => {
    const policy = { failuresToCool: 2, windowMs: 10_000, cooldownMs: 300 };
    planeA = createRedisCooldownStore({ redis: target.url(), prefix, policy, logger: silentLogger, refreshIntervalMs: 0 });
    planeB = createRedisCooldownStore({ redis: target.url(), prefix, policy, logger: silentLogger, refreshIntervalMs: 0 });
    redis = connectRedis(target.url());
  });
  afterAll(async () => {
    await planeA.close();
    await planeB.close();
    await redis.quit();
  });

  it('sets the key with a PX expiry, and the other plane skips the deployment until it expires', async () => {
    planeA.recordFailure('dep-1');
    planeA.recordFailure('dep-1');
    expect(planeA.cooling('dep-1')).toMatchObject({ reason: 'failures' });
    const key = busNames(prefix).cooldownKey('dep-1');
    await vi.waitFor(async () => expect(await redis.get(key)).toBe('failures'), { timeout: 15_000 });
    const ttl = await redis.pttl(key);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(300);

    expect(planeB.cooling('dep-1')).toBeNull(); // not read yet
    planeB.refresh(['dep-1', 'dep-2']);
    // The read lands in the background; both deployments' answers are applied together.
    await vi.waitFor(() => expect(planeB.cooling('dep-1')).toMatchObject({ reason: 'failures' }), { timeout: 5_000 });
    expect(planeB.cooling('dep-2')).toBeNull();

    await new Promise((resolve) => setTimeout(resolve, 350));
    planeB.refresh(['dep-1']);
    expect(await redis.exists(key)).toBe(0);
    expect(planeB.cooling('dep-1')).toBeNull();
  });

  it('shares a retry-after cooldown with its reason', async () => {
    planeA.recordFailure('dep-429', 2_000);
    await vi.waitFor(async () => expect(await redis.get(busNames(prefix).cooldownKey('dep-429'))).toBe('rate_limit'), { timeout: 15_000 });
    planeB.refresh(['dep-429']);
    await vi.waitFor(() => expect(planeB.cooling('dep-429')).toMatchObject({ reason: 'rate_limit' }), { timeout: 5_000 });
    expect(planeB.cooling('dep-429')!.remainingMs).toBeGreaterThan(1_000);
  });

  it('reads many deployments in one refresh, wherever their keys live', async () => {
    const ids = Array.from({ length: 12 }, (_, i) => `dep-many-${i}`);
    for (const id of ids.slice(0, 6)) planeA.recordFailure(id, 5_000);
    const stored = async () => (await Promise.all(ids.map((id) => redis.exists(busNames(prefix).cooldownKey(id))))).filter(Boolean).length;
    await vi.waitFor(async () => expect(await stored()).toBe(6), { timeout: 15_000 });
    planeB.refresh(ids);
    await vi.waitFor(() => expect(ids.filter((id) => planeB.cooling(id) !== null)).toEqual(ids.slice(0, 6)), { timeout: 5_000 });
  });

  it('keeps routing on local knowledge when Redis is unreachable, and warns once', async () => {
    const lines: string[] = [];
    const logger = createLogger('info', {}, { write: (line: string) => void lines.push(line) });
    const warnings = () => lines.filter((line) => line.includes('cooldown: Redis unavailable')).length;
    const offline = createRedisCooldownStore({ redis: 'redis://127.0.0.1:1', prefix, logger, refreshIntervalMs: 0 });
    offline.refresh(['dep-x']);
    offline.recordFailure('dep-x', 1_000);
    expect(offline.cooling('dep-x')).toMatchObject({ reason: 'rate_limit' });
    await vi.waitFor(() => expect(warnings()).toBe(1), { timeout: 5_000 });
    offline.refresh(['dep-x', 'dep-y']);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(warnings()).toBe(1);
    expect(offline.cooling('dep-x')).toMatchObject({ reason: 'rate_limit' });
    await offline.close();
  });
});

/**
 * The shared read is never on a request's path: against a "Redis" that accepts connections and
 * never answers, requests are answered at once.
 */
describe('a request never waits for the shared cooldown read', () => {
  it('answers while the cooldown store is still waiting for Redis', async () => {
    const held: Socket[] = [];
    const silent = createServer((socket) => held.push(socket));
    silent.listen(0, '127.0.0.1');
    await once(silent, 'listening');
    const { port } = silent.address() as { port: number };
    const cooldownStore = createRedisCooldownStore({
      redis: `redis://127.0.0.1:${port}`,
      prefix: `test-${randomUUID()}`,
      logger: silentLogger,
      refreshIntervalMs: 0,
    });
    const h = await startHarness({ routing: { cooldownStore } });
    try {
      for (let i = 0; i < 3; i++) {
        const started = performance.now();
        const response = await h.chat(chatBody());
        expect(response.status).toBe(200);
        await response.text();
        // Each request starts a read (interval 0) that would hold it for good if it were awaited.
        expect(performance.now() - started).toBeLessThan(2_500);
      }
    } finally {
      // Hung up first, so the store's close does not wait for a QUIT that is never answered.
      for (const socket of held) socket.destroy();
      silent.close();
      await h.close();
    }
  });
});
