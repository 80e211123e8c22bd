import { createModel } from '../domain/models/models.ts';
import { builder } from './builder.ts';

builder.prismaObject('ModelPrice', {
  fields: (t) => ({
    id: t.exposeID('id'),
    inputPerMillion: t.expose('inputMicroUsdPerMillion', { type: 'MicroUSD' }),
    outputPerMillion: t.expose('outputMicroUsdPerMillion', { type: 'MicroUSD' }),
    cachedInputPerMillion: t.expose('cachedInputMicroUsdPerMillion', { type: 'MicroUSD' }),
    effectiveFrom: t.expose('effectiveFrom', { type: 'DateTime' }),
  }),
});

builder.prismaObject('Deployment', {
  fields: (t) => ({
    id: t.exposeID('id'),
    upstreamModel: t.exposeString('upstreamModel'),
    weight: t.exposeInt('weight'),
    provider: t.relation('provider'),
  }),
});

builder.prismaObject('Model', {
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    aliases: t.exposeStringList('aliases'),
    description: t.exposeString('description', { nullable: true }),
    contextWindow: t.exposeInt('contextWindow', { nullable: true }),
    maxOutputTokens: t.exposeInt('maxOutputTokens', { nullable: true }),
    deployments: t.relation('deployments'),
    prices: t.relation('prices', { query: { orderBy: { effectiveFrom: 'desc' } } }),
  }),
});

builder.queryFields((t) => ({
  models: t.prismaConnection({
    type: 'Model',
    cursor: 'id',
    resolve: (query, _root, _args, ctx) => ctx.prisma.model.findMany({ ...query, orderBy: { name: 'asc' } }),
  }),
}));

const PriceInput = builder.inputType('PriceInput', {
  description: 'Integer micro-USD per million tokens.',
  fields: (t) => ({
    inputPerMillion: t.field({ type: 'MicroUSD', required: true }),
    outputPerMillion: t.field({ type: 'MicroUSD', required: true }),
    cachedInputPerMillion: t.field({ type: 'MicroUSD' }),
  }),
});

const DeploymentInput = builder.inputType('DeploymentInput', {
  fields: (t) => ({
    providerId: t.id({ required: true }),
    upstreamModel: t.string({ required: true }),
    weight: t.int(),
  }),
});

const CreateModelInput = builder.inputType('CreateModelInput', {
  fields: (t) => ({
    name: t.string({ required: true }),
    aliases: t.stringList(),
    description: t.string(),
    contextWindow: t.int(),
    maxOutputTokens: t.int(),
    price: t.field({ type: PriceInput }),
    deployments: t.field({ type: [DeploymentInput], required: true }),
  }),
});

builder.mutationFields((t) => ({
  createModel: t.prismaField({
    type: 'Model',
    args: { input: t.arg({ type: CreateModelInput, required: true }) },
    errors: {},
    resolve: (_query, _root, args, ctx) => createModel(ctx, args.input),
  }),
}));
