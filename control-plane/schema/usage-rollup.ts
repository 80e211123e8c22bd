import { findTeamOrThrow } from '../domain/teams/teams.ts';
import { type TagRollupRow, tagRollup } from '../usage/tag-rollup.ts';
import { USAGE_DIMENSIONS, type UsageDimension, type UsageRollupRow as UsageRollupRowData, usageRollup } from '../usage/usage-rollup.ts';
import { builder } from './builder.ts';
import { withDomainErrors } from './errors.ts';

const UsageDimensionEnum = builder.enumType('UsageDimension', {
  description: 'What usage rollups are grouped by. DAY is the UTC day the attempt started.',
  values: USAGE_DIMENSIONS,
});

const UsageRollupRow = builder.objectRef<UsageRollupRowData>('UsageRollupRow').implement({
  description: 'Usage summed over the group; a dimension not grouped by is null.',
  fields: (t) => ({
    day: t.exposeString('day', { nullable: true, description: 'YYYY-MM-DD (UTC).' }),
    model: t.exposeString('model', { nullable: true }),
    provider: t.exposeString('provider', { nullable: true }),
    apiKeyId: t.exposeID('apiKeyId', { nullable: true }),
    endUser: t.exposeString('endUser', { nullable: true }),
    requests: t.exposeInt('requests', { description: 'Requests, each counted once: in the group of its first attempt.' }),
    attempts: t.exposeInt('attempts', { description: 'Upstream attempts (usage events).' }),
    promptTokens: t.exposeInt('promptTokens'),
    completionTokens: t.exposeInt('completionTokens'),
    cachedTokens: t.exposeInt('cachedTokens'),
    cost: t.expose('cost', { type: 'MicroUSD', description: 'What the team was charged (markup included), integer micro-USD.' }),
    cacheHits: t.exposeInt('cacheHits', { description: 'Requests answered from the response cache (no upstream attempt).' }),
    cacheHitRate: t.float({
      description: 'cacheHits / requests, 0 without requests.',
      resolve: (row) => (row.requests === 0 ? 0 : row.cacheHits / row.requests),
    }),
    cacheSaved: t.expose('cacheSaved', {
      type: 'MicroUSD',
      description: "What the cache hits' answers cost when they were stored (markup included): the money the cache saved, integer micro-USD.",
    }),
  }),
});

builder.queryFields((t) => ({
  usageRollup: t.field({
    type: [UsageRollupRow],
    description:
      "The team's usage over the UTC days that overlap [from, to), grouped by the given dimensions, from the daily usage counters (kept after raw events expire).",
    args: {
      teamId: t.arg.id({ required: true }),
      groupBy: t.arg({ type: [UsageDimensionEnum], required: true }),
      from: t.arg({ type: 'DateTime', required: true }),
      to: t.arg({ type: 'DateTime', required: true }),
    },
    // A foreign team answers exactly like a missing one (NOT_FOUND).
    resolve: (_root, args, ctx) =>
      withDomainErrors(async () => {
        await findTeamOrThrow(ctx, String(args.teamId));
        return usageRollup(ctx.prisma, { teamId: String(args.teamId), groupBy: args.groupBy as UsageDimension[], from: args.from, to: args.to });
      }),
  }),
}));

const UsageTagRow = builder.objectRef<TagRollupRow>('UsageTagRow').implement({
  description: 'Usage of the requests that carried one tag. An event with several tags counts in each: rows overlap.',
  fields: (t) => ({
    tag: t.exposeString('tag'),
    day: t.exposeString('day', { nullable: true, description: 'YYYY-MM-DD (UTC) when grouped by day, else null.' }),
    requests: t.exposeInt('requests', { description: 'Requests, each counted once (its first attempt).' }),
    attempts: t.exposeInt('attempts', { description: 'Upstream attempts (usage events).' }),
    promptTokens: t.exposeInt('promptTokens'),
    completionTokens: t.exposeInt('completionTokens'),
    cachedTokens: t.exposeInt('cachedTokens'),
    cost: t.expose('cost', { type: 'MicroUSD', description: 'What the team was charged (markup included), integer micro-USD.' }),
    byokCost: t.expose('byokCost', { type: 'MicroUSD', description: "The part of cost served by the team's own providers (no credits drawn)." }),
    cacheHits: t.exposeInt('cacheHits', { description: 'Requests answered from the response cache.' }),
    cacheSaved: t.expose('cacheSaved', { type: 'MicroUSD', description: "What the cache hits' answers cost when they were stored." }),
  }),
});

builder.queryFields((t) => ({
  spendByTag: t.field({
    type: [UsageTagRow],
    description:
      "The team's usage per request tag (`x-tollgate-tags`, `metadata.tags`) over the UTC days that overlap [from, to), from the tag counters (kept after raw events expire). Untagged usage is in no row.",
    args: {
      teamId: t.arg.id({ required: true }),
      from: t.arg({ type: 'DateTime', required: true }),
      to: t.arg({ type: 'DateTime', required: true }),
      byDay: t.arg.boolean({ defaultValue: false, description: 'One row per tag and UTC day instead of per tag.' }),
      tags: t.arg.stringList({ description: 'Only these tags.' }),
    },
    // Authorized as usageRollup: a foreign team answers exactly like a missing one (NOT_FOUND).
    resolve: (_root, args, ctx) =>
      withDomainErrors(async () => {
        await findTeamOrThrow(ctx, String(args.teamId));
        return tagRollup(ctx.prisma, { teamId: String(args.teamId), from: args.from, to: args.to, byDay: args.byDay ?? false, tags: args.tags });
      }),
  }),
}));
