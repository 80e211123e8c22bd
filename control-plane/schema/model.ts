import {
  Capabilities as CapabilitiesSchema,
  CreateModelInput as CreateModelSchema,
  createModel,
  deleteModel,
  UpdateModelInput as UpdateModelSchema,
  updateModel,
} from '../domain/models/models.ts';
import { priceInForce, SetModelPriceInput as SetModelPriceSchema, setModelPrice } from '../domain/models/prices.ts';
import { readable } from '../domain/visibility.ts';
import { builder } from './builder.ts';
import { SEARCH_DESCRIPTION } from './common.ts';
// For DeploymentInput and TimeoutsInput, which zod fields holding their objects become.
import './deployment.ts';
import { inputTypeFrom } from './zod-input.ts';

builder.prismaObject('ModelPrice', {
  description: 'A price version, integer micro-USD per million tokens. Versions are never rewritten.',
  fields: (t) => ({
    id: t.exposeID('id'),
    inputPerMillion: t.expose('inputMicroUsdPerMillion', { type: 'MicroUSD' }),
    outputPerMillion: t.expose('outputMicroUsdPerMillion', { type: 'MicroUSD' }),
    cachedInputPerMillion: t.expose('cachedInputMicroUsdPerMillion', { type: 'MicroUSD' }),
    cacheWritePerMillion: t.expose('cacheWriteMicroUsdPerMillion', {
      type: 'MicroUSD',
      nullable: true,
      description: 'Prompt-cache writes; null: the input price.',
    }),
    effectiveFrom: t.expose('effectiveFrom', { type: 'DateTime' }),
    deploymentId: t.exposeID('deploymentId', { nullable: true, description: "Set: this deployment's own price, overriding the model's." }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'Among versions of equal effectiveFrom the latest created is in force (a correction).' }),
  }),
});

const Capabilities = builder.objectRef<{ supportsStreaming: boolean; supportsTools: boolean; supportsEmbeddings: boolean }>('ModelCapabilities').implement({
  fields: (t) => ({
    streaming: t.exposeBoolean('supportsStreaming'),
    tools: t.exposeBoolean('supportsTools'),
    embeddings: t.exposeBoolean('supportsEmbeddings'),
  }),
});

builder.prismaObject('Model', {
  description: 'A public model name clients ask for, served by its deployments (its model group).',
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    aliases: t.exposeStringList('aliases'),
    description: t.exposeString('description', { nullable: true }),
    tags: t.exposeStringList('tags'),
    contextWindow: t.exposeInt('contextWindow', { nullable: true }),
    maxOutputTokens: t.exposeInt('maxOutputTokens', { nullable: true }),
    capabilities: t.field({ type: Capabilities, resolve: (model) => model }),
    fallbackChain: t.relation('fallbackChain', { nullable: true }),
    // A member sees only the deployments on its own team's providers: platform accounts and
    // other teams' bring-your-own-key deployments are not theirs to read.
    deployments: t.relation('deployments', {
      query: (_args, ctx) => ({ where: readable.deployment(ctx.principal), orderBy: { createdAt: 'asc' } }),
    }),
    prices: t.relation('prices', {
      description: "Every price version of the model (not its deployments' own), newest first.",
      query: { where: { deploymentId: null }, orderBy: [{ effectiveFrom: 'desc' }, { createdAt: 'desc' }] },
    }),
    currentPrice: t.prismaField({
      type: 'ModelPrice',
      nullable: true,
      description: "The model's price version in force now (a deployment's own price overrides it for that deployment).",
      resolve: (query, model, _args, ctx) => ctx.prisma.modelPrice.findFirst({ ...query, ...priceInForce({ modelId: model.id, deploymentId: null }) }),
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

builder.queryFields((t) => ({
  models: t.prismaConnection({
    type: 'Model',
    cursor: 'id',
    description: 'The model catalogue.',
    args: { tag: t.arg.string(), search: t.arg.string({ description: SEARCH_DESCRIPTION }) },
    resolve: (query, _root, args, ctx) =>
      ctx.prisma.model.findMany({
        ...query,
        where: {
          tags: args.tag ? { has: args.tag } : undefined,
          name: args.search ? { contains: args.search, mode: 'insensitive' } : undefined,
        },
        orderBy: { name: 'asc' },
      }),
  }),
  model: t.prismaField({
    type: 'Model',
    nullable: true,
    description: 'By id, or by name.',
    args: { id: t.arg.id(), name: t.arg.string() },
    resolve: (query, _root, args, ctx) =>
      args.id == null && args.name == null
        ? null
        : ctx.prisma.model.findFirst({ ...query, where: { id: args.id == null ? undefined : String(args.id), name: args.name ?? undefined } }),
  }),
}));

inputTypeFrom('ModelCapabilitiesInput', CapabilitiesSchema, { description: 'Defaults: streaming and tools true, embeddings false.' });

const CreateModelInput = inputTypeFrom('CreateModelInput', CreateModelSchema);

const UpdateModelInput = inputTypeFrom('UpdateModelInput', UpdateModelSchema, {
  description: 'The name cannot change (plans, keys and usage history refer to it); aliases can.',
});

const SetModelPriceInput = inputTypeFrom('SetModelPriceInput', SetModelPriceSchema);

builder.mutationFields((t) => ({
  createModel: t.prismaField({
    type: 'Model',
    description: 'Platform admin.',
    args: { input: t.arg({ type: CreateModelInput, required: true }) },
    errors: {},
    resolve: (_query, _root, args, ctx) => createModel(ctx, args.input),
  }),
  updateModel: t.prismaField({
    type: 'Model',
    description: 'Platform admin.',
    args: { input: t.arg({ type: UpdateModelInput, required: true }) },
    errors: {},
    resolve: (_query, _root, args, ctx) => updateModel(ctx, args.input),
  }),
  deleteModel: t.field({
    type: 'ID',
    description: 'Platform admin. Refused while a plan, key or fallback chain names the model.',
    args: { id: t.arg.id({ required: true }) },
    errors: {},
    resolve: (_root, args, ctx) => deleteModel(ctx, String(args.id)),
  }),
  setModelPrice: t.prismaField({
    type: 'ModelPrice',
    description: 'Platform admin. Adds a price version from `effectiveFrom`; history is never rewritten.',
    args: { input: t.arg({ type: SetModelPriceInput, required: true }) },
    errors: {},
    resolve: (_query, _root, args, ctx) => setModelPrice(ctx, args.input),
  }),
}));
