import { creditBalance } from '../domain/credits/credits.ts';
import {
  CreateTeamInput as CreateTeamSchema,
  createTeam,
  deleteTeam,
  SetTeamBlockedInput,
  SetTeamPlanInput,
  setTeamBlocked,
  setTeamPlan,
  UpdateTeamInput as UpdateTeamSchema,
  updateTeam,
} from '../domain/teams/teams.ts';
import { readable } from '../domain/visibility.ts';
import { builder } from './builder.ts';
import { SEARCH_DESCRIPTION } from './common.ts';
import { CreditBalance } from './credits.ts';
import { argsFrom, inputTypeFrom } from './zod-input.ts';

builder.prismaObject('Team', {
  description: 'A tenant: apps and people that share keys, limits, budgets and credits.',
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    slug: t.exposeString('slug'),
    blocked: t.exposeBoolean('blocked', { description: 'A blocked team is refused every request.' }),
    systemPrompt: t.exposeString('systemPrompt', { nullable: true, description: 'Prepended as a system message to every request of the team.' }),
    logPrompts: t.exposeBoolean('logPrompts', {
      description: "The data plane logs each request's prompt and completion, with emails, phone and card numbers masked. Off by default.",
    }),
    plan: t.relation('plan', { nullable: true }),
    routingProfile: t.relation('routingProfile', { nullable: true, description: "Default for the team's requests; a key's own default wins." }),
    fallbackChain: t.relation('fallbackChain', { nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    apiKeys: t.relatedConnection('apiKeys', { cursor: 'id', query: { orderBy: { createdAt: 'asc' } } }),
    members: t.relatedConnection('members', { cursor: 'id', query: { orderBy: { createdAt: 'asc' } } }),
    providers: t.relation('providers', { description: 'Bring-your-own-key providers of the team.', query: { orderBy: { name: 'asc' } } }),
    budgets: t.relation('budgets', {
      description: 'Budgets stored for the team and its keys (a plan template is in budgetStatus).',
      query: { orderBy: { createdAt: 'asc' } },
    }),
    credits: t.field({ type: CreditBalance, resolve: (team, _args, ctx) => creditBalance(ctx.prisma, team.id) }),
    creditTransactions: t.relatedConnection('credits', { cursor: 'id', query: { orderBy: { createdAt: 'desc' } } }),
  }),
});

builder.queryFields((t) => ({
  teams: t.prismaConnection({
    type: 'Team',
    cursor: 'id',
    description: 'Every team for the platform admin; its own team for a member.',
    args: { slug: t.arg.string(), planId: t.arg.id(), blocked: t.arg.boolean(), search: t.arg.string({ description: SEARCH_DESCRIPTION }) },
    resolve: (query, _root, args, ctx) =>
      ctx.prisma.team.findMany({
        ...query,
        where: {
          AND: [
            readable.team(ctx.principal),
            {
              slug: args.slug ?? undefined,
              planId: args.planId ? String(args.planId) : undefined,
              blocked: args.blocked ?? undefined,
              name: args.search ? { contains: args.search, mode: 'insensitive' } : undefined,
            },
          ],
        },
        orderBy: { createdAt: 'asc' },
      }),
  }),
  team: t.prismaField({
    type: 'Team',
    nullable: true,
    args: { id: t.arg.id({ required: true }) },
    resolve: (query, _root, args, ctx) => ctx.prisma.team.findFirst({ ...query, where: { AND: [readable.team(ctx.principal), { id: String(args.id) }] } }),
  }),
}));

const CreateTeamInput = inputTypeFrom('CreateTeamInput', CreateTeamSchema);
const UpdateTeamInput = inputTypeFrom('UpdateTeamInput', UpdateTeamSchema, { description: 'Omitted fields stay as they are; null clears a nullable one.' });

builder.mutationFields((t) => ({
  createTeam: t.prismaField({
    type: 'Team',
    description: 'Platform admin.',
    args: { input: t.arg({ type: CreateTeamInput, required: true }) },
    errors: {},
    resolve: (_query, _root, args, ctx) => createTeam(ctx, args.input),
  }),
  updateTeam: t.prismaField({
    type: 'Team',
    description: "Name, system prompt and defaults: the team's admins and owners.",
    args: { input: t.arg({ type: UpdateTeamInput, required: true }) },
    errors: {},
    resolve: (_query, _root, args, ctx) => updateTeam(ctx, args.input),
  }),
  setTeamPlan: t.prismaField({
    type: 'Team',
    description: "Platform admin. The plan's models, limits, budget, markup and billing apply together in the next snapshot.",
    args: argsFrom(t.arg, SetTeamPlanInput, 'setTeamPlan'),
    errors: {},
    resolve: (_query, _root, args, ctx) => setTeamPlan(ctx, args),
  }),
  setTeamBlocked: t.prismaField({
    type: 'Team',
    description: 'Platform admin.',
    args: argsFrom(t.arg, SetTeamBlockedInput, 'setTeamBlocked'),
    errors: {},
    resolve: (_query, _root, args, ctx) => setTeamBlocked(ctx, args),
  }),
  deleteTeam: t.field({
    type: 'ID',
    description: 'Platform admin. Deletes the team with its keys, members, providers, budgets and credits.',
    args: { id: t.arg.id({ required: true }) },
    errors: {},
    resolve: (_root, args, ctx) => deleteTeam(ctx, String(args.id)),
  }),
}));
