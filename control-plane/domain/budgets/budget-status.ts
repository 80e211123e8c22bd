import type { PrismaClient } from '../../../generated/prisma/client.ts';
import { periodEnd, periodStart } from '../../../shared/budgets/periods.ts';
import type { BudgetPeriod, SnapshotBudget } from '../../../shared/snapshot/schema.ts';
import type { GraphQLContext } from '../../context.ts';
import { readBurn, readSpend, type SpendCell } from '../../usage/spend-counters.ts';
import { findTeamOrThrow } from '../teams/teams.ts';
import { effectiveBudgets } from './effective-budgets.ts';

/** Where one budget stands now. Money in integer micro-USD. */
export interface BudgetUsage {
  budget: SnapshotBudget;
  periodStart: Date;
  periodEnd: Date | null;
  spentMicroUsd: bigint;
  /** amount - spent; negative once a soft budget (or in-flight requests) went past it. */
  remainingMicroUsd: bigint;
  /**
   * Spend of the last hour (the current minute and the 59 before it, by attempt start), times
   * 24: what a day at the current pace would cost.
   */
  burnRateMicroUsdPerDay: bigint;
  /** The alert thresholds (percent) the spend has reached. */
  thresholdsReached: number[];
  exhausted: boolean;
}

export interface TeamBudgetStatus {
  teamId: string;
  at: Date;
  budgets: BudgetUsage[];
}

/** The counter a budget reads: its team's or its key's spend in its period. */
function cellOf(budget: SnapshotBudget, teamId: string, now: Date): SpendCell {
  return {
    scope: budget.scope === 'key' ? 'key' : 'team',
    scopeId: budget.scope === 'key' ? budget.scopeId : teamId,
    period: budget.period as BudgetPeriod,
    periodStart: periodStart(budget.period as BudgetPeriod, now),
  };
}

/** Each team's budgets in force (own, plan template, keys'), by team id. */
export type TeamBudgetsLoader = (teamIds: readonly string[]) => Promise<Map<string, SnapshotBudget[]>>;

/** Reads each team's budgets in force: two statements for all the teams. */
export function teamBudgetsFrom(prisma: PrismaClient): TeamBudgetsLoader {
  return async (teamIds) => {
    const [teams, rows] = await Promise.all([
      prisma.team.findMany({ where: { id: { in: [...teamIds] } }, select: { id: true, plan: true } }),
      prisma.budget.findMany({ where: { teamId: { in: [...teamIds] } } }),
    ]);
    const teamById = new Map(teams.map((t) => [t.id, t]));
    const rowsByTeam = new Map<string | null, typeof rows>();
    for (const row of rows) {
      const list = rowsByTeam.get(row.teamId);
      if (list) list.push(row);
      else rowsByTeam.set(row.teamId, [row]);
    }
    return new Map(
      teamIds.map((teamId) => {
        const team = teamById.get(teamId);
        return [teamId, effectiveBudgets(rowsByTeam.get(teamId) ?? [], team ? [team] : [])];
      }),
    );
  };
}

/**
 * The budgets (own, plan template, keys') of several teams with spend from the spend counters
 * (control-plane/usage/spend-counters.ts): a fixed number of indexed reads whatever the size of
 * the ledger. Spend counts events as the control plane has stored them, so it trails the data
 * plane's live counters by the ingestion delay. `budgets` may serve the budget definitions from
 * a cache (the alert sweeper's); by default they are read.
 */
export async function teamsBudgetStatus(
  prisma: PrismaClient,
  teamIds: readonly string[],
  now = new Date(),
  options: { burnRate?: boolean; budgets?: TeamBudgetsLoader } = {},
): Promise<TeamBudgetStatus[]> {
  if (teamIds.length === 0) return [];
  const ids = [...new Set(teamIds)];
  const budgetsOf = await (options.budgets ?? teamBudgetsFrom(prisma))(ids);
  const perTeam = ids.map((teamId) => ({
    teamId,
    budgets: (budgetsOf.get(teamId) ?? []).map((budget) => ({ budget, cell: cellOf(budget, teamId, now) })),
  }));
  const cells = perTeam.flatMap((t) => t.budgets.map((b) => b.cell));
  // Alerts need no burn rate: one statement fewer per ingested batch.
  const [spent, burn] = await Promise.all([readSpend(prisma, cells), options.burnRate === false ? () => 0n : readBurn(prisma, cells, now)]);
  return perTeam.map(({ teamId, budgets }) => ({
    teamId,
    at: now,
    budgets: budgets.map(({ budget, cell }) => {
      const spentMicroUsd = spent(cell);
      const amount = BigInt(budget.amountMicroUsd);
      return {
        budget,
        periodStart: cell.periodStart,
        periodEnd: periodEnd(budget.period as BudgetPeriod, now),
        spentMicroUsd,
        remainingMicroUsd: amount - spentMicroUsd,
        burnRateMicroUsdPerDay: burn(cell) * 24n,
        thresholdsReached: budget.alertThresholds.filter((pct) => spentMicroUsd * 100n >= amount * BigInt(pct)),
        exhausted: spentMicroUsd >= amount,
      };
    }),
  }));
}

/** One team's budget status (see teamsBudgetStatus). */
export async function teamBudgetStatus(prisma: PrismaClient, teamId: string, now = new Date()): Promise<TeamBudgetStatus> {
  const [status] = await teamsBudgetStatus(prisma, [teamId], now);
  return status!;
}

/** The status of a team the caller may read; another team's id is "not found", like a missing one. */
export async function budgetStatusFor(ctx: GraphQLContext, teamId: string): Promise<TeamBudgetStatus> {
  await findTeamOrThrow(ctx, teamId);
  return teamBudgetStatus(ctx.prisma, teamId);
}
