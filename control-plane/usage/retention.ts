import type { Prisma, PrismaClient } from '../../generated/prisma/client.ts';
import { periodStart } from '../../shared/budgets/periods.ts';
import { createPartitionsAhead, dropPartitionsBefore } from './usage-partitions.ts';

const DAY_MS = 86_400_000;
/** Setting row: raw usage events that started before this instant have been deleted. */
const RAW_FROM_SETTING = 'usage.rawEventsFrom';

type Reader = Pick<Prisma.TransactionClient, 'setting'>;

/** The first instant whose raw events are all still kept (the epoch until retention first ran). */
export async function rawEventsKeptFrom(prisma: Reader): Promise<Date> {
  const row = await prisma.setting.findUnique({ where: { key: RAW_FROM_SETTING } });
  return row ? new Date(row.value) : new Date(0);
}

/** Minute counters (the burn rate's) are kept from yesterday's start on; older ones are pruned. */
export function minuteCountersKeptFrom(now: Date): Date {
  return new Date(periodStart('daily', now).getTime() - DAY_MS);
}

/** The retention cutoff for `days` of raw events: a UTC day start, so every kept day is whole. */
export function retentionCutoff(days: number, now: Date): Date {
  return new Date(periodStart('daily', now).getTime() - days * DAY_MS);
}

export interface RetentionResult {
  cutoff: Date | null;
  /** Rows deleted one by one: those of partitions straddling the cutoff. */
  rawEventsDeleted: number;
  /** Whole days of raw events dropped. */
  partitionsDropped: string[];
  /** Day partitions created ahead. */
  partitionsCreated: string[];
  minuteCountersDeleted: number;
}

const DELETE_CHUNK = 50_000;

/**
 * The ledger's periodic maintenance: creates the raw events' day partitions ahead
 * (usage-partitions.ts), expires raw usage events older than `days` whole UTC days (unset: raw
 * events are kept forever) and minute counters older than minuteCountersKeptFrom. The daily and
 * period counters are never deleted: rollups, budgets and credit balances keep their history.
 * Records the cutoff first, so `ledger:repair` never recomputes a day whose raw events are
 * partly gone. Expired days are dropped as whole partitions; only the rows of a partition that
 * straddles the cutoff (the pre-partitioning history, the default) are deleted, in chunks, so
 * ingestion is never blocked for long. Idempotent; safe on several control planes at once.
 */
export async function applyRetention(prisma: PrismaClient, days: number | undefined, now = new Date()): Promise<RetentionResult> {
  const minutes = await prisma.usageSpend.deleteMany({ where: { period: 'minute', periodStart: { lt: minuteCountersKeptFrom(now) } } });
  const partitionsCreated = await createPartitionsAhead(prisma, now);
  if (days === undefined) return { cutoff: null, rawEventsDeleted: 0, partitionsDropped: [], partitionsCreated, minuteCountersDeleted: minutes.count };
  const cutoff = retentionCutoff(days, now);
  const recorded = await rawEventsKeptFrom(prisma);
  if (cutoff > recorded) {
    await prisma.setting.upsert({
      where: { key: RAW_FROM_SETTING },
      create: { key: RAW_FROM_SETTING, value: cutoff.toISOString() },
      update: { value: cutoff.toISOString() },
    });
  }
  const partitionsDropped = await dropPartitionsBefore(prisma, cutoff);
  let deleted = 0;
  for (;;) {
    const count = await prisma.$executeRawUnsafe(
      `DELETE FROM "UsageEvent" WHERE ("id", "startedAt") IN (
         SELECT "id", "startedAt" FROM "UsageEvent" WHERE "startedAt" < ($1::timestamptz AT TIME ZONE 'UTC') LIMIT ${DELETE_CHUNK})`,
      cutoff.toISOString(),
    );
    deleted += count;
    if (count < DELETE_CHUNK) break;
  }
  return { cutoff, rawEventsDeleted: deleted, partitionsDropped, partitionsCreated, minuteCountersDeleted: minutes.count };
}

/** How often the replica holding the retention lease applies retention. */
export const RETENTION_INTERVAL_MS = 3_600_000;
