import {
  CreateDeploymentInput as CreateDeploymentSchema,
  createDeployment,
  DeploymentFields,
  deleteDeployment,
  EXTRA_PARAMETERS_DESCRIPTION,
  Timeouts as TimeoutsSchema,
  UpdateDeploymentInput as UpdateDeploymentSchema,
  updateDeployment,
} from '../domain/deployments/deployments.ts';
import { priceInForce } from '../domain/models/prices.ts';
import { readable } from '../domain/visibility.ts';
import { builder } from './builder.ts';
import { Limits } from './common.ts';
import { inputTypeFrom } from './zod-input.ts';

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

inputTypeFrom('TimeoutsInput', TimeoutsSchema, {
  description: "Milliseconds (100 to 3,600,000); omit or null for the data plane's default.",
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

/** A deployment given inline, in createModel. */
inputTypeFrom('DeploymentInput', DeploymentFields);
const CreateDeploymentInput = inputTypeFrom('CreateDeploymentInput', CreateDeploymentSchema);

const UpdateDeploymentInput = inputTypeFrom('UpdateDeploymentInput', UpdateDeploymentSchema);

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
