import { z } from 'zod';
import type { ControlPlaneServices } from '../../context.ts';
import { ValidationError } from '../errors.ts';
import { withConflictCheck } from '../prisma-errors.ts';
import { validate } from '../validate.ts';

const modelName = z.string().trim().regex(/^[a-zA-Z0-9][a-zA-Z0-9._:/-]{0,127}$/, 'model names are letters, digits and . _ : / -');
const microUsd = z.bigint().nonnegative('prices cannot be negative').max(BigInt(Number.MAX_SAFE_INTEGER));

export const PriceInput = z.object({
  inputPerMillion: microUsd,
  outputPerMillion: microUsd,
  cachedInputPerMillion: microUsd.nullish(),
});

export const CreateModelInput = z.object({
  name: modelName,
  aliases: z.array(modelName).max(32).nullish(),
  description: z.string().max(2000).nullish(),
  contextWindow: z.number().int().positive().nullish(),
  maxOutputTokens: z.number().int().positive().nullish(),
  price: PriceInput.nullish(),
  deployments: z
    .array(
      z.object({
        providerId: z.string().min(1),
        upstreamModel: z.string().trim().min(1).max(200),
        weight: z.number().int().nonnegative().nullish(),
      }),
    )
    .min(1, 'a model needs at least one deployment'),
});

export async function createModel(services: ControlPlaneServices, input: unknown) {
  const data = validate(CreateModelInput, input);
  const providerIds = [...new Set(data.deployments.map((d) => d.providerId))];
  const found = await services.prisma.provider.count({ where: { id: { in: providerIds } } });
  if (found !== providerIds.length) {
    throw new ValidationError([{ path: 'deployments', message: 'unknown providerId' }]);
  }
  const model = await withConflictCheck('name', `a model named "${data.name}" already exists`, () =>
    services.prisma.model.create({
      data: {
        name: data.name,
        aliases: data.aliases ?? [],
        description: data.description ?? null,
        contextWindow: data.contextWindow ?? null,
        maxOutputTokens: data.maxOutputTokens ?? null,
        deployments: {
          create: data.deployments.map((d) => ({ providerId: d.providerId, upstreamModel: d.upstreamModel, weight: d.weight ?? 1 })),
        },
        prices: data.price
          ? {
              create: {
                inputMicroUsdPerMillion: data.price.inputPerMillion,
                outputMicroUsdPerMillion: data.price.outputPerMillion,
                cachedInputMicroUsdPerMillion: data.price.cachedInputPerMillion ?? data.price.inputPerMillion,
              },
            }
          : undefined,
      },
    }),
  );
  await services.snapshots.publish();
  return model;
}
