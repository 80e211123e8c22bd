import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createControlPlaneMetrics } from '../../control-plane/metrics/control-plane-metrics.ts';
import type { DeadLetter } from '../../shared/bus/bus.ts';
import { createRedisBus, nextStreamId } from '../../shared/bus/redis-bus.ts';
import { connectRedis, type RedisClient } from '../../shared/bus/redis-client.ts';
import { busNames } from '../../shared/events/bus-names.ts';
import { forEachRedis } from '../support/redis-targets.ts';
import { usageEvent } from '../support/usage-events.ts';

// The usage stream's upkeep: dead letters raise an alert; trimming never drops what the consumer
// group still needs.

const until = async (check: () => Promise<boolean> | boolean, ms = 10_000) => {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 25))) if (await check()) return;
  throw new Error('timed out');
};

it('nextStreamId is the next id in the same millisecond', () => {
  expect(nextStreamId('1700000000000-0')).toBe('1700000000000-1');
  expect(nextStreamId('5-41')).toBe('5-42');
});

forEachRedis((target) => {
  let redis: RedisClient;
  beforeAll(() => {
    redis = connectRedis(target.url());
  });
  const prefixes: string[] = [];
  const fresh = () => {
    const prefix = `test-stream-${randomUUID()}`;
    prefixes.push(prefix);
    return { prefix, names: busNames(prefix) };
  };
  afterAll(async () => {
    for (const prefix of prefixes) {
      const names = busNames(prefix);
      // One key per DEL: in a cluster the two streams live in different slots.
      await redis.del(names.usageStream);
      await redis.del(names.usageDeadLetterStream);
    }
    redis?.disconnect();
  });

  it('a dead-lettered event raises the alert: counter and error log line', async () => {
    const { prefix, names } = fresh();
    const bus = createRedisBus({ url: target.url(), prefix, maxDeliveries: 2, trimIntervalMs: 0 });
    const logged: string[] = [];
    const metrics = createControlPlaneMetrics(
      { bus, fleet: { view: () => ({ members: [], converged: true, targetSnapshotVersion: null }) as never }, database: { isUp: () => true } },
      { defaultMetrics: false, logError: (line) => logged.push(line) },
    );
    const letters: DeadLetter[] = [];
    const consumer = bus.consumeUsage('c1', async () => Promise.reject(new Error('constraint violated')), {
      onDeadLetter: (letter) => {
        letters.push(letter);
        metrics.onDeadLetter(letter);
      },
    });
    try {
      const event = usageEvent('t', 'k');
      await bus.publishUsage(event);
      await redis.xadd(names.usageStream, '*', 'event', '{not json');
      await until(() => letters.length === 2);
      expect(letters.map((l) => [l.kind, l.eventId]).sort()).toEqual([
        ['failed', event.id],
        ['invalid', null],
      ]);
      expect(await redis.xlen(names.usageDeadLetterStream)).toBe(2);
      const text = (await metrics.render()).body;
      expect(text).toContain('tollgate_usage_dead_lettered_total{kind="failed"} 1');
      expect(text).toContain('tollgate_usage_dead_lettered_total{kind="invalid"} 1');
      expect(logged).toHaveLength(2);
      expect(logged.find((l) => l.includes(event.id))).toMatch(/dead-lettered \(failed\).*constraint violated/);
    } finally {
      await consumer.stop();
      await bus.close();
    }
  });

  it('trimming removes acknowledged events and keeps pending and undelivered ones', async () => {
    const { prefix, names } = fresh();
    const bus = createRedisBus({ url: target.url(), prefix, trimIntervalMs: 0 });
    try {
      expect(await bus.trimUsageStream()).toBe(0); // no stream, no group: nothing to do
      for (let i = 0; i < 10; i++) await bus.publishUsage(usageEvent('t', 'k'));
      expect(await bus.trimUsageStream()).toBe(0); // no group yet: no control plane read anything
      await redis.xgroup('CREATE', names.usageStream, names.usageGroup, '0');
      const read = (await redis.xreadgroup('GROUP', names.usageGroup, 'c', 'COUNT', 6, 'STREAMS', names.usageStream, '>')) as [string, [string, string[]][]][];
      const ids = read[0]![1].map(([id]) => id);
      const all = (await redis.xrange(names.usageStream, '-', '+')).map(([id]) => id);
      await redis.xack(names.usageStream, names.usageGroup, ...ids.slice(0, 4));
      // Pending: the 5th and 6th. Undelivered: 7th to 10th.
      expect(await bus.trimUsageStream()).toBe(4);
      expect((await redis.xrange(names.usageStream, '-', '+')).map(([id]) => id)).toEqual(all.slice(4));
      await redis.xack(names.usageStream, names.usageGroup, ...ids.slice(4));
      // Nothing pending: up to the last delivered (the 6th); the undelivered stay.
      expect(await bus.trimUsageStream()).toBe(2);
      expect((await redis.xrange(names.usageStream, '-', '+')).map(([id]) => id)).toEqual(all.slice(6));
      expect(await bus.trimUsageStream()).toBe(0);
    } finally {
      await bus.close();
    }
  });

  it('an event the store refuses is dead-lettered alone: the rest of its batch is stored', async () => {
    const { prefix, names } = fresh();
    // One delivery: the batch fails once, then each event is stored alone and the one that fails alone goes.
    const bus = createRedisBus({ url: target.url(), prefix, maxDeliveries: 1, trimIntervalMs: 0 });
    // A schema-valid event PostgreSQL refuses (a NUL in a label), written straight into the stream.
    const poison = usageEvent('t', 'k', { endUser: 'a\u0000b' });
    const good = [usageEvent('t', 'k'), usageEvent('t', 'k'), usageEvent('t', 'k')];
    const stored: string[] = [];
    const letters: DeadLetter[] = [];
    await redis.xadd(names.usageStream, '*', 'event', JSON.stringify(good[0]));
    await redis.xadd(names.usageStream, '*', 'event', JSON.stringify(poison));
    for (const event of good.slice(1)) await redis.xadd(names.usageStream, '*', 'event', JSON.stringify(event));
    const consumer = bus.consumeUsage(
      'c1',
      async (events) => {
        if (events.some((e) => e.endUser?.includes('\u0000'))) throw new Error('invalid byte sequence for encoding "UTF8": 0x00');
        stored.push(...events.map((e) => e.id));
      },
      { onDeadLetter: (letter) => letters.push(letter) },
    );
    try {
      await until(() => letters.length === 1 && stored.length === 3);
      expect(stored.sort()).toEqual(good.map((e) => e.id).sort());
      expect(letters).toEqual([expect.objectContaining({ kind: 'failed', eventId: poison.id })]);
      expect(await redis.xlen(names.usageDeadLetterStream)).toBe(1);
    } finally {
      await consumer.stop();
      await bus.close();
    }
  });

  it('a consumer trims periodically once its events are stored', async () => {
    const { prefix, names } = fresh();
    const bus = createRedisBus({ url: target.url(), prefix, trimIntervalMs: 100 });
    let stored = 0;
    const consumer = bus.consumeUsage('c', async (events) => void (stored += events.length));
    try {
      for (let i = 0; i < 20; i++) await bus.publishUsage(usageEvent('t', 'k'));
      await until(() => stored === 20);
      await until(async () => (await redis.xlen(names.usageStream)) === 0);
    } finally {
      await consumer.stop();
      await bus.close();
    }
  });
  it('two batches in flight: the next is handed over while the previous is stored, each acknowledged after its own store', async () => {
    const { prefix, names } = fresh();
    const bus = createRedisBus({ url: target.url(), prefix, trimIntervalMs: 0 });
    const [a, b] = [usageEvent('t', 'k'), usageEvent('t', 'k')];
    const calls: string[][] = [];
    let failFirst: (() => void) | null = null;
    const consumer = bus.consumeUsage('c1', async (events) => {
      calls.push(events.map((e) => e.id));
      // The first store hangs until the test fails it.
      if (calls.length === 1) await new Promise<void>((_, reject) => (failFirst = () => reject(new Error('store failed'))));
    });
    const pending = async () => Number(((await redis.xpending(names.usageStream, names.usageGroup)) as [number])[0]);
    try {
      await bus.publishUsage(a);
      await until(() => calls.length === 1);
      await bus.publishUsage(b);
      // b reaches the handler while a's store is still running, and is acknowledged alone.
      await until(() => calls.length === 2);
      await until(async () => (await pending()) === 1);
      failFirst!();
      // a failed: it is still pending, read again, stored, and acknowledged.
      await until(async () => calls.length === 3 && (await pending()) === 0);
      expect(calls).toEqual([[a.id], [b.id], [a.id]]);
    } finally {
      await consumer.stop();
      await bus.close();
    }
  });

  it("live interest marks (which teams' stored usage the replicas fan out): marked until they lapse, by Redis's clock", async () => {
    const { prefix, names } = fresh();
    const bus = createRedisBus({ url: target.url(), prefix, trimIntervalMs: 0 });
    try {
      const live = bus.live!;
      expect(await live.interested(['storedUsage:a', 'storedUsage:b'])).toEqual(new Set());
      await live.markInterest(['storedUsage:a'], 60_000);
      await live.markInterest(['storedUsage:c'], 50);
      expect(await live.interested(['storedUsage:a', 'storedUsage:b', 'storedUsage:c'])).toEqual(new Set(['storedUsage:a', 'storedUsage:c']));
      // A renewal with a shorter TTL does not shorten a later mark.
      await live.markInterest(['storedUsage:a'], 10);
      await new Promise((resolve) => setTimeout(resolve, 120));
      expect(await live.interested(['storedUsage:a', 'storedUsage:c'])).toEqual(new Set(['storedUsage:a']));
    } finally {
      await redis.del(names.liveInterest);
      await bus.close();
    }
  });

  it("hands over each event's JSON text as it arrived, but not where validation dropped a field", async () => {
    const { prefix, names } = fresh();
    const bus = createRedisBus({ url: target.url(), prefix, trimIntervalMs: 0 });
    const [known, newer] = [usageEvent('t', 'k'), usageEvent('t', 'k')];
    const newerText = JSON.stringify({ ...newer, fieldOfALaterRelease: 1 });
    await redis.xadd(names.usageStream, '*', 'event', JSON.stringify(known));
    await redis.xadd(names.usageStream, '*', 'event', newerText);
    const handed = { events: [] as unknown[], json: [] as (string | undefined)[] };
    const consumer = bus.consumeUsage('c1', async (events, json) => {
      handed.events.push(...events);
      handed.json.push(...(json ?? []));
    });
    try {
      await until(() => handed.events.length === 2);
      // The store and the live fan-out use the text where it says exactly what the event does.
      expect(handed).toEqual({ events: [known, newer], json: [JSON.stringify(known), undefined] });
    } finally {
      await consumer.stop();
      await bus.close();
    }
  });
});
