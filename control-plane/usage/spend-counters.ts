import type { PrismaClient } from '../../generated/prisma/client.ts';
import { periodEnd } from '../../shared/budgets/periods.ts';
import type { BudgetPeriod } from '../../shared/snapshot/schema.ts';
import { type SpendScope, spendPeriodStart } from './ledger-counters.ts';

/** One spend counter: a scope's spend in one budget period. */
export interface SpendCell {
  scope: SpendScope;
  scopeId: string;
  period: BudgetPeriod;
  periodStart: Date;
}

const MINUTE_MS = 60_000;
/** The burn rate's window: the current minute and the 59 before it. */
export const BURN_MINUTES = 60;

const cellKey = (scope: string, scopeId: string, period: string, start: number) => `${scope}\u0000${scopeId}\u0000${period}\u0000${start}`;

/**
 * The stored rows a cell's spend sums: its `total` row, or the `daily` rows of the days its
 * period covers (a day, a week, a month: at most 31 per shard), each read by a primary-key range.
 */
function storedRange(cell: SpendCell): { period: 'daily' | 'total'; from: Date; to: Date } {
  if (cell.period === 'total') return { period: 'total', from: cell.periodStart, to: new Date(cell.periodStart.getTime() + 1) };
  return { period: 'daily', from: cell.periodStart, to: periodEnd(cell.period, cell.periodStart)! };
}

/** Reads the spend of every cell in one statement (indexed range reads, summed over days and shards); a missing row is zero. */
export async function readSpend(prisma: Pick<PrismaClient, '$queryRawUnsafe'>, cells: readonly SpendCell[]): Promise<(cell: SpendCell) => bigint> {
  const found = new Map<string, bigint>();
  const unique = [...new Map(cells.map((c) => [cellKey(c.scope, c.scopeId, c.period, c.periodStart.getTime()), c])).values()];
  if (unique.length > 0) {
    const ranges = unique.map(storedRange);
    const rows = await prisma.$queryRawUnsafe<{ cell: number; costMicroUsd: bigint }[]>(
      `SELECT u.cell, SUM(s."costMicroUsd")::bigint AS "costMicroUsd"
       FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::timestamptz[]) WITH ORDINALITY AS u(scope, "scopeId", period, "from", "to", cell)
       JOIN "UsageSpend" AS s
         ON s."scope" = u.scope AND s."scopeId" = u."scopeId" AND s."period" = u.period
         AND s."periodStart" >= (u."from" AT TIME ZONE 'UTC') AND s."periodStart" < (u."to" AT TIME ZONE 'UTC')
       GROUP BY u.cell`,
      unique.map((c) => c.scope),
      unique.map((c) => c.scopeId),
      ranges.map((r) => r.period),
      ranges.map((r) => r.from.toISOString()),
      ranges.map((r) => r.to.toISOString()),
    );
    for (const r of rows) {
      const c = unique[Number(r.cell) - 1]!;
      found.set(cellKey(c.scope, c.scopeId, c.period, c.periodStart.getTime()), BigInt(r.costMicroUsd));
    }
  }
  return (cell) => found.get(cellKey(cell.scope, cell.scopeId, cell.period, cell.periodStart.getTime())) ?? 0n;
}

/** The first minute the burn rate counts at `now`. */
export function burnWindowStart(now: Date): Date {
  return new Date(spendPeriodStart('minute', now.getTime()).getTime() - (BURN_MINUTES - 1) * MINUTE_MS);
}

/**
 * Each scope's spend over the burn-rate window, from the minute counters, in one statement: a
 * primary-key range read per scope (a subquery per scope, so the plan does not depend on the
 * table's statistics: joined, a table never analyzed, a fresh install's, was read through the
 * (period, periodStart) index, every scope's minute rows of the last hour).
 */
export async function readBurn(prisma: PrismaClient, cells: readonly SpendCell[], now: Date): Promise<(cell: SpendCell) => bigint> {
  const found = new Map<string, bigint>();
  const scopes = [...new Map(cells.map((c) => [`${c.scope}\u0000${c.scopeId}`, c])).values()];
  if (scopes.length > 0) {
    const rows = await prisma.$queryRawUnsafe<{ scope: string; scopeId: string; cost: bigint | null }[]>(
      `SELECT u.scope, u."scopeId", (
         SELECT SUM(s."costMicroUsd") FROM "UsageSpend" AS s
         WHERE s."scope" = u.scope AND s."scopeId" = u."scopeId" AND s."period" = 'minute'
           AND s."periodStart" >= ($3::timestamptz AT TIME ZONE 'UTC') AND s."periodStart" <= ($4::timestamptz AT TIME ZONE 'UTC')
       )::bigint AS cost
       FROM unnest($1::text[], $2::text[]) AS u(scope, "scopeId")`,
      scopes.map((c) => c.scope),
      scopes.map((c) => c.scopeId),
      burnWindowStart(now).toISOString(),
      now.toISOString(),
    );
    for (const r of rows) if (r.cost !== null) found.set(`${r.scope}\u0000${r.scopeId}`, BigInt(r.cost));
  }
  return (cell) => found.get(`${cell.scope}\u0000${cell.scopeId}`) ?? 0n;
}

/** A team's all-time spend that draws prepaid credits (bring-your-own-key usage excepted). */
export async function creditSpend(prisma: Pick<PrismaClient, 'usageSpend'>, teamId: string): Promise<bigint> {
  const sum = await prisma.usageSpend.aggregate({
    where: { scope: 'team', scopeId: teamId, period: 'total', periodStart: new Date(0) },
    _sum: { creditMicroUsd: true },
  });
  return sum._sum.creditMicroUsd ?? 0n;
}
