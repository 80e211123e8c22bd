import { createTeam } from '../domain/teams/teams.ts';
import { builder } from './builder.ts';

builder.prismaObject('Team', {
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    slug: t.exposeString('slug'),
    blocked: t.exposeBoolean('blocked'),
    systemPrompt: t.exposeString('systemPrompt', { nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    apiKeys: t.relatedConnection('apiKeys', { cursor: 'id', query: { orderBy: { createdAt: 'asc' } } }),
  }),
});

builder.queryFields((t) => ({
  teams: t.prismaConnection({
    type: 'Team',
    cursor: 'id',
    resolve: (query, _root, _args, ctx) => ctx.prisma.team.findMany({ ...query, orderBy: { createdAt: 'asc' } }),
  }),
  team: t.prismaField({
    type: 'Team',
    nullable: true,
    args: { id: t.arg.id({ required: true }) },
    resolve: (query, _root, args, ctx) => ctx.prisma.team.findUnique({ ...query, where: { id: String(args.id) } }),
  }),
}));

const CreateTeamInput = builder.inputType('CreateTeamInput', {
  fields: (t) => ({
    name: t.string({ required: true }),
    slug: t.string({ required: true }),
    systemPrompt: t.string(),
  }),
});

builder.mutationFields((t) => ({
  createTeam: t.prismaField({
    type: 'Team',
    args: { input: t.arg({ type: CreateTeamInput, required: true }) },
    errors: {},
    resolve: (_query, _root, args, ctx) => createTeam(ctx, args.input),
  }),
}));
