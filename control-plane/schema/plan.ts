import { BUDGET_PERIODS } from '../../shared/snapshot/schema.ts';
import { BudgetFields } from '../domain/budgets/budgets.ts';
import {
  BILLING_MODES,
  CreatePlanInput as CreatePlanSchema,
  createPlan,
  deletePlan,
  UpdatePlanInput as UpdatePlanSchema,
  updatePlan,
} from '../domain/plans/plans.ts';
import { readable } from '../domain/visibility.ts';
import { builder } from './builder.ts';
import { enumFrom, Limits, SEARCH_DESCRIPTION } from './common.ts';
import { inputTypeFrom } from './zod-input.ts';

export const Billing = enumFrom('Billing', BILLING_MODES, 'PREPAID draws on credits; POSTPAID is invoiced afterwards.');
export const BudgetPeriod = enumFrom('BudgetPeriod', BUDGET_PERIODS, 'Calendar-aligned in UTC (weeks start on Monday); TOTAL never resets.');

interface TemplateColumns {
  budgetAmountMicroUsd: bigint | null;
  budgetPeriod: string | null;
  budgetHard: boolean;
  budgetAlertThresholds: number[];
}

const BudgetTemplate = builder.objectRef<TemplateColumns>('BudgetTemplate').implement({
  description: 'The budget every team on the plan gets, unless the team has its own for the same period.',
  fields: (t) => ({
    amount: t.field({ type: 'MicroUSD', resolve: (p) => p.budgetAmountMicroUsd! }),
    period: t.field({ type: BudgetPeriod, resolve: (p) => p.budgetPeriod! }),
    hard: t.exposeBoolean('budgetHard'),
    alertThresholds: t.exposeIntList('budgetAlertThresholds'),
  }),
});

builder.prismaObject('Plan', {
  description: 'A product tier: models, limits, budget template, markup and billing for the teams on it.',
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    description: t.exposeString('description', { nullable: true }),
    allowedModels: t.exposeStringList('allowedModels', { description: 'Model names; empty means every model.' }),
    limits: t.field({ type: Limits, resolve: (plan) => plan }),
    budget: t.field({ type: BudgetTemplate, nullable: true, resolve: (plan) => (plan.budgetAmountMicroUsd === null ? null : plan) }),
    markupBasisPoints: t.exposeInt('markupBasisPoints', {
      description: 'Markup on provider cost: 1500 = 15 %. Never applied to bring-your-own-key providers.',
    }),
    billing: t.field({ type: Billing, resolve: (plan) => plan.billing }),
    routingProfile: t.relation('routingProfile', { nullable: true }),
    fallbackChain: t.relation('fallbackChain', { nullable: true }),
    teams: t.relatedConnection('teams', {
      cursor: 'id',
      query: (_args, ctx) => ({ where: readable.team(ctx.principal), orderBy: { createdAt: 'asc' } }),
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

builder.queryFields((t) => ({
  plans: t.prismaConnection({
    type: 'Plan',
    cursor: 'id',
    description: "Every plan for the platform admin; a member sees its team's plan.",
    args: { search: t.arg.string({ description: SEARCH_DESCRIPTION }) },
    resolve: (query, _root, args, ctx) =>
      ctx.prisma.plan.findMany({
        ...query,
        where: { AND: [readable.plan(ctx.principal), args.search ? { name: { contains: args.search, mode: 'insensitive' } } : {}] },
        orderBy: { name: 'asc' },
      }),
  }),
  plan: t.prismaField({
    type: 'Plan',
    nullable: true,
    args: { id: t.arg.id({ required: true }) },
    resolve: (query, _root, args, ctx) => ctx.prisma.plan.findFirst({ ...query, where: { AND: [readable.plan(ctx.principal), { id: String(args.id) }] } }),
  }),
}));

const BudgetTemplateInput = inputTypeFrom('BudgetTemplateInput', BudgetFields, { fields: { amountMicroUsd: { name: 'amount' } } });

const CreatePlanInput = inputTypeFrom('CreatePlanInput', CreatePlanSchema, { fields: { budget: { type: BudgetTemplateInput } } });
const UpdatePlanInput = inputTypeFrom('UpdatePlanInput', UpdatePlanSchema, {
  description: 'Omitted fields stay as they are; null clears a nullable one.',
  fields: { budget: { type: BudgetTemplateInput } },
});

/** GraphQL's `budget.amount` is the domain's `budget.amountMicroUsd`. */
function toDomain<T extends { budget?: { amount: bigint } | null }>(input: T) {
  if (!input.budget) return input;
  const { amount, ...rest } = input.budget;
  return { ...input, budget: { ...rest, amountMicroUsd: amount } };
}

builder.mutationFields((t) => ({
  createPlan: t.prismaField({
    type: 'Plan',
    description: 'Platform admin.',
    args: { input: t.arg({ type: CreatePlanInput, required: true }) },
    errors: {},
    resolve: (_query, _root, args, ctx) => createPlan(ctx, toDomain(args.input)),
  }),
  updatePlan: t.prismaField({
    type: 'Plan',
    description: 'Platform admin. Every team on the plan picks the change up in the next snapshot.',
    args: { input: t.arg({ type: UpdatePlanInput, required: true }) },
    errors: {},
    resolve: (_query, _root, args, ctx) => updatePlan(ctx, toDomain(args.input)),
  }),
  deletePlan: t.field({
    type: 'ID',
    description: 'Platform admin. Only a plan no team is on.',
    args: { id: t.arg.id({ required: true }) },
    errors: {},
    resolve: (_root, args, ctx) => deletePlan(ctx, String(args.id)),
  }),
}));
