import { Repeater } from 'graphql-yoga';
import { type BudgetUsage, budgetStatusFor, type TeamBudgetStatus, teamBudgetStatus } from '../domain/budgets/budget-status.ts';
import { BUDGET_SCOPES, deleteBudget, SetBudgetInput as SetBudgetSchema, setBudget } from '../domain/budgets/budgets.ts';
import { NotFoundError } from '../domain/errors.ts';
import { readable } from '../domain/visibility.ts';
import { builder } from './builder.ts';
import { enumFrom } from './common.ts';
import { withDomainErrors } from './errors.ts';
import { BudgetPeriod } from './plan.ts';
import { inputTypeFrom } from './zod-input.ts';

export const BudgetScope = enumFrom('BudgetScope', BUDGET_SCOPES, 'KEY and TEAM budgets belong to a team; MODEL budgets cap a model across the platform.');

builder.prismaObject('Budget', {
  description: 'A spending cap on a key, a team, or a model across the platform, for one period.',
  fields: (t) => ({
    id: t.exposeID('id'),
    scope: t.field({ type: BudgetScope, resolve: (budget) => budget.scope }),
    scopeId: t.exposeID('scopeId', { description: 'The key, team or model id.' }),
    amount: t.expose('amountMicroUsd', { type: 'MicroUSD' }),
    period: t.field({ type: BudgetPeriod, resolve: (budget) => budget.period }),
    hard: t.exposeBoolean('hard', { description: 'Hard budgets reject requests once spent; soft ones only alert.' }),
    alertThresholds: t.exposeIntList('alertThresholds', { description: 'Percentages at which alerts fire.' }),
    team: t.relation('team', { nullable: true }),
    apiKey: t.relation('apiKey', { nullable: true }),
    model: t.relation('model', { nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

builder.queryFields((t) => ({
  budgets: t.prismaConnection({
    type: 'Budget',
    cursor: 'id',
    description: 'Stored budgets. Plan templates as applied to a team show in budgetStatus.',
    args: { teamId: t.arg.id(), scope: t.arg({ type: BudgetScope }) },
    resolve: (query, _root, args, ctx) =>
      ctx.prisma.budget.findMany({
        ...query,
        where: { AND: [readable.budget(ctx.principal), { teamId: args.teamId ? String(args.teamId) : undefined, scope: args.scope ?? undefined }] },
        orderBy: { createdAt: 'asc' },
      }),
  }),
  budget: t.prismaField({
    type: 'Budget',
    nullable: true,
    args: { id: t.arg.id({ required: true }) },
    resolve: (query, _root, args, ctx) => ctx.prisma.budget.findFirst({ ...query, where: { AND: [readable.budget(ctx.principal), { id: String(args.id) }] } }),
  }),
}));

const SetBudgetInput = inputTypeFrom('SetBudgetInput', SetBudgetSchema, {
  description: 'Creates the budget of a target for a period, or replaces it.',
  fields: { amountMicroUsd: { name: 'amount' } },
});

builder.mutationFields((t) => ({
  setBudget: t.prismaField({
    type: 'Budget',
    description: "Key budgets: the key's team admins. Team and model budgets: the platform admin.",
    args: { input: t.arg({ type: SetBudgetInput, required: true }) },
    errors: {},
    resolve: (_query, _root, args, ctx) => {
      const { amount, ...rest } = args.input;
      return setBudget(ctx, { ...rest, amountMicroUsd: amount });
    },
  }),
  deleteBudget: t.field({
    type: 'ID',
    args: { id: t.arg.id({ required: true }) },
    errors: {},
    resolve: (_root, args, ctx) => deleteBudget(ctx, String(args.id)),
  }),
}));

// ---- budget status ------------------------------------------------------------------------------

const BudgetUsageRef = builder.objectRef<BudgetUsage>('BudgetUsage').implement({
  description: 'Where one budget stands in its current period. Money in integer micro-USD.',
  fields: (t) => ({
    budgetId: t.id({ description: 'A stored budget id, or `plan:<planId>:team:<teamId>` for a plan template.', resolve: (u) => u.budget.id }),
    scope: t.field({ type: BudgetScope, resolve: (u) => u.budget.scope }),
    scopeId: t.id({ resolve: (u) => u.budget.scopeId }),
    period: t.field({ type: BudgetPeriod, resolve: (u) => u.budget.period }),
    hard: t.boolean({ resolve: (u) => u.budget.hard }),
    fromPlan: t.boolean({ description: "Derived from the team's plan template.", resolve: (u) => u.budget.id.startsWith('plan:') }),
    amount: t.field({ type: 'MicroUSD', resolve: (u) => BigInt(u.budget.amountMicroUsd) }),
    spent: t.expose('spentMicroUsd', { type: 'MicroUSD' }),
    remaining: t.expose('remainingMicroUsd', { type: 'MicroUSD', description: 'Negative when spend went past the amount.' }),
    burnRatePerDay: t.expose('burnRateMicroUsdPerDay', { type: 'MicroUSD', description: 'Spend of the last hour times 24.' }),
    thresholdsReached: t.exposeIntList('thresholdsReached'),
    exhausted: t.exposeBoolean('exhausted'),
    periodStart: t.expose('periodStart', { type: 'DateTime' }),
    periodEnd: t.expose('periodEnd', { type: 'DateTime', nullable: true }),
  }),
});

const BudgetStatus = builder.objectRef<TeamBudgetStatus>('BudgetStatus').implement({
  description: "A team's budgets (its own, its plan's and its keys') with spend from stored usage events.",
  fields: (t) => ({
    teamId: t.exposeID('teamId'),
    at: t.expose('at', { type: 'DateTime' }),
    budgets: t.field({ type: [BudgetUsageRef], resolve: (status) => status.budgets }),
  }),
});

builder.queryFields((t) => ({
  budgetStatus: t.field({
    type: BudgetStatus,
    nullable: true,
    args: { teamId: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) => budgetStatusFor(ctx, String(args.teamId)).catch((error) => (error instanceof NotFoundError ? null : Promise.reject(error))),
  }),
}));

builder.subscriptionFields((t) => ({
  budgetStatus: t.field({
    type: BudgetStatus,
    description: "The team's budget status now, then again after each batch of its usage is stored.",
    args: { teamId: t.arg.id({ required: true }) },
    // Checked when subscribing: a foreign team is refused before any event could flow.
    subscribe: (_root, args, ctx) =>
      withDomainErrors(async () => {
        const teamId = String(args.teamId);
        const first = await budgetStatusFor(ctx, teamId);
        // A Repeater, not an async generator: unsubscribing must end the wait for the next usage
        // batch at once (a generator would only notice at that batch, keeping the listener).
        return new Repeater<TeamBudgetStatus>(async (push, stop) => {
          const changes = ctx.live.subscribe('budget', teamId);
          void stop.then(() => changes.return?.());
          await push(first);
          for await (const _ of changes) await push(await teamBudgetStatus(ctx.prisma, teamId));
          stop();
        });
      }),
    resolve: (status) => status,
  }),
}));
