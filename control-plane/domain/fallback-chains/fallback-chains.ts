import { z } from 'zod';
import { FALLBACK_TRIGGERS } from '../../../shared/snapshot/schema.ts';
import type { GraphQLContext } from '../../context.ts';
import { requirePlatformAdmin } from '../access.ts';
import { ConflictError, NotFoundError, ValidationError } from '../errors.ts';
import { defined, id, modelName, slug } from '../fields.ts';
import { runMutation, type Tx } from '../mutate.ts';
import { withConflictCheck } from '../prisma-errors.ts';
import { validate } from '../validate.ts';

const models = z
  .array(modelName)
  .min(1, 'a fallback chain needs at least one model')
  .max(16)
  .refine((list) => new Set(list).size === list.length, 'a model may appear only once in a chain')
  .describe('Model names, in the order they are tried.');
const triggers = z
  .array(z.enum(FALLBACK_TRIGGERS))
  .min(1, 'name at least one trigger')
  .transform((list) => [...new Set(list)].sort());

export const CreateFallbackChainInput = z.object({ name: slug, description: z.string().max(2000).nullish(), models, triggers });
export const UpdateFallbackChainInput = z.object({
  id,
  description: z.string().max(2000).nullish(),
  models: models.optional(),
  triggers: triggers.optional(),
});

/** Chain entries for model names, in order; unknown names are a validation error. */
async function entriesFor(tx: Tx, names: string[]) {
  const rows = await tx.model.findMany({ where: { name: { in: names } }, select: { id: true, name: true } });
  const byName = new Map(rows.map((row) => [row.name, row.id]));
  const unknown = names.filter((name) => !byName.has(name));
  if (unknown.length) throw new ValidationError([{ path: 'models', message: `unknown model(s): ${unknown.join(', ')}` }]);
  return names.map((name, position) => ({ position, modelId: byName.get(name)! }));
}

/**
 * An ordered list of models to try after the primary, and the failures that move on to the next.
 * Attach it to a model, plan, team or key through their `fallbackChainId`; the most specific wins.
 */
export async function createFallbackChain(ctx: GraphQLContext, input: unknown) {
  requirePlatformAdmin(ctx.principal);
  const data = validate(CreateFallbackChainInput, input);
  return runMutation(ctx, 'createFallbackChain', async (tx) => {
    const entries = await entriesFor(tx, data.models);
    const chain = await withConflictCheck('name', `a fallback chain named "${data.name}" already exists`, () =>
      tx.fallbackChain.create({
        data: { name: data.name, description: data.description ?? null, triggers: data.triggers, entries: { create: entries } },
      }),
    );
    return { result: chain, audit: { entity: 'FallbackChain', entityId: chain.id, teamId: null, changes: data } };
  });
}

export async function updateFallbackChain(ctx: GraphQLContext, input: unknown) {
  requirePlatformAdmin(ctx.principal);
  const data = validate(UpdateFallbackChainInput, input);
  return runMutation(ctx, 'updateFallbackChain', async (tx) => {
    if (!(await tx.fallbackChain.findUnique({ where: { id: data.id } }))) throw new NotFoundError('FallbackChain', data.id);
    const { id: chainId, models: names, ...rest } = data;
    if (names) {
      const entries = await entriesFor(tx, names);
      await tx.fallbackChainEntry.deleteMany({ where: { chainId } });
      await tx.fallbackChainEntry.createMany({ data: entries.map((entry) => ({ ...entry, chainId })) });
    }
    const chain = await tx.fallbackChain.update({ where: { id: chainId }, data: defined(rest) });
    return { result: chain, audit: { entity: 'FallbackChain', entityId: chain.id, teamId: null, changes: { ...rest, models: names } } };
  });
}

/** Deletes a chain nothing is attached to. */
export async function deleteFallbackChain(ctx: GraphQLContext, chainId: string) {
  requirePlatformAdmin(ctx.principal);
  return runMutation(ctx, 'deleteFallbackChain', async (tx) => {
    const chain = await tx.fallbackChain.findUnique({
      where: { id: chainId },
      include: { _count: { select: { models: true, plans: true, teams: true, apiKeys: true } } },
    });
    if (!chain) throw new NotFoundError('FallbackChain', chainId);
    const uses = chain._count.models + chain._count.plans + chain._count.teams + chain._count.apiKeys;
    if (uses > 0) throw new ConflictError(`fallback chain "${chain.name}" is attached to ${uses} model(s), plan(s), team(s) or key(s)`, 'id');
    await tx.fallbackChain.delete({ where: { id: chainId } });
    return { result: chainId, audit: { entity: 'FallbackChain', entityId: chainId, teamId: null, changes: { name: chain.name } } };
  });
}
