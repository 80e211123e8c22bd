import type { PrismaClient } from '../../generated/prisma/client.ts';
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

/** Reads the spend of every cell in one statement (primary-key lookups, summed over the shards); a missing row is zero. */
export async function readSpend(prisma: Pick<PrismaClient, '$queryRawUnsafe'>, cells: readonly SpendCell[]): Promise<(cell: SpendCell) => bigint> {
  const found = new Map<string, bigint>();
  if (cells.length > 0) {
    const rows = await prisma.$queryRawUnsafe<{ scope: string; scopeId: string; period: string; periodStart: Date; costMicroUsd: bigint }[]>(
      `SELECT s."scope", s."scopeId", s."period", s."periodStart", SUM(s."costMicroUsd")::bigint AS "costMicroUsd"
       FROM "UsageSpend" AS s
       JOIN unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[]) AS u(scope, "scopeId", period, start)
         ON s."scope" = u.scope AND s."scopeId" = u."scopeId" AND s."period" = u.period AND s."periodStart" = (u.start AT TIME ZONE 'UTC')
       GROUP BY 1, 2, 3, 4`,
      cells.map((c) => c.scope),
      cells.map((c) => c.scopeId),
      cells.map((c) => c.period),
      cells.map((c) => c.periodStart.toISOString()),
    );
    for (const r of rows) found.set(cellKey(r.scope, r.scopeId, r.period, r.periodStart.getTime()), BigInt(r.costMicroUsd));
  }
  return (cell) => found.get(cellKey(cell.scope, cell.scopeId, cell.period, cell.periodStart.getTime())) ?? 0n;
}

/** The first minute the burn rate counts at `now`. */
export function burnWindowStart(now: Date): Date {
  return new Date(spendPeriodStart('minute', now.getTime()).getTime() - (BURN_MINUTES - 1) * MINUTE_MS);
}

/** Each scope's spend over the burn-rate window, from the minute counters, in one statement. */
export async function readBurn(prisma: PrismaClient, cells: readonly SpendCell[], now: Date): Promise<(cell: SpendCell) => bigint> {
  const found = new Map<string, bigint>();
  const scopes = [...new Map(cells.map((c) => [`${c.scope}\u0000${c.scopeId}`, c])).values()];
  if (scopes.length > 0) {
    const rows = await prisma.$queryRawUnsafe<{ scope: string; scopeId: string; cost: bigint }[]>(
      `SELECT s."scope", s."scopeId", SUM(s."costMicroUsd")::bigint AS cost
       FROM "UsageSpend" AS s
       JOIN unnest($1::text[], $2::text[]) AS u(scope, "scopeId") ON s."scope" = u.scope AND s."scopeId" = u."scopeId"
       WHERE s."period" = 'minute' AND s."periodStart" >= ($3::timestamptz AT TIME ZONE 'UTC') AND s."periodStart" <= ($4::timestamptz AT TIME ZONE 'UTC')
       GROUP BY 1, 2`,
      scopes.map((c) => c.scope),
      scopes.map((c) => c.scopeId),
      burnWindowStart(now).toISOString(),
      now.toISOString(),
    );
    for (const r of rows) found.set(`${r.scope}\u0000${r.scopeId}`, BigInt(r.cost));
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
