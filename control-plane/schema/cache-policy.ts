import {
  CACHE_POLICY_SCOPES,
  deleteCachePolicy,
  readableCachePolicies,
  SetCachePolicyInput as SetCachePolicySchema,
  setCachePolicy,
} from '../domain/cache-policies/cache-policies.ts';
import { builder } from './builder.ts';
import { enumFrom } from './common.ts';
import { inputTypeFrom } from './zod-input.ts';

export const CachePolicyScope = enumFrom(
  'CachePolicyScope',
  CACHE_POLICY_SCOPES,
  "The level a response-cache policy applies at; a key's wins over its team's, a team's over its plan's.",
);

builder.prismaObject('CachePolicy', {
  description: 'The response cache of a plan, a team or a key: off unless a policy switches it on (docs/cache.md).',
  fields: (t) => ({
    id: t.exposeID('id'),
    scope: t.field({ type: CachePolicyScope, resolve: (policy) => policy.scope }),
    scopeId: t.exposeID('scopeId', { description: 'The plan, team or key id.' }),
    enabled: t.exposeBoolean('enabled', { description: 'False switches the cache off at this level, whatever a wider level says.' }),
    ttlSeconds: t.exposeInt('ttlSeconds', { description: 'How long an answer is served from the cache; a request may shorten it (x-tollgate-cache-ttl).' }),
    deterministicOnly: t.exposeBoolean('deterministicOnly', { description: 'Only requests with temperature 0 or a seed are cached.' }),
    hitPrice: t.expose('hitPriceMicroUsd', { type: 'MicroUSD', description: "What a cache hit costs the plan's teams (plan policies; 0 elsewhere)." }),
    team: t.relation('team', { nullable: true }),
    apiKey: t.relation('apiKey', { nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

builder.queryFields((t) => ({
  cachePolicies: t.prismaConnection({
    type: 'CachePolicy',
    cursor: 'id',
    description: "Response-cache policies. Teams see their own team's and keys'; plan policies are the platform admin's.",
    args: { teamId: t.arg.id(), scope: t.arg({ type: CachePolicyScope }) },
    resolve: (query, _root, args, ctx) =>
      ctx.prisma.cachePolicy.findMany({
        ...query,
        where: { AND: [readableCachePolicies(ctx.principal), { teamId: args.teamId ? String(args.teamId) : undefined, scope: args.scope ?? undefined }] },
        orderBy: { createdAt: 'asc' },
      }),
  }),
}));

const SetCachePolicyInput = inputTypeFrom('SetCachePolicyInput', SetCachePolicySchema, {
  description: 'Creates the response-cache policy of a plan, a team or a key, or replaces it.',
  fields: { hitPriceMicroUsd: { name: 'hitPrice' } },
});

builder.mutationFields((t) => ({
  setCachePolicy: t.prismaField({
    type: 'CachePolicy',
    description: "Plan policies: the platform admin. Team and key policies: the team's admins.",
    args: { input: t.arg({ type: SetCachePolicyInput, required: true }) },
    errors: {},
    resolve: (_query, _root, args, ctx) => {
      const { hitPrice, ...rest } = args.input;
      return setCachePolicy(ctx, { ...rest, hitPriceMicroUsd: hitPrice });
    },
  }),
  deleteCachePolicy: t.field({
    type: 'ID',
    args: { id: t.arg.id({ required: true }) },
    errors: {},
    resolve: (_root, args, ctx) => deleteCachePolicy(ctx, String(args.id)),
  }),
}));
