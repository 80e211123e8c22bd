import { creditsCounterName, type MoneyCounterChange, teamCounterGroup } from '../../shared/money/money-counters.ts';
import type { Tx } from '../domain/mutate.ts';
import { bucketsFrom, spendFrom } from './ledger-recompute.sql.ts';
import { budgetCounters } from './money-reseed.ts';

interface SpendRow {
  scope: string;
  scopeId: string;
  period: string;
  periodStart: Date;
  costMicroUsd: bigint;
  creditMicroUsd: bigint;
}

/**
 * What a re-rating's adjustment rows (`<attempt>:rerate:<rerateId>`, attempts of [from, to)) moved
 * the ledger's spend counters by, as changes of the data planes' Redis counters: each budget's
 * counter of its current period, and each team's credit counter. Summed by the statement the
 * ledger's own counters are built with (ledger-recompute.sql.ts), in the re-rating's transaction,
 * so Redis moves by exactly what the ledger moved by; adjustments of past periods change no
 * counter a data plane still enforces.
 */
export async function rerateCounterChanges(tx: Tx, rerateId: string, range: { from: Date; to: Date }, now: number): Promise<MoneyCounterChange[]> {
  const rows = await tx.$queryRawUnsafe<SpendRow[]>(
    spendFrom(
      bucketsFrom(
        '"UsageEvent"',
        `e."adjustmentOf" IS NOT NULL AND e."id" LIKE $1 AND e."startedAt" >= ($2::timestamptz AT TIME ZONE 'UTC') AND e."startedAt" < ($3::timestamptz AT TIME ZONE 'UTC')`,
      ),
      ['daily', 'weekly', 'monthly', 'total'],
    ),
    `%:rerate:${rerateId}`,
    range.from.toISOString(),
    range.to.toISOString(),
  );
  if (rows.length === 0) return [];
  const moved = new Map(rows.map((r) => [`${r.scope}\u0000${r.scopeId}\u0000${r.period}\u0000${r.periodStart.getTime()}`, r]));
  const budgets = await tx.budget.findMany({
    where: {
      OR: [...new Set(rows.map((r) => r.scope))].map((scope) => ({ scope, scopeId: { in: rows.filter((r) => r.scope === scope).map((r) => r.scopeId) } })),
    },
    select: { scope: true, scopeId: true, period: true },
  });
  const changes: MoneyCounterChange[] = [];
  for (const cell of await budgetCounters(tx, budgets, now)) {
    const row = moved.get(`${cell.scope}\u0000${cell.scopeId}\u0000${cell.period}\u0000${cell.periodStart.getTime()}`);
    if (row && row.costMicroUsd !== 0n)
      changes.push({ counter: cell.counter, group: cell.group, deltaMicroUsd: Number(row.costMicroUsd), expiresAtMs: cell.expiresAtMs });
  }
  // Credits are all-time: the team's `total` row, without its own providers' (byok) spend.
  for (const row of rows) {
    if (row.scope === 'team' && row.period === 'total' && row.creditMicroUsd !== 0n) {
      changes.push({
        counter: creditsCounterName(row.scopeId),
        group: teamCounterGroup(row.scopeId),
        deltaMicroUsd: Number(row.creditMicroUsd),
        expiresAtMs: null,
      });
    }
  }
  return changes;
}
