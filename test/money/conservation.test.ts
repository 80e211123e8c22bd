import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Database, openDatabase } from '../../control-plane/db/open-database.ts';
import { createUsageIngestor } from '../../control-plane/usage/ingest-usage.ts';
import { createLiveEvents } from '../../control-plane/usage/live-events.ts';
import { usageRow } from '../../control-plane/usage/usage-row.ts';
import { createRedisMoneyStore } from '../../data-plane/money/redis-money-store.ts';
import type { Bus } from '../../shared/bus/bus.ts';
import { createRedisBus } from '../../shared/bus/redis-bus.ts';
import { busNames } from '../../shared/events/bus-names.ts';
import { UsageEvent } from '../../shared/events/usage-event.ts';
import type { FakeBehavior } from '../support/fake-openai-upstream.ts';
import { isReachable, postgresUrl, redisUrl, requireOrSkip } from '../support/services.ts';
import { type MoneyHarness, startMoneyHarness } from './money-harness.ts';

const servicesUp = await requireOrSkip('PostgreSQL and Redis', (await isReachable(postgresUrl())) && (await isReachable(redisUrl())));

/** A small deterministic PRNG, so a failing run can be replayed from its printed seed. */
function prng(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

describe.skipIf(!servicesUp)('conservation on Redis and PostgreSQL', () => {
  const prefix = `tg-cons-${randomBytes(4).toString('hex')}`;
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const names = busNames(prefix);
  let database: Database;
  let harness: MoneyHarness;
  let dataBus: Bus;
  const buses: Bus[] = [];
  let redis: Redis;

  beforeAll(async () => {
    database = await openDatabase({ databaseUrl: postgresUrl(), schema });
    redis = new Redis(redisUrl());
    dataBus = createRedisBus({ url: redisUrl(), prefix });
    harness = await startMoneyHarness(
      {
        billing: 'prepaid',
        creditsGrantedMicroUsd: 1_000_000_000,
        markupBasisPoints: 1234,
        budgets: [
          { scope: 'team', scopeId: 't', amountMicroUsd: 1_000_000_000, hard: false, period: 'monthly' },
          { scope: 'key', scopeId: 'k', amountMicroUsd: 1_000_000_000, hard: true, period: 'daily' },
        ],
      },
      { bus: dataBus, store: createRedisMoneyStore({ url: redisUrl(), prefix }) },
    );
  });

  afterAll(async () => {
    await harness?.close();
    await dataBus?.close();
    for (const bus of buses) await bus.close();
    await database?.close();
    if (redis) {
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
    }
    const client = new pg.Client({ connectionString: postgresUrl() });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
  });

  it('usage events = ledger = budget counters, exactly, through aborts, failures, and consumers killed after commit and mid-transaction', async () => {
    const seed = Date.now() % 100_000;
    const random = prng(seed);
    const ingest = createUsageIngestor(database, createLiveEvents());

    // Consumer A commits its first batch and dies before acknowledging it (it never returns).
    const busA = createRedisBus({ url: redisUrl(), prefix });
    buses.push(busA);
    let aCommitted = 0;
    busA.consumeUsage('consumer-a', async (events) => {
      await ingest(events);
      aCommitted += events.length;
      await new Promise(() => {});
    });

    const total = 120;
    const behaviours: FakeBehavior[] = [];
    for (let i = 0; i < total; i++) {
      const r = random();
      const usage = random() < 0.5 ? { prompt_tokens: 40, completion_tokens: 12, total_tokens: 52, prompt_tokens_details: { cached_tokens: 8 } } : null;
      if (r < 0.5) behaviours.push({ kind: 'reply', content: 'a b c d e f', usage: usage as never, chunkDelayMs: 5 });
      else if (r < 0.65) behaviours.push({ kind: 'error', status: 500, message: 'boom' });
      else if (r < 0.75) behaviours.push({ kind: 'error', status: 429, message: 'slow down' });
      else if (r < 0.85) behaviours.push({ kind: 'drop' });
      else behaviours.push({ kind: 'reply', content: 'a b c d e f', usage: usage as never, failAfterChunks: 2, chunkDelayMs: 5 });
    }
    harness.upstream.enqueue(...behaviours);

    const one = async (i: number) => {
      const controller = new AbortController();
      if (random() < 0.2) setTimeout(() => controller.abort(), Math.floor(random() * 40));
      try {
        const response = await harness.chat(
          {
            model: random() < 0.8 ? 'm' : 'byok-m',
            messages: [{ role: 'user', content: `question ${i}` }],
            max_tokens: 50,
            stream: random() < 0.5,
            user: `user-${i % 3}`,
          },
          { signal: controller.signal },
        );
        await response.text();
      } catch {
        // Aborted by the client: expected.
      }
    };
    for (let i = 0; i < total; i += 20) await Promise.all(Array.from({ length: 20 }, (_, j) => one(i + j)));

    // Every request has settled on the data plane and its events are on the stream.
    await harness.plane.moneyIdle();
    await vi.waitFor(
      async () => {
        await harness.plane.moneyIdle();
        const month = new Date().toISOString().slice(0, 7);
        const counter = await redis.hmget(`${prefix}:budget:team:t:monthly:${month}`, 'reserved');
        expect(Number(counter[0] ?? 0)).toBe(0);
      },
      { timeout: 10_000 },
    );

    // Consumer B: its first batch fails inside the transaction (rolled back), then it works and
    // reclaims what consumer A left pending.
    const busB = createRedisBus({ url: redisUrl(), prefix, claimIdleMs: 300 });
    buses.push(busB);
    let failedOnce = false;
    busB.consumeUsage('consumer-b', async (events) => {
      if (!failedOnce) {
        failedOnce = true;
        await database.prisma
          .$transaction(async (tx) => {
            await tx.usageEvent.createMany({ data: events.map(usageRow), skipDuplicates: true });
            throw new Error('killed mid-transaction');
          })
          .catch(() => {});
        throw new Error('killed mid-transaction');
      }
      await ingest(events);
    });

    const entries = (await redis.xrange(names.usageStream, '-', '+')) as [string, string[]][];
    const events = new Map<string, UsageEvent>();
    for (const [, fields] of entries) {
      const event = UsageEvent.parse(JSON.parse(fields[1]));
      events.set(event.id, event);
    }
    await vi.waitFor(
      async () => {
        expect(await database.prisma.usageEvent.count()).toBe(events.size);
        const pending = (await redis.xpending(names.usageStream, names.usageGroup)) as [number, ...unknown[]];
        // Only A's stuck batch may remain pending until B reclaimed and acknowledged it.
        expect(pending[0]).toBe(0);
      },
      { timeout: 15_000, interval: 200 },
    );

    const sum = (list: UsageEvent[], f: (e: UsageEvent) => number) => list.reduce((s, e) => s + f(e), 0);
    const all = [...events.values()];
    const ledger = await database.prisma.usageEvent.aggregate({
      _sum: { costMicroUsd: true, promptTokens: true, completionTokens: true, cachedTokens: true },
      _count: true,
    });
    const month = new Date().toISOString().slice(0, 7);
    const day = new Date().toISOString().slice(0, 10);
    const counter = async (name: string) => Number((await redis.hget(`${prefix}:${name}`, 'spent')) ?? 0);

    const cost = sum(all, (e) => e.costMicroUsd);
    console.log(
      `conservation seed ${seed}: ${all.length} events (${entries.length} stream entries), ${cost} micro-USD, A committed ${aCommitted} before dying`,
    );
    expect(aCommitted).toBeGreaterThan(0);
    expect(failedOnce).toBe(true);
    expect(all.length).toBeGreaterThan(total / 2);
    expect(ledger._count).toBe(all.length);
    expect(Number(ledger._sum.costMicroUsd)).toBe(cost);
    expect(ledger._sum.promptTokens).toBe(sum(all, (e) => e.promptTokens));
    expect(ledger._sum.completionTokens).toBe(sum(all, (e) => e.completionTokens));
    expect(ledger._sum.cachedTokens).toBe(sum(all, (e) => e.cachedTokens));
    expect(await counter(`budget:team:t:monthly:${month}`)).toBe(cost);
    expect(await counter(`budget:key:k:daily:${day}`)).toBe(cost);
    expect(await counter('credits:team:t')).toBe(
      sum(
        all.filter((e) => !e.byok),
        (e) => e.costMicroUsd,
      ),
    );
    // Every attempt that reached a priced model and may have been billed was charged something.
    for (const e of all) if (e.outcome !== 'upstream_error' || e.status === 200) expect(e.costMicroUsd).toBeGreaterThan(0);
  });
});
