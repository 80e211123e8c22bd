import type { BudgetPeriod, SnapshotBudget } from '../../../shared/snapshot/schema.ts';

/** The budget columns of a Budget row and of a Plan's template, as read from the database. */
export interface BudgetRow {
  id: string;
  scope: string;
  scopeId: string;
  amountMicroUsd: bigint;
  period: string;
  hard: boolean;
  alertThresholds: number[];
}

export interface TeamOnPlan {
  id: string;
  plan: {
    id: string;
    budgetAmountMicroUsd: bigint | null;
    budgetPeriod: string | null;
    budgetHard: boolean;
    budgetAlertThresholds: number[];
  } | null;
}

/** The id of a budget derived from a plan's template for one team: stable, so hashes are too. */
export const planBudgetId = (planId: string, teamId: string) => `plan:${planId}:team:${teamId}`;

/**
 * Every budget in force: the stored ones, plus each team's plan template, unless the team has a
 * budget of its own for the same period (the more specific one wins). Derived at compile time,
 * so moving a team to another plan moves its budget with it, in the same snapshot.
 */
export function effectiveBudgets(rows: BudgetRow[], teams: TeamOnPlan[]): SnapshotBudget[] {
  const stored = rows.map(toSnapshotBudget);
  const ownTeamPeriods = new Set(rows.filter((r) => r.scope === 'team').map((r) => `${r.scopeId}/${r.period}`));
  const derived: SnapshotBudget[] = [];
  for (const team of teams) {
    const plan = team.plan;
    if (!plan || plan.budgetAmountMicroUsd === null || plan.budgetPeriod === null) continue;
    if (ownTeamPeriods.has(`${team.id}/${plan.budgetPeriod}`)) continue;
    derived.push({
      id: planBudgetId(plan.id, team.id),
      scope: 'team',
      scopeId: team.id,
      amountMicroUsd: Number(plan.budgetAmountMicroUsd),
      period: plan.budgetPeriod as BudgetPeriod,
      hard: plan.budgetHard,
      alertThresholds: plan.budgetAlertThresholds,
    });
  }
  return [...stored, ...derived].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

function toSnapshotBudget(row: BudgetRow): SnapshotBudget {
  return {
    id: row.id,
    scope: row.scope as SnapshotBudget['scope'],
    scopeId: row.scopeId,
    amountMicroUsd: Number(row.amountMicroUsd),
    period: row.period as BudgetPeriod,
    hard: row.hard,
    alertThresholds: row.alertThresholds,
  };
}
