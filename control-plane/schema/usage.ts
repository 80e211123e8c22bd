import { findTeamOrThrow } from '../domain/teams/teams.ts';
import { readable } from '../domain/visibility.ts';
import { storedRow } from '../usage/usage-row.ts';
import { builder } from './builder.ts';
import { withDomainErrors } from './errors.ts';

builder.prismaObject('UsageEvent', {
  description: 'One upstream attempt, metered by a data plane and stored once.',
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
    cacheWriteTokens: t.exposeInt('cacheWriteTokens', { description: 'Part of promptTokens written to the prompt cache, priced at the cache-write price.' }),
    reasoningTokens: t.exposeInt('reasoningTokens', { description: 'Part of completionTokens spent reasoning (billed as output).' }),
    adjustmentOf: t.exposeID('adjustmentOf', {
      nullable: true,
      description: 'Set on a re-rating adjustment (`rerate`): the attempt whose cost it corrects; its cost is the signed difference, its tokens 0.',
    }),
    cost: t.expose('costMicroUsd', { type: 'MicroUSD', description: 'What the team is charged: provider cost plus the plan markup, integer micro-USD.' }),
    providerCost: t.expose('providerCostMicroUsd', { type: 'MicroUSD', nullable: true, description: 'The provider price before markup.' }),
    priceVersion: t.exposeString('priceVersion', { nullable: true, description: 'The price version the cost was computed at.' }),
    byok: t.exposeBoolean('byok', { description: "Served by the team's own provider: no markup, no credits drawn." }),
    outcome: t.exposeString('outcome', { description: 'ok, upstream_error, aborted, timeout or blocked (by a guardrail).' }),
    guardrail: t.exposeString('guardrail', { nullable: true, description: 'With outcome blocked: the name of the guardrail that blocked the request.' }),
    streamed: t.exposeBoolean('streamed'),
    estimated: t.exposeBoolean('estimated', { description: 'True when tokens were counted locally.' }),
    status: t.exposeInt('status'),
    latencyMs: t.exposeInt('latencyMs'),
    ttfbMs: t.exposeInt('ttfbMs', { nullable: true }),
    snapshotVersion: t.exposeInt('snapshotVersion'),
    startedAt: t.expose('startedAt', { type: 'DateTime' }),
    tags: t.exposeStringList('tags', { description: "The request's tags (`x-tollgate-tags`, `metadata.tags`)." }),
    metadata: t.expose('metadata', { type: 'JSON', nullable: true, description: "The request body's `metadata` string pairs (`tags` left out)." }),
  }),
});

builder.queryFields((t) => ({
  usageEvents: t.prismaConnection({
    type: 'UsageEvent',
    // The primary key: an event id is unique within its start time (raw events are partitioned by it).
    cursor: 'id_startedAt',
    args: {
      teamId: t.arg.id({ required: true }),
      apiKeyId: t.arg.id(),
      model: t.arg.string(),
      tag: t.arg.string({ description: 'Only events of requests that carried this tag.' }),
      from: t.arg({ type: 'DateTime', description: 'Attempts started at or after.' }),
      to: t.arg({ type: 'DateTime', description: 'Attempts started before.' }),
    },
    resolve: (query, _root, args, ctx) =>
      ctx.prisma.usageEvent.findMany({
        ...query,
        where: {
          AND: [
            readable.usageEvent(ctx.principal),
            {
              teamId: String(args.teamId),
              apiKeyId: args.apiKeyId ? String(args.apiKeyId) : undefined,
              model: args.model ?? undefined,
              tags: args.tag ? { has: args.tag } : undefined,
              startedAt: { gte: args.from ?? undefined, lt: args.to ?? undefined },
            },
          ],
        },
        orderBy: { startedAt: 'desc' },
      }),
  }),
}));

builder.subscriptionFields((t) => ({
  usage: t.prismaField({
    type: 'UsageEvent',
    description: 'Every usage event of the team, once, as soon as it is stored.',
    args: { teamId: t.arg.id({ required: true }) },
    // Checked when subscribing: a foreign team is refused before any event could flow.
    subscribe: (_root, args, ctx) =>
      withDomainErrors(async () => {
        await findTeamOrThrow(ctx, String(args.teamId));
        return ctx.live.subscribe('storedUsage', String(args.teamId));
      }),
    resolve: (_query, stored) => storedRow(stored),
  }),
}));
