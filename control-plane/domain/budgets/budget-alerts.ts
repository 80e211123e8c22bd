import type { BudgetAlert, PrismaClient } from '../../../generated/prisma/client.ts';
import { type TeamBudgetsLoader, teamsBudgetStatus } from './budget-status.ts';

/**
 * Records an alert for every threshold the period spend of the teams' budgets (stored, plan
 * template, key budgets; soft or hard) has reached and that has no alert yet in this period, and
 * returns the alerts that are new, in threshold order. Idempotent: the unique (budgetId,
 * periodStart, threshold) makes each threshold fire once per period, whichever control plane and
 * however often it runs, so it can run after every stored batch, redelivered or not. Reads the
 * spend counters: its cost depends on the number of teams and budgets, not on the ledger's size.
 */
export async function recordBudgetAlerts(
  prisma: PrismaClient,
  teamIds: readonly string[],
  now = new Date(),
  budgets?: TeamBudgetsLoader,
): Promise<BudgetAlert[]> {
  const statuses = await teamsBudgetStatus(prisma, teamIds, now, { burnRate: false, budgets });
  const data = statuses.flatMap((status) =>
    status.budgets.flatMap((usage) =>
      usage.thresholdsReached.map((threshold) => ({
        budgetId: usage.budget.id,
        teamId: status.teamId,
        periodStart: usage.periodStart,
        threshold,
        spentMicroUsd: usage.spentMicroUsd,
        amountMicroUsd: BigInt(usage.budget.amountMicroUsd),
      })),
    ),
  );
  if (data.length === 0) return [];
  const created = await prisma.budgetAlert.createManyAndReturn({ data, skipDuplicates: true });
  return created.sort((a, b) => a.threshold - b.threshold);
}
