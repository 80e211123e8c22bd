import { z } from 'zod';
import { ROUTING_STRATEGIES } from '../../../shared/snapshot/schema.ts';
import type { GraphQLContext } from '../../context.ts';
import { requirePlatformAdmin } from '../access.ts';
import { ConflictError, NotFoundError } from '../errors.ts';
import { defined, id, slug } from '../fields.ts';
import { runMutation } from '../mutate.ts';
import { withConflictCheck } from '../prisma-errors.ts';
import { validate } from '../validate.ts';

export const CreateRoutingProfileInput = z.object({
  name: slug,
  strategy: z.enum(ROUTING_STRATEGIES),
  description: z.string().max(2000).nullish(),
});

export const UpdateRoutingProfileInput = z.object({
  id,
  strategy: z.enum(ROUTING_STRATEGIES).optional(),
  description: z.string().max(2000).nullish(),
});

/**
 * A "power level" such as eco (cost), balanced (weighted) or precision. Its name is what clients
 * send in the routing header, so it cannot be renamed; teams, plans and keys refer to it by id.
 */
export async function createRoutingProfile(ctx: GraphQLContext, input: unknown) {
  requirePlatformAdmin(ctx.principal);
  const data = validate(CreateRoutingProfileInput, input);
  return runMutation(ctx, 'createRoutingProfile', async (tx) => {
    const profile = await withConflictCheck('name', `a routing profile named "${data.name}" already exists`, () =>
      tx.routingProfile.create({ data: { name: data.name, strategy: data.strategy, description: data.description ?? null } }),
    );
    return { result: profile, audit: { entity: 'RoutingProfile', entityId: profile.id, teamId: null, changes: data } };
  });
}

export async function updateRoutingProfile(ctx: GraphQLContext, input: unknown) {
  requirePlatformAdmin(ctx.principal);
  const data = validate(UpdateRoutingProfileInput, input);
  return runMutation(ctx, 'updateRoutingProfile', async (tx) => {
    if (!(await tx.routingProfile.findUnique({ where: { id: data.id } }))) throw new NotFoundError('RoutingProfile', data.id);
    const { id: profileId, ...changes } = data;
    const profile = await tx.routingProfile.update({ where: { id: profileId }, data: defined(changes) });
    return { result: profile, audit: { entity: 'RoutingProfile', entityId: profile.id, teamId: null, changes } };
  });
}

/** Deletes a profile nothing uses as its default. */
export async function deleteRoutingProfile(ctx: GraphQLContext, profileId: string) {
  requirePlatformAdmin(ctx.principal);
  return runMutation(ctx, 'deleteRoutingProfile', async (tx) => {
    const profile = await tx.routingProfile.findUnique({
      where: { id: profileId },
      include: { _count: { select: { teams: true, plans: true, apiKeys: true } } },
    });
    if (!profile) throw new NotFoundError('RoutingProfile', profileId);
    const uses = profile._count.teams + profile._count.plans + profile._count.apiKeys;
    if (uses > 0) throw new ConflictError(`routing profile "${profile.name}" is the default of ${uses} team(s), plan(s) or key(s)`, 'id');
    await tx.routingProfile.delete({ where: { id: profileId } });
    return { result: profileId, audit: { entity: 'RoutingProfile', entityId: profileId, teamId: null, changes: { name: profile.name } } };
  });
}
