import type { Prisma, PrismaClient } from '../../generated/prisma/client.ts';
import { periodStart } from '../../shared/budgets/periods.ts';

/**
 * Raw usage events are partitioned by UTC day of `startedAt` (migration
 * 20261204160000_usage_event_partitions), on PostgreSQL and PGlite alike: `UsageEvent_pYYYYMMDD`
 * per day, `UsageEvent_history` for everything before the first day partition (the table as it
 * was before partitioning), and `UsageEvent_default` for a day that has no partition yet (an
 * event from a clock far ahead). Days are created ahead of time, so the default stays empty in
 * normal operation, and retention drops whole days instead of deleting rows.
 */

const DAY_MS = 86_400_000;
/** Day partitions kept ready beyond today. The maintenance job runs hourly: a week is ample slack. */
export const PARTITION_DAYS_AHEAD = 7;
const DEFAULT_PARTITION = 'UsageEvent_default';
// Any constant: the lock serialises partition changes among control planes sharing a database.
const PARTITION_LOCK = 0x7467_7061;

type Sql = Pick<Prisma.TransactionClient, '$queryRawUnsafe' | '$executeRawUnsafe'>;

/** One partition of "UsageEvent": the [from, to) range of `startedAt` it holds (null: unbounded), or the default. */
export interface UsagePartition {
  name: string;
  from: Date | null;
  to: Date | null;
  isDefault: boolean;
}

/** `FOR VALUES FROM ('2026-12-04 00:00:00') TO (MAXVALUE)` -> the two bounds (null for MINVALUE/MAXVALUE). */
function parseBound(expression: string): { from: Date | null; to: Date | null } {
  const match = /FROM \((.+)\) TO \((.+)\)/.exec(expression);
  const at = (value: string | undefined) => {
    const literal = /'([^']+)'/.exec(value ?? '')?.[1];
    return literal ? new Date(`${literal.replace(' ', 'T')}Z`) : null;
  };
  return { from: at(match?.[1]), to: at(match?.[2]) };
}

/** The partitions of "UsageEvent" (in the current search_path), ordered by range start. */
export async function usagePartitions(sql: Sql): Promise<UsagePartition[]> {
  const rows = await sql.$queryRawUnsafe<{ name: string; bound: string }[]>(
    `SELECT c.relname AS name, pg_get_expr(c.relpartbound, c.oid) AS bound
     FROM pg_inherits AS i JOIN pg_class AS c ON c.oid = i.inhrelid
     WHERE i.inhparent = '"UsageEvent"'::regclass`,
  );
  return rows
    .map((r) => (r.bound === 'DEFAULT' ? { name: r.name, from: null, to: null, isDefault: true } : { name: r.name, ...parseBound(r.bound), isDefault: false }))
    .sort((a, b) => (a.from?.getTime() ?? -Infinity) - (b.from?.getTime() ?? -Infinity));
}

const literal = (at: Date) => `'${at.toISOString().slice(0, 19).replace('T', ' ')}'`;
const dayName = (day: Date) => `UsageEvent_p${day.toISOString().slice(0, 10).replace(/-/g, '')}`;

/**
 * Creates the day partitions from the end of the last one through `daysAhead` days after today.
 * Rows the default partition holds for a new day (events that arrived before their day existed)
 * move into it in the same transaction, so no row is ever outside its day. Idempotent; safe on
 * several control planes at once (an advisory lock orders them). Returns the partitions created.
 */
export async function createPartitionsAhead(prisma: PrismaClient, now = new Date(), daysAhead = PARTITION_DAYS_AHEAD): Promise<string[]> {
  const until = periodStart('daily', now).getTime() + (daysAhead + 1) * DAY_MS;
  return prisma.$transaction(
    async (tx) => {
      await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${PARTITION_LOCK}, hashtext(current_schema()))`);
      const ranges = (await usagePartitions(tx)).filter((p) => !p.isDefault);
      const lastEnd = Math.max(...ranges.map((p) => p.to?.getTime() ?? -Infinity));
      // With no day partition yet, or only old ones, days start today; a gap in the past stays with the default.
      const created: string[] = [];
      for (let day = Math.max(lastEnd, periodStart('daily', now).getTime()); day < until; day += DAY_MS) {
        const from = new Date(day);
        const to = new Date(day + DAY_MS);
        const name = dayName(from);
        const range = `"startedAt" >= ${literal(from)} AND "startedAt" < ${literal(to)}`;
        await tx.$executeRawUnsafe(`CREATE TABLE "${name}" (LIKE "UsageEvent" INCLUDING DEFAULTS)`);
        await tx.$executeRawUnsafe(`WITH moved AS (DELETE FROM "${DEFAULT_PARTITION}" WHERE ${range} RETURNING *) INSERT INTO "${name}" SELECT * FROM moved`);
        await tx.$executeRawUnsafe(`ALTER TABLE "UsageEvent" ATTACH PARTITION "${name}" FOR VALUES FROM (${literal(from)}) TO (${literal(to)})`);
        created.push(name);
      }
      return created;
    },
    { timeout: 60_000 },
  );
}

/**
 * Drops every partition whose whole range started before `cutoff`: retention without a delete.
 * Returns the partitions dropped. The rows of a partition that straddles the cutoff (the
 * history partition, the default) are left to the caller's delete.
 */
export async function dropPartitionsBefore(prisma: PrismaClient, cutoff: Date): Promise<string[]> {
  return prisma.$transaction(
    async (tx) => {
      await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${PARTITION_LOCK}, hashtext(current_schema()))`);
      const expired = (await usagePartitions(tx)).filter((p) => !p.isDefault && p.to !== null && p.to <= cutoff);
      for (const p of expired) await tx.$executeRawUnsafe(`DROP TABLE "${p.name}"`);
      return expired.map((p) => p.name);
    },
    { timeout: 60_000 },
  );
}
