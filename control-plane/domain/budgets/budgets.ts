import { z } from 'zod';
import type { GraphQLContext } from '../../context.ts';
import { requirePlatformAdmin, requireTeamRole } from '../access.ts';
import { NotFoundError } from '../errors.ts';
import { alertThresholds, budgetPeriod, id, microUsd } from '../fields.ts';
import { runMutation, type Tx } from '../mutate.ts';
import { validate } from '../validate.ts';

export const BUDGET_SCOPES = ['key', 'team', 'model'] as const;
export type BudgetScope = (typeof BUDGET_SCOPES)[number];

/** Amount, period, hard or soft, alert thresholds: a budget without its target. */
export const BudgetFields = z.object({
  amountMicroUsd: microUsd.describe('Integer micro-USD, not negative.'),
  period: budgetPeriod,
  /** Hard (default) rejects requests once spent; soft only alerts. */
  hard: z.boolean().nullish().describe('Default true.'),
  alertThresholds: alertThresholds.nullish().describe('Percentages, e.g. [50, 80, 100].'),
});

export const SetBudgetInput = BudgetFields.extend({ scope: z.enum(BUDGET_SCOPES), scopeId: id });

interface Target {
  teamId: string | null;
  apiKeyId: string | null;
  modelId: string | null;
}

/**
 * Who may budget what: a key's budget is its team's admins'; a team's budget (a cap on what the
 * team may spend) and a platform-wide budget per model are the platform admin's alone.
 */
async function resolveTarget(ctx: GraphQLContext, tx: Tx, scope: BudgetScope, scopeId: string): Promise<Target> {
  switch (scope) {
    case 'key': {
      const key = await tx.apiKey.findUnique({ where: { id: scopeId }, select: { teamId: true } });
      if (!key) throw new NotFoundError('ApiKey', scopeId);
      requireTeamRole(ctx.principal, key.teamId, 'admin', 'ApiKey', scopeId);
      return { teamId: key.teamId, apiKeyId: scopeId, modelId: null };
    }
    case 'team': {
      // A foreign team is "not found" before "forbidden" can tell it exists.
      requireTeamRole(ctx.principal, scopeId, 'viewer', 'Team', scopeId);
      if (!(await tx.team.findUnique({ where: { id: scopeId }, select: { id: true } }))) throw new NotFoundError('Team', scopeId);
      requirePlatformAdmin(ctx.principal);
      return { teamId: scopeId, apiKeyId: null, modelId: null };
    }
    case 'model': {
      requirePlatformAdmin(ctx.principal);
      if (!(await tx.model.findUnique({ where: { id: scopeId }, select: { id: true } }))) throw new NotFoundError('Model', scopeId);
      return { teamId: null, apiKeyId: null, modelId: scopeId };
    }
  }
}

/** Creates or replaces the budget of one target for one period. */
export async function setBudget(ctx: GraphQLContext, input: unknown) {
  const data = validate(SetBudgetInput, input);
  return runMutation(ctx, 'setBudget', async (tx) => {
    const target = await resolveTarget(ctx, tx, data.scope, data.scopeId);
    const values = { amountMicroUsd: data.amountMicroUsd, hard: data.hard ?? true, alertThresholds: data.alertThresholds ?? [] };
    const budget = await tx.budget.upsert({
      where: { scope_scopeId_period: { scope: data.scope, scopeId: data.scopeId, period: data.period } },
      create: { scope: data.scope, scopeId: data.scopeId, period: data.period, ...target, ...values },
      update: values,
    });
    return { result: budget, audit: { entity: 'Budget', entityId: budget.id, teamId: budget.teamId, changes: data } };
  });
}

export async function deleteBudget(ctx: GraphQLContext, budgetId: string) {
  return runMutation(ctx, 'deleteBudget', async (tx) => {
    const budget = await tx.budget.findUnique({ where: { id: budgetId } });
    if (!budget) throw new NotFoundError('Budget', budgetId);
    try {
      await resolveTarget(ctx, tx, budget.scope as BudgetScope, budget.scopeId);
    } catch (error) {
      if (error instanceof NotFoundError) throw new NotFoundError('Budget', budgetId);
      throw error;
    }
    await tx.budget.delete({ where: { id: budgetId } });
    return {
      result: budgetId,
      audit: { entity: 'Budget', entityId: budgetId, teamId: budget.teamId, changes: { scope: budget.scope, scopeId: budget.scopeId, period: budget.period } },
    };
  });
}
