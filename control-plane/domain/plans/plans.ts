import { z } from 'zod';
import type { GraphQLContext } from '../../context.ts';
import { requirePlatformAdmin } from '../access.ts';
import { BudgetFields } from '../budgets/budgets.ts';
import { ConflictError, NotFoundError } from '../errors.ts';
import { checkModelNames, checkReferences, defined, id, Limits, limitColumns, modelName, slug } from '../fields.ts';
import { runMutation } from '../mutate.ts';
import { withConflictCheck } from '../prisma-errors.ts';
import { validate } from '../validate.ts';

export const BILLING_MODES = ['prepaid', 'postpaid'] as const;

const planFields = {
  description: z.string().max(2000).nullish(),
  allowedModels: z.array(modelName).max(500).describe('Model names; empty means every model.'),
  limits: Limits.nullish(),
  /** The budget every team on the plan gets (unless the team has its own budget for that period). */
  budget: BudgetFields.nullish(),
  markupBasisPoints: z.number().int().min(0, 'markup cannot be negative').max(100_000, 'markup is at most 1000 %').describe('1500 = 15 %.'),
  billing: z.enum(BILLING_MODES),
  routingProfileId: id.nullish(),
  fallbackChainId: id.nullish(),
};

export const CreatePlanInput = z.object({
  name: slug,
  ...planFields,
  allowedModels: planFields.allowedModels.nullish(),
  markupBasisPoints: planFields.markupBasisPoints.nullish(),
  billing: planFields.billing.nullish(),
});

export const UpdatePlanInput = z.object({
  id,
  ...planFields,
  allowedModels: planFields.allowedModels.optional(),
  markupBasisPoints: planFields.markupBasisPoints.optional(),
  billing: planFields.billing.optional(),
});

type PlanChanges = Omit<z.infer<typeof UpdatePlanInput>, 'id'>;

function budgetColumns(budget: z.infer<typeof BudgetFields> | null | undefined) {
  if (budget === undefined) return {};
  return {
    budgetAmountMicroUsd: budget?.amountMicroUsd ?? null,
    budgetPeriod: budget?.period ?? null,
    budgetHard: budget?.hard ?? true,
    budgetAlertThresholds: budget?.alertThresholds ?? [],
  };
}

function planColumns(data: PlanChanges) {
  const { limits, budget, allowedModels, ...rest } = data;
  return {
    ...defined(rest),
    ...(allowedModels === undefined ? {} : { allowedModels: [...new Set(allowedModels)] }),
    ...limitColumns(limits),
    ...budgetColumns(budget),
  };
}

/** A new tier. Its models must exist; an empty list allows every model. */
export async function createPlan(ctx: GraphQLContext, input: unknown) {
  requirePlatformAdmin(ctx.principal);
  const data = validate(CreatePlanInput, input);
  return runMutation(ctx, 'createPlan', async (tx) => {
    await checkModelNames(tx, data.allowedModels ?? [], 'allowedModels');
    await checkReferences(tx, data);
    const { name, ...rest } = data;
    const plan = await withConflictCheck('name', `a plan named "${name}" already exists`, () =>
      tx.plan.create({
        data: {
          name,
          ...planColumns({
            ...rest,
            allowedModels: rest.allowedModels ?? [],
            markupBasisPoints: rest.markupBasisPoints ?? 0,
            billing: rest.billing ?? 'postpaid',
          }),
        },
      }),
    );
    return { result: plan, audit: { entity: 'Plan', entityId: plan.id, teamId: null, changes: data } };
  });
}

/** Changes a tier; every team on it picks the change up in the same next snapshot. */
export async function updatePlan(ctx: GraphQLContext, input: unknown) {
  requirePlatformAdmin(ctx.principal);
  const data = validate(UpdatePlanInput, input);
  return runMutation(ctx, 'updatePlan', async (tx) => {
    if (!(await tx.plan.findUnique({ where: { id: data.id }, select: { id: true } }))) throw new NotFoundError('Plan', data.id);
    if (data.allowedModels) await checkModelNames(tx, data.allowedModels, 'allowedModels');
    await checkReferences(tx, data);
    const { id: planId, ...changes } = data;
    const plan = await tx.plan.update({ where: { id: planId }, data: planColumns(changes) });
    return { result: plan, audit: { entity: 'Plan', entityId: plan.id, teamId: null, changes } };
  });
}

/** Deletes a tier no team is on. */
export async function deletePlan(ctx: GraphQLContext, planId: string) {
  requirePlatformAdmin(ctx.principal);
  return runMutation(ctx, 'deletePlan', async (tx) => {
    const plan = await tx.plan.findUnique({ where: { id: planId }, include: { _count: { select: { teams: true } } } });
    if (!plan) throw new NotFoundError('Plan', planId);
    if (plan._count.teams > 0) throw new ConflictError(`${plan._count.teams} team(s) are on plan "${plan.name}"; move them first`, 'teams');
    await tx.plan.delete({ where: { id: planId } });
    return { result: planId, audit: { entity: 'Plan', entityId: planId, teamId: null, changes: { name: plan.name } } };
  });
}
