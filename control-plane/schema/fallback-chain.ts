import { FALLBACK_TRIGGERS } from '../../shared/snapshot/schema.ts';
import {
  CreateFallbackChainInput as CreateFallbackChainSchema,
  createFallbackChain,
  deleteFallbackChain,
  UpdateFallbackChainInput as UpdateFallbackChainSchema,
  updateFallbackChain,
} from '../domain/fallback-chains/fallback-chains.ts';
import { builder } from './builder.ts';
import { enumFrom } from './common.ts';
import { inputTypeFrom } from './zod-input.ts';

export const FallbackTrigger = enumFrom('FallbackTrigger', FALLBACK_TRIGGERS, 'RATE_LIMIT is a 429, SERVER_ERROR a 5xx.');

builder.prismaObject('FallbackChain', {
  description: 'Models to try, in order, after the primary fails with one of the triggers. Attach it to a model, plan, team or key; the most specific wins.',
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    description: t.exposeString('description', { nullable: true }),
    triggers: t.field({ type: [FallbackTrigger], resolve: (chain) => chain.triggers }),
    models: t.prismaField({
      type: ['Model'],
      description: 'In the order they are tried.',
      resolve: async (query, chain, _args, ctx) => {
        const entries = await ctx.prisma.fallbackChainEntry.findMany({
          where: { chainId: chain.id },
          orderBy: { position: 'asc' },
          include: { model: Object.keys(query).length ? query : true },
        });
        return entries.map((entry) => entry.model);
      },
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

builder.queryFields((t) => ({
  fallbackChains: t.prismaConnection({
    type: 'FallbackChain',
    cursor: 'id',
    resolve: (query, _root, _args, ctx) => ctx.prisma.fallbackChain.findMany({ ...query, orderBy: { name: 'asc' } }),
  }),
  fallbackChain: t.prismaField({
    type: 'FallbackChain',
    nullable: true,
    args: { id: t.arg.id({ required: true }) },
    resolve: (query, _root, args, ctx) => ctx.prisma.fallbackChain.findUnique({ ...query, where: { id: String(args.id) } }),
  }),
}));

const CreateFallbackChainInput = inputTypeFrom('CreateFallbackChainInput', CreateFallbackChainSchema);
const UpdateFallbackChainInput = inputTypeFrom('UpdateFallbackChainInput', UpdateFallbackChainSchema);

builder.mutationFields((t) => ({
  createFallbackChain: t.prismaField({
    type: 'FallbackChain',
    description: 'Platform admin.',
    args: { input: t.arg({ type: CreateFallbackChainInput, required: true }) },
    errors: {},
    resolve: (_query, _root, args, ctx) => createFallbackChain(ctx, args.input),
  }),
  updateFallbackChain: t.prismaField({
    type: 'FallbackChain',
    description: 'Platform admin.',
    args: { input: t.arg({ type: UpdateFallbackChainInput, required: true }) },
    errors: {},
    resolve: (_query, _root, args, ctx) => updateFallbackChain(ctx, args.input),
  }),
  deleteFallbackChain: t.field({
    type: 'ID',
    description: 'Platform admin. Only a chain nothing is attached to.',
    args: { id: t.arg.id({ required: true }) },
    errors: {},
    resolve: (_root, args, ctx) => deleteFallbackChain(ctx, String(args.id)),
  }),
}));
