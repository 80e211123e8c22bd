import { createDeployment, deleteDeployment, updateDeployment } from '../domain/deployments/deployments.ts';
import { priceInForce } from '../domain/models/prices.ts';
import { readable } from '../domain/visibility.ts';
import { builder } from './builder.ts';
import { type InputFieldBuilder, Limits, LimitsInput, PriceInput } from './common.ts';

const EXTRA_PARAMETERS_DESCRIPTION =
  "Top-level request fields outside the OpenAI spec this deployment accepts and forwards (a vLLM or TGI server's `top_k`, `repetition_penalty`, `guided_json`). Any other unknown field is refused with 400 `unknown_parameter`.";

type TimeoutColumns = { connectTimeoutMs: number | null; firstByteTimeoutMs: number | null; totalTimeoutMs: number | null; idleTimeoutMs: number | null };

const Timeouts = builder.objectRef<TimeoutColumns>('Timeouts').implement({
  description: "Milliseconds; null means the data plane's default.",
  fields: (t) => ({
    connectMs: t.exposeInt('connectTimeoutMs', { nullable: true }),
    firstByteMs: t.exposeInt('firstByteTimeoutMs', { nullable: true }),
    totalMs: t.exposeInt('totalTimeoutMs', { nullable: true }),
    idleMs: t.exposeInt('idleTimeoutMs', { nullable: true }),
  }),
});

export const TimeoutsInput = builder.inputType('TimeoutsInput', {
  description: "Milliseconds (100 to 3,600,000); omit or null for the data plane's default.",
  fields: (t) => ({ connectMs: t.int(), firstByteMs: t.int(), totalMs: t.int(), idleMs: t.int() }),
});

builder.prismaObject('Deployment', {
  description: "A model served by a provider under the provider's own model id; a model's deployments form its model group.",
  fields: (t) => ({
    id: t.exposeID('id'),
    upstreamModel: t.exposeString('upstreamModel'),
    weight: t.exposeInt('weight'),
    limits: t.field({ type: Limits, description: "The provider account's quota for this model.", resolve: (d) => d }),
    timeouts: t.field({ type: Timeouts, resolve: (d) => d }),
    extraParameters: t.exposeStringList('extraParameters', { description: EXTRA_PARAMETERS_DESCRIPTION }),
    provider: t.relation('provider'),
    model: t.relation('model'),
    prices: t.relation('prices', {
      description: "The deployment's own price versions, newest first; none: it bills at the model's price.",
      query: { orderBy: [{ effectiveFrom: 'desc' }, { createdAt: 'desc' }] },
    }),
    currentPrice: t.prismaField({
      type: 'ModelPrice',
      nullable: true,
      description: "The deployment's own price version in force now; null: the model's price applies.",
      resolve: (query, deployment, _args, ctx) => ctx.prisma.modelPrice.findFirst({ ...query, ...priceInForce({ deploymentId: deployment.id }) }),
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

builder.queryFields((t) => ({
  deployment: t.prismaField({
    type: 'Deployment',
    nullable: true,
    args: { id: t.arg.id({ required: true }) },
    resolve: (query, _root, args, ctx) =>
      ctx.prisma.deployment.findFirst({ ...query, where: { AND: [readable.deployment(ctx.principal), { id: String(args.id) }] } }),
  }),
}));

export const deploymentInputFields = (t: InputFieldBuilder) => ({
  providerId: t.id({ required: true }),
  upstreamModel: t.string({ required: true }),
  weight: t.int({ description: 'Relative share of traffic; default 1, 0 takes it out of rotation.' }),
  limits: t.field({ type: LimitsInput }),
  timeouts: t.field({ type: TimeoutsInput }),
  extraParameters: t.stringList({ description: EXTRA_PARAMETERS_DESCRIPTION }),
  price: t.field({ type: PriceInput, description: "The deployment's own price, overriding the model's (the same model costs differently per provider)." }),
  fromCatalogue: t.boolean({
    description: "Take the deployment's own price from the model catalogue, for its provider kind and upstream model. An explicit `price` wins.",
  }),
});

const CreateDeploymentInput = builder.inputType('CreateDeploymentInput', {
  fields: (t) => ({ modelId: t.id({ required: true }), ...deploymentInputFields(t) }),
});

const UpdateDeploymentInput = builder.inputType('UpdateDeploymentInput', {
  fields: (t) => ({
    id: t.id({ required: true }),
    upstreamModel: t.string(),
    weight: t.int(),
    limits: t.field({ type: LimitsInput }),
    timeouts: t.field({ type: TimeoutsInput }),
    extraParameters: t.stringList({ description: `${EXTRA_PARAMETERS_DESCRIPTION} Null or omitted leaves the list unchanged.` }),
  }),
});

builder.mutationFields((t) => ({
  createDeployment: t.prismaField({
    type: 'Deployment',
    description: "On a platform provider: the platform admin. On a team's own provider: that team's admins.",
    args: { input: t.arg({ type: CreateDeploymentInput, required: true }) },
    errors: {},
    resolve: (_query, _root, args, ctx) => createDeployment(ctx, args.input),
  }),
  updateDeployment: t.prismaField({
    type: 'Deployment',
    args: { input: t.arg({ type: UpdateDeploymentInput, required: true }) },
    errors: {},
    resolve: (_query, _root, args, ctx) => updateDeployment(ctx, args.input),
  }),
  deleteDeployment: t.field({
    type: 'ID',
    args: { id: t.arg.id({ required: true }) },
    errors: {},
    resolve: (_root, args, ctx) => deleteDeployment(ctx, String(args.id)),
  }),
}));
