/**
 * `npm run bench:money`: the money path's two numbers (also reported by the main bench's ingestion phase).
 *  1. Usage ingestion into PostgreSQL: events per second through the control plane's ingestor
 *     (batches of 200, id-unique inserts), into a throwaway schema.
 *  2. Added latency of limit + budget checks: admit + settle per request, on the in-memory
 *     store and on Redis (3 rate counters and 3 budget counters, as a busy team has).
 * BENCH_DATABASE_URL / BENCH_REDIS_URL (defaults: the local test services); `--checks-only` skips
 * the ingestion part, `--redis-only` the in-memory store; BENCH_MONEY_ITERATIONS sets the Redis
 * requests (default 5,000).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { openDatabase } from '../control-plane/db/open-database.ts';
import { createUsageIngestor } from '../control-plane/usage/ingest-usage.ts';
import { createLiveEvents } from '../control-plane/usage/live-events.ts';
import { createMemoryMoneyStore } from '../data-plane/money/memory-money-store.ts';
import type { Admission, MoneyStore } from '../data-plane/money/money-store.ts';
import { createRedisMoneyStore } from '../data-plane/money/redis-money-store.ts';
import { USAGE_EVENT_SCHEMA_VERSION, type UsageEvent } from '../shared/events/usage-event.ts';
import { dropRedisKeys } from './redis-cleanup.ts';

const env = process.env;
const databaseUrl = env.BENCH_DATABASE_URL || 'postgresql://postgres@127.0.0.1:5432/test';
const redisUrl = env.BENCH_REDIS_URL || 'redis://127.0.0.1:6379';

function event(i: number): UsageEvent {
  return {
    schemaVersion: USAGE_EVENT_SCHEMA_VERSION,
    id: `bench-${i}:1`,
    requestId: `bench-${i}`,
    attempt: 1,
    teamId: `team-${i % 10}`,
    apiKeyId: `key-${i % 50}`,
    model: 'gpt-4o-mini',
    provider: 'openai',
    providerId: 'p',
    deploymentId: 'd',
    endUser: `user-${i % 100}`,
    promptTokens: 120,
    completionTokens: 40,
    cachedTokens: 0,
    costMicroUsd: 42,
    priceVersion: 'v1',
    estimated: false,
    status: 200,
    outcome: 'ok',
    streamed: false,
    latencyMs: 300,
    ttfbMs: 120,
    snapshotVersion: 1,
    snapshotHash: 'h',
    startedAt: new Date().toISOString(),
  };
}

async function benchIngest(): Promise<void> {
  const schema = `bench_${randomBytes(4).toString('hex')}`;
  const database = await openDatabase({ databaseUrl, schema });
  try {
    const ingest = createUsageIngestor(database, createLiveEvents());
    const total = 20_000;
    const batch = 200;
    await ingest(Array.from({ length: batch }, (_, i) => event(-1 - i))); // warm-up
    const started = performance.now();
    for (let i = 0; i < total; i += batch) await ingest(Array.from({ length: batch }, (_, j) => event(i + j)));
    const seconds = (performance.now() - started) / 1000;
    // Redelivered batches cost a round trip but insert nothing.
    const dupStarted = performance.now();
    for (let i = 0; i < 2_000; i += batch) await ingest(Array.from({ length: batch }, (_, j) => event(i + j)));
    const dupSeconds = (performance.now() - dupStarted) / 1000;
    console.log(
      `usage ingestion into PostgreSQL: ${Math.round(total / seconds)} events/s (${total} events, batches of ${batch}); redelivered duplicates: ${Math.round(2_000 / dupSeconds)} events/s`,
    );
  } finally {
    await database.close();
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
  }
}

function admission(): Admission {
  return {
    id: randomUUID(),
    rates: [
      { counter: 'rl:key:k:rpm', scope: 'key', kind: 'rpm', limit: 1_000_000, cost: 1 },
      { counter: 'rl:team:t:tpm', scope: 'team', kind: 'tpm', limit: 1_000_000_000, cost: 500 },
      { counter: 'rl:deployment:d:parallel', scope: 'deployment', kind: 'parallel', limit: 1_000_000, cost: 1 },
    ],
    budgets: [
      { counter: 'budget:team:t:monthly:bench', label: 't', limit: Number.MAX_SAFE_INTEGER, amount: 100, draws: 'all', expiresAtMs: Date.now() + 3_600_000 },
      { counter: 'budget:key:k:daily:bench', label: 'k', limit: null, amount: 100, draws: 'all', expiresAtMs: Date.now() + 3_600_000 },
      { counter: 'credits:team:bench', label: 'c', limit: Number.MAX_SAFE_INTEGER, amount: 100, draws: 'credits', expiresAtMs: Date.now() + 3_600_000 },
    ],
    reservationTtlMs: 60_000,
  };
}

async function benchChecks(name: string, store: MoneyStore, iterations: number): Promise<void> {
  const admitUs: number[] = [];
  const settleUs: number[] = [];
  for (let i = 0; i < 200; i++) {
    const a = admission();
    await store.admit(a);
    await store.settle(a, { costMicroUsd: 50, creditCostMicroUsd: 50, tokens: 300 });
  }
  for (let i = 0; i < iterations; i++) {
    const a = admission();
    let t = performance.now();
    await store.admit(a);
    admitUs.push((performance.now() - t) * 1000);
    t = performance.now();
    await store.settle(a, { costMicroUsd: 50, creditCostMicroUsd: 50, tokens: 300 });
    settleUs.push((performance.now() - t) * 1000);
  }
  const pct = (list: number[], p: number) => Math.round([...list].sort((x, y) => x - y)[Math.floor(list.length * p)]);
  console.log(
    `limit + budget checks on ${name}: admit p50 ${pct(admitUs, 0.5)} us, p99 ${pct(admitUs, 0.99)} us; settle p50 ${pct(settleUs, 0.5)} us, p99 ${pct(settleUs, 0.99)} us (sequential, ${iterations} requests)`,
  );
  // Concurrency: throughput of admit + settle with 64 requests in flight, and this process's CPU per request.
  const started = performance.now();
  const cpu = process.cpuUsage();
  let done = 0;
  await Promise.all(
    Array.from({ length: 64 }, async () => {
      while (done < iterations) {
        done++;
        const a = admission();
        await store.admit(a);
        await store.settle(a, { costMicroUsd: 50, creditCostMicroUsd: 50, tokens: 300 });
      }
    }),
  );
  const { user, system } = process.cpuUsage(cpu);
  console.log(
    `  ${name}: ${Math.round(iterations / ((performance.now() - started) / 1000))} admitted+settled requests/s with 64 in flight, ${Math.round((user + system) / iterations)} us CPU per request`,
  );
}

if (!process.argv.includes('--redis-only')) await benchChecks('memory', createMemoryMoneyStore(), 20_000);
// Redis is shared (other runs, the test suite): this run deletes its own prefix's keys, nothing else.
const prefix = `bench-money-${randomBytes(4).toString('hex')}`;
const redisStore = createRedisMoneyStore({ url: redisUrl, prefix });
try {
  await benchChecks('Redis', redisStore, Number(env.BENCH_MONEY_ITERATIONS) || 5_000);
} finally {
  await redisStore.close();
  await dropRedisKeys(redisUrl, `${prefix}:*`);
}
if (!process.argv.includes('--checks-only')) await benchIngest();
