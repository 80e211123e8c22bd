import { createModel, deleteModel, updateModel } from '../domain/models/models.ts';
import { priceInForce, setModelPrice } from '../domain/models/prices.ts';
import { readable } from '../domain/visibility.ts';
import { builder } from './builder.ts';
import { type InputFieldBuilder, PriceInput, SEARCH_DESCRIPTION } from './common.ts';
import { deploymentInputFields } from './deployment.ts';

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

const CapabilitiesInput = builder.inputType('ModelCapabilitiesInput', {
  description: 'Defaults: streaming and tools true, embeddings false.',
  fields: (t) => ({ streaming: t.boolean(), tools: t.boolean(), embeddings: t.boolean() }),
});

const DeploymentInput = builder.inputType('DeploymentInput', { fields: (t) => deploymentInputFields(t) });

/** What create and update share: everything about a model but its name, prices and deployments. */
const modelDetailFields = (t: InputFieldBuilder) => ({
  aliases: t.stringList(),
  description: t.string(),
  tags: t.stringList(),
  contextWindow: t.int(),
  maxOutputTokens: t.int(),
  capabilities: t.field({ type: CapabilitiesInput }),
  fallbackChainId: t.id(),
});

const CreateModelInput = builder.inputType('CreateModelInput', {
  fields: (t) => ({
    name: t.string({ required: true }),
    ...modelDetailFields(t),
    price: t.field({ type: PriceInput }),
    fromCatalogue: t.boolean({
      description:
        "Take the price and context window from the model catalogue (@pydantic/genai-prices), looked up by the first deployment's provider kind and upstream model. Explicit `price` and `contextWindow` win.",
    }),
    deployments: t.field({ type: [DeploymentInput], required: true }),
  }),
});

const UpdateModelInput = builder.inputType('UpdateModelInput', {
  description: 'The name cannot change (plans, keys and usage history refer to it); aliases can.',
  fields: (t) => ({
    id: t.id({ required: true }),
    ...modelDetailFields(t),
  }),
});

const SetModelPriceInput = builder.inputType('SetModelPriceInput', {
  fields: (t) => ({
    modelId: t.id({ required: true }),
    deploymentId: t.id({ description: "A price of this deployment of the model only, overriding the model's." }),
    price: t.field({ type: PriceInput, required: true }),
    effectiveFrom: t.field({ type: 'DateTime', description: 'Default now; in the past only for a correction.' }),
    corrects: t.id({
      description:
        'The id of a price version found wrong: the new version takes its effectiveFrom (or the one given, which may then lie in the past) and wins over it. Stored usage keeps its cost until `rerate` recomputes it.',
    }),
  }),
});

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
