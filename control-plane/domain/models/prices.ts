import { z } from 'zod';
import type { GraphQLContext } from '../../context.ts';
import { requirePlatformAdmin } from '../access.ts';
import { NotFoundError } from '../errors.ts';
import { id, microUsd } from '../fields.ts';
import { runMutation } from '../mutate.ts';
import { validate } from '../validate.ts';

/** Integer micro-USD per million tokens. Cached input and cache writes default to the input price. */
export const PriceInput = z.object({
  inputPerMillion: microUsd,
  outputPerMillion: microUsd,
  cachedInputPerMillion: microUsd.nullish(),
  cacheWritePerMillion: microUsd.nullish().describe("Prompt-cache writes (Anthropic's cache_creation_input_tokens)."),
});

export function priceColumns(price: z.infer<typeof PriceInput>, effectiveFrom?: Date) {
  return {
    inputMicroUsdPerMillion: price.inputPerMillion,
    outputMicroUsdPerMillion: price.outputPerMillion,
    cachedInputMicroUsdPerMillion: price.cachedInputPerMillion ?? price.inputPerMillion,
    cacheWriteMicroUsdPerMillion: price.cacheWritePerMillion ?? null,
    ...(effectiveFrom ? { effectiveFrom } : {}),
  };
}

/**
 * The Prisma arguments that select the price version in force at `now`: the latest effectiveFrom
 * at or before it, the latest created among equals (so a correction wins). One rule for the
 * snapshot, config export, GraphQL and `rerate`.
 */
export function inForce(now: Date) {
  return {
    where: { effectiveFrom: { lte: now } },
    orderBy: [{ effectiveFrom: 'desc' as const }, { createdAt: 'desc' as const }],
    take: 1,
  };
}

/** `inForce(now)` for one owner: a model's own prices (`deploymentId: null`) or a deployment's. */
export function priceInForce(owner: { modelId?: string; deploymentId: string | null }, now = new Date()) {
  const query = inForce(now);
  return { ...query, where: { ...query.where, ...owner } };
}

// A little slack for clocks: "now" sent by a client arrives a moment later.
const PAST_TOLERANCE_MS = 60_000;

export const SetModelPriceInput = z
  .object({
    modelId: id,
    deploymentId: id.nullish().describe("A price of this deployment of the model only, overriding the model's."),
    price: PriceInput,
    effectiveFrom: z.date().nullish().describe('Default now; in the past only for a correction.'),
    /**
     * The id of a price version found wrong. The new version takes its effectiveFrom (unless
     * given, and then it may lie in the past) and, created later, wins over it from then on;
     * stored usage keeps its cost until `rerate` recomputes it.
     */
    corrects: id
      .nullish()
      .describe(
        'The id of a price version found wrong: the new version takes its effectiveFrom (or the one given, which may then lie in the past) and wins over it. Stored usage keeps its cost until `rerate` recomputes it.',
      ),
  })
  .refine((d) => d.corrects || !d.effectiveFrom || d.effectiveFrom.getTime() >= Date.now() - PAST_TOLERANCE_MS, {
    path: ['effectiveFrom'],
    message: 'effectiveFrom cannot be in the past: price history is never rewritten (a correction names the version it `corrects`, then `rerate` applies it)',
  });

/**
 * Adds a price version that takes effect at `effectiveFrom` (default now), for the model or one
 * of its deployments, or corrects one. Versions are never changed or deleted, so past usage keeps
 * the price it ran under until a `rerate`; a future version reaches the snapshot when its time
 * comes (the publisher schedules that compile).
 */
export async function setModelPrice(ctx: GraphQLContext, input: unknown) {
  requirePlatformAdmin(ctx.principal);
  const data = validate(SetModelPriceInput, input);
  return runMutation(ctx, 'setModelPrice', async (tx) => {
    if (!(await tx.model.findUnique({ where: { id: data.modelId }, select: { id: true } }))) throw new NotFoundError('Model', data.modelId);
    if (data.deploymentId && !(await tx.deployment.findFirst({ where: { id: data.deploymentId, modelId: data.modelId }, select: { id: true } }))) {
      throw new NotFoundError('Deployment', data.deploymentId);
    }
    let effectiveFrom = data.effectiveFrom ?? new Date();
    if (data.corrects) {
      const corrected = await tx.modelPrice.findFirst({ where: { id: data.corrects, modelId: data.modelId, deploymentId: data.deploymentId ?? null } });
      if (!corrected) throw new NotFoundError('ModelPrice', data.corrects);
      effectiveFrom = data.effectiveFrom ?? corrected.effectiveFrom;
    }
    const price = await tx.modelPrice.create({
      data: { modelId: data.modelId, deploymentId: data.deploymentId ?? null, ...priceColumns(data.price, effectiveFrom) },
    });
    return { result: price, audit: { entity: 'ModelPrice', entityId: price.id, teamId: null, changes: data } };
  });
}
