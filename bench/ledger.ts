/**
 * `npm run bench:ledger [-- --ledger-size N] [--rounds N] [--explain] [--lag] [--lag-paths redis,data-plane,pglite] [--pglite-events N] [--postgres-events N] [--no-rates] [--tags N] [--webhook-outbox]`: the usage
 * ledger's numbers (issue 13), on the real ingestor (control-plane/usage/ingest-usage.ts):
 *  1. Ingestion rate into PostgreSQL and into PGlite: events/s stored with their counters, in
 *     batches of 1 000 (what the in-process bus hands over; the Redis consumer's hold up to 2 000),
 *     events spread over 500 teams x 4 keys, every team with a monthly budget (so alerts are
 *     checked for every team of every batch), with the CPU per 1 000 events of this process and
 *     of the PostgreSQL backends. --no-rates skips this.
 *     --webhook-outbox stores as with a usage webhook configured (each new event also queued in
 *     the webhook's outbox, same statement): run with and without it for the webhook's cost.
 *  2. With --lag: ingestion lag at a steady 2 000 events/s (--lag-rate N, --lag-seconds N) through
 *     the real bus, from hand-over to the bus to the `usage` subscription message of the committed
 *     row, after a warm-up: Redis -> PostgreSQL from a publisher in this process (`redis`), then
 *     Redis -> PostgreSQL while a real data plane (its own process, wrk paced) serves that many
 *     requests/s and its events are the ones measured (`data-plane`), then in-process -> PGlite
 *     on a data directory from a publisher in this process (`pglite`); --lag-paths picks them.
 *  3. With --ledger-size N (opt-in; PostgreSQL): ingestion rate and `budgetStatus` latency at an
 *     empty ledger and at N raw events generated in SQL over 30 days (500 teams, monthly budgets,
 *     a partition per day, counters to match; bench/ledger-fill.ts), in two schemas measured in
 *     alternating rounds (--rounds N); --explain prints the query plans of a batch's store and of a
 *     budget status on both. Cost independent of ledger size means the two agree (the
 *     goal: within 1.2x).
 * BENCH_DATABASE_URL (default: the local test PostgreSQL). The machine is shared: expect noise.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { type Database, openDatabase } from '../control-plane/db/open-database.ts';
import { teamBudgetStatus } from '../control-plane/domain/budgets/budget-status.ts';
import { createBudgetAlertSweeper } from '../control-plane/usage/budget-alert-sweeper.ts';
import { createUsageIngestor } from '../control-plane/usage/ingest-usage.ts';
import { createLiveEvents } from '../control-plane/usage/live-events.ts';
import { createMemoryBus } from '../shared/bus/memory-bus.ts';
import { createRedisBus } from '../shared/bus/redis-bus.ts';
import { USAGE_EVENT_SCHEMA_VERSION, type UsageEvent } from '../shared/events/usage-event.ts';
import { startServingDataPlane } from './ledger-data-plane.ts';
import { fillLedger, partitionDays } from './ledger-fill.ts';
import { ingestionLag, type Lag } from './ledger-lag.ts';
import { explainLedger } from './ledger-plans.ts';
import { cpuMicros, loadAverage } from './proc-stats.ts';
import { dropRedisKeys } from './redis-cleanup.ts';

const args = process.argv.slice(2);
const flag = (name: string, fallback: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const databaseUrl = process.env.BENCH_DATABASE_URL || 'postgresql://postgres@127.0.0.1:5432/test';
const ledgerSize = flag('--ledger-size', 0);
/** Marks this run's PostgreSQL connections, so their backends' CPU time can be read. */
const applicationName = `bench-ledger-${process.pid}`;
const benchUrl = `${databaseUrl}${databaseUrl.includes('?') ? '&' : '?'}application_name=${applicationName}`;
/** Tags per event (from a pool of 20, with one metadata pair): what the tag counters cost. */
const tagsPerEvent = flag('--tags', 0);
/** Ingest as a control plane with a usage webhook does: the new events queued in its outbox too. */
const webhookOutbox = args.includes('--webhook-outbox');
const TEAMS = 500;
const BATCH = 1000;

/** TEAMS teams (ids `${prefix}${i}`), each with a monthly budget. */
async function seedTeams(db: Database, prefix = 'bench-team-'): Promise<string[]> {
  const ids = Array.from({ length: TEAMS }, (_, i) => `${prefix}${i}`);
  await db.prisma.team.createMany({ data: ids.map((id) => ({ id, name: id, slug: id })) });
  await db.prisma.budget.createMany({
    data: ids.map((id) => ({ scope: 'team', scopeId: id, teamId: id, period: 'monthly', amountMicroUsd: 1_000_000_000n, alertThresholds: [50, 80, 100] })),
  });
  return ids;
}

let serial = 0;
function event(run: string, teams: string[]): UsageEvent {
  const i = serial++;
  const teamId = teams[i % teams.length]!;
  const keysPerTeam = 4;
  return {
    schemaVersion: USAGE_EVENT_SCHEMA_VERSION,
    id: `${run}-${i}:1`,
    requestId: `${run}-${i}`,
    attempt: 1,
    teamId,
    apiKeyId: `${teamId}-key-${Math.floor(i / teams.length) % keysPerTeam}`,
    model: i % 3 ? 'gpt-4o-mini' : 'claude-haiku',
    provider: i % 3 ? 'openai' : 'anthropic',
    providerId: 'p',
    deploymentId: 'd',
    endUser: null,
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
    ...(tagsPerEvent > 0 ? { tags: Array.from({ length: tagsPerEvent }, (_, t) => `tag-${(i + t) % 20}`), metadata: { run } } : {}),
  };
}

/** User + system CPU (us) of this run's PostgreSQL backends, by pid (none for PGlite: it runs in this process). */
async function backendCpu(db: Database): Promise<Map<number, number>> {
  if (db.kind !== 'postgres') return new Map();
  const rows = await db.prisma.$queryRawUnsafe<{ pid: number }[]>(`SELECT pid FROM pg_stat_activity WHERE application_name = $1`, applicationName);
  return new Map(rows.map((r) => [r.pid, cpuMicros(r.pid)]));
}

interface Rate {
  eventsPerSecond: number;
  /** CPU (ms) per 1 000 events: this Node process, and the PostgreSQL backends (0 on PGlite, counted in Node). */
  nodeCpuMs: number;
  databaseCpuMs: number;
}

/**
 * Events/s through the ingestor, `total` events in batches of 1 000, sequential as the in-process
 * consumer runs them (the Redis one keeps two batches of up to 2 000 in flight), budget alerts
 * checked by the sweeper as the control plane does (off the acknowledgement path, but on the same
 * database): the clock stops once the last check is done.
 * CPU per 1 000 events is the steadier figure on a shared machine.
 */
async function ingestionRate(db: Database, teams: string[], total: number): Promise<Rate> {
  const live = createLiveEvents();
  const alerts = createBudgetAlertSweeper(db.prisma, live);
  const ingest = createUsageIngestor(db, live, webhookOutbox, alerts);
  const run = randomBytes(3).toString('hex');
  await ingest(Array.from({ length: BATCH }, () => event(run, teams))); // warm-up
  await alerts.settled();
  const backendsBefore = await backendCpu(db);
  const nodeBefore = process.cpuUsage();
  const started = performance.now();
  for (let n = 0; n < total; n += BATCH) await ingest(Array.from({ length: BATCH }, () => event(run, teams)));
  await alerts.settled();
  const seconds = (performance.now() - started) / 1000;
  const node = process.cpuUsage(nodeBefore);
  let backends = 0;
  for (const [pid, after] of await backendCpu(db)) backends += after - (backendsBefore.get(pid) ?? 0);
  await alerts.close();
  const perThousand = (micros: number) => micros / 1000 / (total / 1000);
  return { eventsPerSecond: total / seconds, nodeCpuMs: perThousand(node.user + node.system), databaseCpuMs: perThousand(backends) };
}

const describe = (rate: Rate) =>
  `${fmt(rate.eventsPerSecond)} events/s, CPU per 1 000 events: Node ${rate.nodeCpuMs.toFixed(0)} ms + database ${rate.databaseCpuMs.toFixed(0)} ms`;

/** budgetStatus latency (ms): p50 and p99 over `count` teams. */
async function budgetStatusLatency(db: Database, teams: string[], count = 200): Promise<{ p50: number; p99: number }> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    await teamBudgetStatus(db.prisma, teams[i % teams.length]!);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return { p50: times[Math.floor(count * 0.5)]!, p99: times[Math.floor(count * 0.99)]! };
}

async function withPostgres<T>(fn: (db: Database) => Promise<T>): Promise<T> {
  const schema = `bench_ledger_${randomBytes(4).toString('hex')}`;
  const db = await openDatabase({ databaseUrl: benchUrl, schema });
  try {
    return await fn(db);
  } finally {
    await db.close();
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
  }
}

const fmt = (n: number) => Math.round(n).toLocaleString('en');

const describeLag = (lag: Lag) =>
  `p50 ${lag.p50.toFixed(0)} ms, p99 ${lag.p99.toFixed(0)} ms, max ${lag.max.toFixed(0)} ms (${fmt(lag.events)} events; ${fmt(lag.batches)} batches of ${fmt(lag.meanBatch)} on average, store p50 ${lag.storeP50.toFixed(0)} ms, p99 ${lag.storeP99.toFixed(0)} ms${
    lag.served ? `; data plane served ${fmt(lag.served.rps)} rps, ${fmt(lag.served.requests)} requests, ${lag.served.errors} errors` : ''
  }; load ${loadAverage().toFixed(1)})`;

console.log(`load average at start: ${loadAverage().toFixed(1)} (${applicationName})${webhookOutbox ? ', usage webhook outbox on' : ''}`);
// Two traffic shapes: a gateway of 10 busy teams, and every batch spread over all 500 teams
// (each batch then touches 500 team and 1 000 key counters per period: the worst case).
for (const spread of args.includes('--no-rates') ? [] : [10, TEAMS]) {
  await withPostgres(async (db) => {
    const teams = (await seedTeams(db)).slice(0, spread);
    const rate = await ingestionRate(db, teams, flag('--postgres-events', 50_000));
    console.log(`ingestion into PostgreSQL: ${describe(rate)} (batches of ${BATCH}, events spread over ${spread} teams x 4 keys, all with monthly budgets)`);
  });
  const db = await openDatabase({ dataDir: 'memory://' });
  try {
    const teams = (await seedTeams(db)).slice(0, spread);
    const rate = await ingestionRate(db, teams, flag('--pglite-events', 20_000));
    console.log(`ingestion into PGlite: ${describe(rate)} (batches of ${BATCH}, events spread over ${spread} teams x 4 keys, all with monthly budgets)`);
  } finally {
    await db.close();
  }
}
/** `--lag-paths redis,data-plane,pglite` (the default: all three): which lag measurements run. */
const lagPaths = (args.includes('--lag-paths') ? args[args.indexOf('--lag-paths') + 1]! : 'redis,data-plane,pglite').split(',');
if (args.includes('--lag')) {
  const rate = flag('--lag-rate', 2000);
  const seconds = flag('--lag-seconds', 10);
  const redisUrl = process.env.BENCH_REDIS_URL || 'redis://127.0.0.1:6379';
  if (lagPaths.includes('redis'))
    await withPostgres(async (db) => {
      const teams = await seedTeams(db);
      const prefix = `bench-lag-${randomBytes(4).toString('hex')}`;
      const bus = createRedisBus({ url: redisUrl, prefix });
      try {
        const lag = await ingestionLag(db, bus, event, teams, rate, seconds);
        console.log(`ingestion lag, Redis stream -> PostgreSQL, ${fmt(rate)} events/s from a publisher in this process: ${describeLag(lag)}`);
      } finally {
        await bus.close();
        await dropRedisKeys(redisUrl, `${prefix}:*`);
      }
    });
  if (lagPaths.includes('data-plane'))
    await withPostgres(async (db) => {
      // The issue's condition: a data plane serving 2,000 requests/s, its events the ones measured.
      const prefix = `bench-lag-${randomBytes(4).toString('hex')}`;
      const dataPlane = await startServingDataPlane(redisUrl, prefix, TEAMS);
      const bus = createRedisBus({ url: redisUrl, prefix });
      try {
        await seedTeams(db, 'team-');
        const lag = await ingestionLag(db, bus, event, [], rate, seconds, dataPlane);
        console.log(`ingestion lag, Redis stream -> PostgreSQL, a data plane serving ${fmt(rate)} requests/s: ${describeLag(lag)}`);
      } finally {
        await bus.close();
        await dataPlane.stop();
        await dropRedisKeys(redisUrl, `${prefix}:*`);
      }
    });
  if (lagPaths.includes('pglite')) {
    // A data directory on disk, as the embedded default's (not an in-memory PGlite).
    const dataDir = mkdtempSync(path.join(tmpdir(), 'bench-lag-pglite-'));
    const db = await openDatabase({ dataDir });
    const bus = createMemoryBus();
    try {
      const lag = await ingestionLag(db, bus, event, await seedTeams(db), rate, seconds);
      console.log(
        `ingestion lag, in-process bus -> PGlite (data directory on disk), ${fmt(rate)} events/s from a publisher in this process: ${describeLag(lag)}`,
      );
    } finally {
      await bus.close();
      await db.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
}
if (ledgerSize > 0) {
  // Two schemas side by side, both laid out as a month-old ledger (a partition per day): one
  // empty, one holding N raw events. Measured alternately, so the machine's load drifts over both.
  const days = 30;
  const rounds = flag('--rounds', 3);
  await withPostgres((empty) =>
    withPostgres(async (full) => {
      const sides = [
        { name: 'empty', db: empty, teams: await seedTeams(empty), samples: [] as { rate: Rate; status: { p50: number; p99: number } }[] },
        { name: fmt(ledgerSize), db: full, teams: await seedTeams(full), samples: [] as { rate: Rate; status: { p50: number; p99: number } }[] },
      ];
      await partitionDays(empty, days);
      await partitionDays(full, days);
      const fillStarted = performance.now();
      await fillLedger(full, ledgerSize, TEAMS, days);
      console.log(`  filled ${fmt(ledgerSize)} raw events and their counters in ${((performance.now() - fillStarted) / 1000).toFixed(0)} s`);
      if (args.includes('--explain')) {
        const run = randomBytes(3).toString('hex');
        for (const side of sides) {
          const batch = Array.from({ length: BATCH }, () => event(run, side.teams));
          console.log(`--- plans, ${side.name} ---\n${await explainLedger(side.db, batch, side.teams[7]!)}`);
        }
      }
      for (let round = 1; round <= rounds; round++) {
        for (const side of sides) {
          const sample = { rate: await ingestionRate(side.db, side.teams, 20_000), status: await budgetStatusLatency(side.db, side.teams) };
          side.samples.push(sample);
          console.log(
            `  round ${round}, ${side.name}: ${describe(sample.rate)}; budgetStatus p50 ${sample.status.p50.toFixed(2)} ms, p99 ${sample.status.p99.toFixed(2)} ms (load ${loadAverage().toFixed(1)})`,
          );
        }
      }
      const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
      const [e, f] = sides.map((side) => ({
        rate: median(side.samples.map((s) => s.rate.eventsPerSecond)),
        cpu: median(side.samples.map((s) => s.rate.nodeCpuMs + s.rate.databaseCpuMs)),
        p50: median(side.samples.map((s) => s.status.p50)),
        p99: median(side.samples.map((s) => s.status.p99)),
      })) as [{ rate: number; cpu: number; p50: number; p99: number }, { rate: number; cpu: number; p50: number; p99: number }];
      console.log(
        `ledger size, PostgreSQL: empty vs ${fmt(ledgerSize)} raw events (${days} days, ${TEAMS} teams, monthly budgets), medians of ${rounds} alternating rounds`,
      );
      console.log(`  ingestion:               ${fmt(e.rate)} vs ${fmt(f.rate)} events/s (empty / full ${(e.rate / f.rate).toFixed(2)})`);
      console.log(`  CPU per 1 000 events:    ${e.cpu.toFixed(0)} vs ${f.cpu.toFixed(0)} ms, Node + database (full / empty ${(f.cpu / e.cpu).toFixed(2)})`);
      console.log(`  budgetStatus p50:        ${e.p50.toFixed(2)} vs ${f.p50.toFixed(2)} ms (full / empty ${(f.p50 / e.p50).toFixed(2)})`);
      console.log(`  budgetStatus p99:        ${e.p99.toFixed(2)} vs ${f.p99.toFixed(2)} ms`);
    }),
  );
}
