import type { BudgetAlert, PrismaClient } from '../../../generated/prisma/client.ts';
import { teamBudgetStatus } from './budget-status.ts';

/**
 * Records an alert for every threshold the period spend of a team's budgets (stored, plan
 * template, key budgets; soft or hard) has reached and that has no alert yet in this period, and
 * returns the alerts that are new. Idempotent: the unique (budgetId, periodStart, threshold) makes
 * each threshold fire once per period, whichever control plane and however often it runs, so it
 * can run after every stored batch, redelivered or not.
 */
export async function recordBudgetAlerts(prisma: PrismaClient, teamId: string, now = new Date()): Promise<BudgetAlert[]> {
  const status = await teamBudgetStatus(prisma, teamId, now);
  const data = status.budgets.flatMap((usage) =>
    usage.thresholdsReached.map((threshold) => ({
      budgetId: usage.budget.id,
      teamId,
      periodStart: usage.periodStart,
      threshold,
      spentMicroUsd: usage.spentMicroUsd,
      amountMicroUsd: BigInt(usage.budget.amountMicroUsd),
    })),
  );
  if (data.length === 0) return [];
  const created = await prisma.budgetAlert.createManyAndReturn({ data, skipDuplicates: true });
  return created.sort((a, b) => a.threshold - b.threshold);
}
