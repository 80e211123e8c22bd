import { performance } from 'node:perf_hooks';
import type { Database } from '../control-plane/db/open-database.ts';
import {
  DAILY_KEY,
  DAILY_VALUES,
  EXPECTED_DAILY,
  EXPECTED_MINUTE_SPEND,
  EXPECTED_PERIOD_SPEND,
  SPEND_KEY,
  SPEND_VALUES,
} from '../control-plane/usage/ledger-recompute.sql.ts';
import { minuteCountersKeptFrom } from '../control-plane/usage/retention.ts';
import { createPartitionsAhead, PARTITION_DAYS_AHEAD } from '../control-plane/usage/usage-partitions.ts';
import { periodStart } from '../shared/budgets/periods.ts';

/**
 * A ledger of N raw events for the bench's ledger-size phase (issue 13), generated in SQL: the
 * events of a control plane that has run for `days` days with retention on, so raw events sit in
 * one partition per day (not in the pre-partitioning history partition a fresh schema starts
 * with), and the counters agree with them, as ingestion would have left them.
 */

const DAY_MS = 86_400_000;
/** Rows per INSERT statement (one transaction each): progress to watch, and bounded WAL per commit. */
const CHUNK = 500_000;

const timestamp = (at: Date) => `TIMESTAMP '${at.toISOString().slice(0, 23).replace('T', ' ')}'`;
const columns = (names: string[]) => names.map((c) => `"${c}"`).join(', ');

/**
 * Lays out the raw events' partitions as a ledger `days` old has them: the history partition
 * (empty in a fresh schema) bounded at the first day, then a partition per day through the days
 * created ahead. Run it on a schema nothing has written raw events to yet.
 */
export async function partitionDays(db: Database, days: number, now = new Date()): Promise<void> {
  const first = new Date(periodStart('daily', now).getTime() - days * DAY_MS);
  await db.prisma.$executeRawUnsafe(`ALTER TABLE "UsageEvent" DETACH PARTITION "UsageEvent_history"`);
  await db.prisma.$executeRawUnsafe(`ALTER TABLE "UsageEvent" ATTACH PARTITION "UsageEvent_history" FOR VALUES FROM (MINVALUE) TO (${timestamp(first)})`);
  await createPartitionsAhead(db.prisma, first, days + PARTITION_DAYS_AHEAD);
}

/**
 * `n` raw events spread evenly from `days` days ago to now over `teams` teams x 4 keys (the
 * shape of the bench's own events: 120 + 40 tokens, 42 micro-USD), in time order so each
 * statement fills one day partition after the other; then their counters (daily, budget periods,
 * and the minute rows retention keeps) from the same sums `ledger:repair` uses; then VACUUM
 * ANALYZE, as autovacuum would have done on a ledger that grew over a month.
 */
export async function fillLedger(db: Database, n: number, teams: number, days: number, now = new Date()): Promise<void> {
  const first = new Date(now.getTime() - days * DAY_MS);
  const stepMs = (days * DAY_MS) / n;
  const started = performance.now();
  for (let from = 0; from < n; from += CHUNK) {
    const to = Math.min(from + CHUNK, n);
    await db.prisma.$executeRawUnsafe(`
      INSERT INTO "UsageEvent" ("id", "requestId", "attempt", "teamId", "apiKeyId", "model", "provider", "promptTokens", "completionTokens",
        "costMicroUsd", "status", "latencyMs", "snapshotVersion", "snapshotHash", "startedAt")
      SELECT 'fill-' || g || ':1', 'fill-' || g, 1, 'bench-team-' || (g % ${teams}), 'bench-team-' || (g % ${teams}) || '-key-' || (g / ${teams} % 4),
        CASE WHEN g % 3 = 0 THEN 'claude-haiku' ELSE 'gpt-4o-mini' END, CASE WHEN g % 3 = 0 THEN 'anthropic' ELSE 'openai' END,
        120, 40, 42, 200, 300, 1, 'h', ${timestamp(first)} + (g::float8 * ${stepMs}) * interval '1 millisecond'
      FROM generate_series(${from}, ${to - 1}) AS g`);
    const seconds = (performance.now() - started) / 1000;
    process.stdout.write(`  ${to.toLocaleString('en')} raw events in ${seconds.toFixed(0)} s\r`);
  }
  process.stdout.write('\n');
  await db.prisma.$transaction(
    async (tx) => {
      // Hash aggregates over every raw event: give them room instead of spilling to disk.
      await tx.$executeRawUnsafe(`SET LOCAL work_mem = '256MB'`);
      await tx.$executeRawUnsafe(`INSERT INTO "UsageDaily" (${columns([...DAILY_KEY, ...DAILY_VALUES])}) ${EXPECTED_DAILY}`, new Date(0).toISOString());
      await tx.$executeRawUnsafe(`INSERT INTO "UsageSpend" (${columns([...SPEND_KEY, ...SPEND_VALUES])}) ${EXPECTED_PERIOD_SPEND}`);
      await tx.$executeRawUnsafe(
        `INSERT INTO "UsageSpend" (${columns([...SPEND_KEY, ...SPEND_VALUES])}) ${EXPECTED_MINUTE_SPEND}`,
        minuteCountersKeptFrom(now).toISOString(),
      );
    },
    { timeout: 3_600_000, maxWait: 60_000 },
  );
  await db.prisma.$executeRawUnsafe(`VACUUM ANALYZE "UsageEvent", "UsageDaily", "UsageSpend"`);
}
