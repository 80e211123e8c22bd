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
  cacheWritePerMillion: microUsd.nullish(),
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

// A little slack for clocks: "now" sent by a client arrives a moment later.
const PAST_TOLERANCE_MS = 60_000;

export const SetModelPriceInput = z.object({
  modelId: id,
  price: PriceInput,
  effectiveFrom: z
    .date()
    .nullish()
    .refine((d) => !d || d.getTime() >= Date.now() - PAST_TOLERANCE_MS, 'effectiveFrom cannot be in the past: price history is never rewritten'),
});

/**
 * Adds a price version that takes effect at `effectiveFrom` (default now). Versions are never
 * changed or deleted, so past usage keeps the price it ran under; a future version reaches the
 * snapshot when its time comes (the publisher schedules that compile).
 */
export async function setModelPrice(ctx: GraphQLContext, input: unknown) {
  requirePlatformAdmin(ctx.principal);
  const data = validate(SetModelPriceInput, input);
  return runMutation(ctx, 'setModelPrice', async (tx) => {
    if (!(await tx.model.findUnique({ where: { id: data.modelId }, select: { id: true } }))) throw new NotFoundError('Model', data.modelId);
    const price = await tx.modelPrice.create({ data: { modelId: data.modelId, ...priceColumns(data.price, data.effectiveFrom ?? new Date()) } });
    return { result: price, audit: { entity: 'ModelPrice', entityId: price.id, teamId: null, changes: data } };
  });
}
