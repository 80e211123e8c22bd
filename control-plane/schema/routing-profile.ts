import { ROUTING_STRATEGIES } from '../../shared/snapshot/schema.ts';
import {
  CreateRoutingProfileInput as CreateRoutingProfileSchema,
  createRoutingProfile,
  deleteRoutingProfile,
  UpdateRoutingProfileInput as UpdateRoutingProfileSchema,
  updateRoutingProfile,
} from '../domain/routing-profiles/routing-profiles.ts';
import { builder } from './builder.ts';
import { enumFrom } from './common.ts';
import { inputTypeFrom } from './zod-input.ts';

export const RoutingStrategy = enumFrom('RoutingStrategy', ROUTING_STRATEGIES, "How a model group's deployments are ordered.");

builder.prismaObject('RoutingProfile', {
  description: 'A named routing policy ("power level"), chosen per request by header or by key, team or plan default.',
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name', { description: 'What clients send in the routing header.' }),
    strategy: t.field({ type: RoutingStrategy, resolve: (profile) => profile.strategy }),
    description: t.exposeString('description', { nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

builder.queryFields((t) => ({
  routingProfiles: t.prismaConnection({
    type: 'RoutingProfile',
    cursor: 'id',
    args: { strategy: t.arg({ type: RoutingStrategy }) },
    resolve: (query, _root, args, ctx) =>
      ctx.prisma.routingProfile.findMany({ ...query, where: { strategy: args.strategy ?? undefined }, orderBy: { name: 'asc' } }),
  }),
  routingProfile: t.prismaField({
    type: 'RoutingProfile',
    nullable: true,
    args: { id: t.arg.id({ required: true }) },
    resolve: (query, _root, args, ctx) => ctx.prisma.routingProfile.findUnique({ ...query, where: { id: String(args.id) } }),
  }),
}));

const CreateRoutingProfileInput = inputTypeFrom('CreateRoutingProfileInput', CreateRoutingProfileSchema);
const UpdateRoutingProfileInput = inputTypeFrom('UpdateRoutingProfileInput', UpdateRoutingProfileSchema);

builder.mutationFields((t) => ({
  createRoutingProfile: t.prismaField({
    type: 'RoutingProfile',
    description: 'Platform admin.',
    args: { input: t.arg({ type: CreateRoutingProfileInput, required: true }) },
    errors: {},
    resolve: (_query, _root, args, ctx) => createRoutingProfile(ctx, args.input),
  }),
  updateRoutingProfile: t.prismaField({
    type: 'RoutingProfile',
    description: 'Platform admin.',
    args: { input: t.arg({ type: UpdateRoutingProfileInput, required: true }) },
    errors: {},
    resolve: (_query, _root, args, ctx) => updateRoutingProfile(ctx, args.input),
  }),
  deleteRoutingProfile: t.field({
    type: 'ID',
    description: 'Platform admin. Only a profile that is no team, plan or key default.',
    args: { id: t.arg.id({ required: true }) },
    errors: {},
    resolve: (_root, args, ctx) => deleteRoutingProfile(ctx, String(args.id)),
  }),
}));
