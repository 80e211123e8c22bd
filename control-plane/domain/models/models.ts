import { z } from 'zod';
import type { ProviderKind } from '../../../shared/snapshot/schema.ts';
import type { GraphQLContext } from '../../context.ts';
import { requirePlatformAdmin } from '../access.ts';
import { lookupCatalogue } from '../catalogue/catalogue.ts';
import { createDeploymentPrice } from '../deployments/deployment-price.ts';
import { DeploymentFields, deploymentColumns } from '../deployments/deployments.ts';
import { ConflictError, NotFoundError, ValidationError } from '../errors.ts';
import { checkReferences, defined, id, modelName } from '../fields.ts';
import { runMutation, type Tx } from '../mutate.ts';
import { withConflictCheck } from '../prisma-errors.ts';
import { validate } from '../validate.ts';
import { PriceInput, priceColumns } from './prices.ts';

export const Capabilities = z.object({ streaming: z.boolean().nullish(), tools: z.boolean().nullish(), embeddings: z.boolean().nullish() });

const modelFields = {
  aliases: z.array(modelName).max(32),
  description: z.string().max(2000).nullish(),
  tags: z.array(z.string().trim().min(1).max(50)).max(32),
  contextWindow: z.number().int().positive().nullish(),
  maxOutputTokens: z.number().int().positive().nullish(),
  capabilities: Capabilities.nullish(),
  fallbackChainId: id.nullish(),
};

export const CreateModelInput = z.object({
  name: modelName,
  ...modelFields,
  aliases: modelFields.aliases.nullish(),
  tags: modelFields.tags.nullish(),
  price: PriceInput.nullish(),
  /** Price and context window from the catalogue (domain/catalogue), unless given here. */
  fromCatalogue: z
    .boolean()
    .nullish()
    .describe(
      "Take the price and context window from the model catalogue (@pydantic/genai-prices), looked up by the first deployment's provider kind and upstream model. Explicit `price` and `contextWindow` win.",
    ),
  deployments: z.array(DeploymentFields).min(1, 'a model needs at least one deployment'),
});

/** The name is what clients, plans, keys and usage history use: it cannot change. Aliases can. */
export const UpdateModelInput = z.object({ id, ...modelFields, aliases: modelFields.aliases.optional(), tags: modelFields.tags.optional() });

function capabilityColumns(capabilities: z.infer<typeof Capabilities> | null | undefined) {
  return defined({
    supportsStreaming: capabilities?.streaming ?? undefined,
    supportsTools: capabilities?.tools ?? undefined,
    supportsEmbeddings: capabilities?.embeddings ?? undefined,
  });
}

/** Names and aliases share one namespace: a request names exactly one model. */
async function checkNamesFree(tx: Tx, names: string[], exceptId: string | null) {
  if (names.length === 0) return;
  const clash = await tx.model.findFirst({
    where: { OR: [{ name: { in: names } }, { aliases: { hasSome: names } }], ...(exceptId ? { NOT: { id: exceptId } } : {}) },
    select: { name: true },
  });
  if (clash) throw new ConflictError(`"${names.join('", "')}" clashes with the name or an alias of model "${clash.name}"`, 'aliases');
}

/**
 * The price and context window the catalogue has for the first deployment (its provider's kind
 * and upstream model); explicit values win. Not in the catalogue: a validation error, so a model
 * is never silently left unpriced.
 */
async function fromCatalogue(tx: Tx, data: z.infer<typeof CreateModelInput>) {
  const first = data.deployments[0];
  const provider = await tx.provider.findUniqueOrThrow({ where: { id: first.providerId }, select: { kind: true } });
  const entry = await lookupCatalogue(provider.kind as ProviderKind, first.upstreamModel);
  if (!entry) {
    throw new ValidationError([
      { path: 'fromCatalogue', message: `the catalogue has no price for ${provider.kind} model "${first.upstreamModel}"; give a price instead` },
    ]);
  }
  return { price: data.price ?? entry.price, contextWindow: data.contextWindow ?? entry.contextWindow };
}

/** A catalogue model with its first deployments and, optionally, its first price version. */
export async function createModel(ctx: GraphQLContext, input: unknown) {
  requirePlatformAdmin(ctx.principal);
  const data = validate(CreateModelInput, input);
  return runMutation(ctx, 'createModel', async (tx) => {
    const providerIds = [...new Set(data.deployments.map((d) => d.providerId))];
    if ((await tx.provider.count({ where: { id: { in: providerIds } } })) !== providerIds.length) {
      throw new ValidationError([{ path: 'deployments', message: 'unknown providerId' }]);
    }
    await checkReferences(tx, data);
    await checkNamesFree(tx, [data.name, ...(data.aliases ?? [])], null);
    if (data.fromCatalogue) Object.assign(data, await fromCatalogue(tx, data));
    const model = await withConflictCheck('name', `a model named "${data.name}" already exists`, () =>
      tx.model.create({
        data: {
          name: data.name,
          aliases: data.aliases ?? [],
          description: data.description ?? null,
          tags: data.tags ?? [],
          contextWindow: data.contextWindow ?? null,
          maxOutputTokens: data.maxOutputTokens ?? null,
          ...capabilityColumns(data.capabilities),
          fallbackChainId: data.fallbackChainId ?? null,
          prices: data.price ? { create: priceColumns(data.price) } : undefined,
        },
      }),
    );
    const kinds = new Map((await tx.provider.findMany({ where: { id: { in: providerIds } }, select: { id: true, kind: true } })).map((p) => [p.id, p.kind]));
    for (const [index, fields] of data.deployments.entries()) {
      const deployment = await tx.deployment.create({ data: { modelId: model.id, ...deploymentColumns(fields) } });
      await createDeploymentPrice(tx, deployment, fields, kinds.get(fields.providerId) as ProviderKind, `deployments.${index}.fromCatalogue`);
    }
    return { result: model, audit: { entity: 'Model', entityId: model.id, teamId: null, changes: data } };
  });
}

export async function updateModel(ctx: GraphQLContext, input: unknown) {
  requirePlatformAdmin(ctx.principal);
  const data = validate(UpdateModelInput, input);
  return runMutation(ctx, 'updateModel', async (tx) => {
    if (!(await tx.model.findUnique({ where: { id: data.id }, select: { id: true } }))) throw new NotFoundError('Model', data.id);
    await checkReferences(tx, data);
    if (data.aliases) await checkNamesFree(tx, data.aliases, data.id);
    const { id: modelId, capabilities, ...rest } = data;
    const model = await tx.model.update({ where: { id: modelId }, data: { ...defined(rest), ...capabilityColumns(capabilities) } });
    return { result: model, audit: { entity: 'Model', entityId: model.id, teamId: null, changes: data } };
  });
}

/**
 * Deletes a model with its deployments and prices. Refused while a plan, a key or a fallback
 * chain names it: silently dropping it from an allow-list could turn that list empty, and an
 * empty list means "every model".
 */
export async function deleteModel(ctx: GraphQLContext, modelId: string) {
  requirePlatformAdmin(ctx.principal);
  return runMutation(ctx, 'deleteModel', async (tx) => {
    const model = await tx.model.findUnique({ where: { id: modelId } });
    if (!model) throw new NotFoundError('Model', modelId);
    const [plans, keys, chains] = await Promise.all([
      tx.plan.count({ where: { allowedModels: { has: model.name } } }),
      tx.apiKey.count({ where: { allowedModels: { has: model.name } } }),
      tx.fallbackChainEntry.count({ where: { modelId } }),
    ]);
    if (plans + keys + chains > 0) {
      throw new ConflictError(`model "${model.name}" is named by ${plans} plan(s), ${keys} key(s) and ${chains} fallback chain step(s)`, 'id');
    }
    await tx.model.delete({ where: { id: modelId } });
    return { result: modelId, audit: { entity: 'Model', entityId: modelId, teamId: null, changes: { name: model.name } } };
  });
}
