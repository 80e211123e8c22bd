import type { PrismaClient } from '../../../generated/prisma/client.ts';
import type { BudgetPeriod, SnapshotBudget } from '../../../shared/snapshot/schema.ts';
import type { GraphQLContext } from '../../context.ts';
import { findTeamOrThrow } from '../teams/teams.ts';
import { effectiveBudgets } from './effective-budgets.ts';
import { periodEnd, periodStart } from './periods.ts';

/** Where one budget stands now. Money in integer micro-USD. */
export interface BudgetUsage {
  budget: SnapshotBudget;
  periodStart: Date;
  periodEnd: Date | null;
  spentMicroUsd: bigint;
  /** amount - spent; negative once a soft budget (or in-flight requests) went past it. */
  remainingMicroUsd: bigint;
  /** Spend of the last hour, times 24: what a day at the current pace would cost. */
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

const HOUR_MS = 3_600_000;

/**
 * The team's budgets (its own, its plan's template, and its keys') with spend from the stored
 * usage events. Spend counts events as the control plane has stored them, so it trails the data
 * plane's live counters by the ingestion delay.
 */
export async function teamBudgetStatus(prisma: PrismaClient, teamId: string, now = new Date()): Promise<TeamBudgetStatus> {
  const [team, rows] = await Promise.all([
    prisma.team.findUnique({ where: { id: teamId }, select: { id: true, plan: true } }),
    prisma.budget.findMany({ where: { teamId } }),
  ]);
  const budgets = effectiveBudgets(rows, team ? [team] : []);
  const hourAgo = new Date(now.getTime() - HOUR_MS);
  const usage = await Promise.all(
    budgets.map(async (budget) => {
      const start = periodStart(budget.period as BudgetPeriod, now);
      const scope = budget.scope === 'key' ? { apiKeyId: budget.scopeId } : { teamId };
      const [period, lastHour] = await Promise.all([
        prisma.usageEvent.aggregate({ _sum: { costMicroUsd: true }, where: { ...scope, startedAt: { gte: start } } }),
        prisma.usageEvent.aggregate({ _sum: { costMicroUsd: true }, where: { ...scope, startedAt: { gte: hourAgo } } }),
      ]);
      const spent = period._sum.costMicroUsd ?? 0n;
      const amount = BigInt(budget.amountMicroUsd);
      return {
        budget,
        periodStart: start,
        periodEnd: periodEnd(budget.period as BudgetPeriod, now),
        spentMicroUsd: spent,
        remainingMicroUsd: amount - spent,
        burnRateMicroUsdPerDay: (lastHour._sum.costMicroUsd ?? 0n) * 24n,
        thresholdsReached: budget.alertThresholds.filter((pct) => spent * 100n >= amount * BigInt(pct)),
        exhausted: spent >= amount,
      };
    }),
  );
  return { teamId, at: now, budgets: usage };
}

/** The status of a team the caller may read; another team's id is "not found", like a missing one. */
export async function budgetStatusFor(ctx: GraphQLContext, teamId: string): Promise<TeamBudgetStatus> {
  await findTeamOrThrow(ctx, teamId);
  return teamBudgetStatus(ctx.prisma, teamId);
}
