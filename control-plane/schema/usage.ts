import { builder } from './builder.ts';
import { requireTeamVisible } from './visibility.ts';

builder.prismaObject('UsageEvent', {
  fields: (t) => ({
    id: t.exposeID('id'),
    requestId: t.exposeString('requestId'),
    attempt: t.exposeInt('attempt'),
    teamId: t.exposeID('teamId'),
    apiKeyId: t.exposeID('apiKeyId'),
    model: t.exposeString('model'),
    provider: t.exposeString('provider'),
    endUser: t.exposeString('endUser', { nullable: true }),
    promptTokens: t.exposeInt('promptTokens'),
    completionTokens: t.exposeInt('completionTokens'),
    cachedTokens: t.exposeInt('cachedTokens'),
    cost: t.expose('costMicroUsd', { type: 'MicroUSD', description: 'Integer micro-USD.' }),
    estimated: t.exposeBoolean('estimated', { description: 'True when tokens were counted locally.' }),
    status: t.exposeInt('status'),
    latencyMs: t.exposeInt('latencyMs'),
    ttfbMs: t.exposeInt('ttfbMs', { nullable: true }),
    snapshotVersion: t.exposeInt('snapshotVersion'),
    startedAt: t.expose('startedAt', { type: 'DateTime' }),
  }),
});

builder.queryFields((t) => ({
  usageEvents: t.prismaConnection({
    type: 'UsageEvent',
    cursor: 'id',
    args: { teamId: t.arg.id({ required: true }) },
    resolve: async (query, _root, args, ctx) => {
      await requireTeamVisible(ctx, String(args.teamId));
      return ctx.prisma.usageEvent.findMany({ ...query, where: { teamId: String(args.teamId) }, orderBy: { startedAt: 'desc' } });
    },
  }),
}));

builder.subscriptionFields((t) => ({
  usage: t.prismaField({
    type: 'UsageEvent',
    description: "Every usage event of the team, once, as soon as it is stored.",
    args: { teamId: t.arg.id({ required: true }) },
    subscribe: async (_root, args, ctx) => {
      await requireTeamVisible(ctx, String(args.teamId));
      return ctx.live.subscribe('usage', String(args.teamId));
    },
    resolve: (_query, row) => row,
  }),
}));
