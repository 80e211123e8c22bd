import { z } from 'zod';
import { FORBIDDEN_REQUEST_FIELDS } from '../../../shared/openai/chat-request.ts';
import type { ProviderKind } from '../../../shared/snapshot/schema.ts';
import type { GraphQLContext } from '../../context.ts';
import { NotFoundError } from '../errors.ts';
import { defined, id, Limits, limitColumns } from '../fields.ts';
import { PriceInput } from '../models/prices.ts';
import { runMutation, type Tx } from '../mutate.ts';
import { findProviderForChange } from '../providers/providers.ts';
import { validate } from '../validate.ts';
import { createDeploymentPrice } from './deployment-price.ts';

const timeoutMs = z.number().int().min(100, 'timeouts are at least 100 ms').max(3_600_000, 'timeouts are at most one hour');

/** Timeouts in milliseconds; null means the data plane's default. */
export const Timeouts = z.object({
  connectMs: timeoutMs.nullish(),
  firstByteMs: timeoutMs.nullish(),
  totalMs: timeoutMs.nullish(),
  idleMs: timeoutMs.nullish(),
});

const FORBIDDEN: ReadonlySet<string> = new Set(FORBIDDEN_REQUEST_FIELDS);

/**
 * Request fields outside the OpenAI spec the deployment's server accepts (vLLM's `top_k`...).
 * Never one that picks the upstream or its credentials: the gateway does that.
 */
export const ExtraParameters = z
  .array(
    z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/, 'a parameter name is a letter or underscore, then up to 63 letters, digits, `_`, `.` or `-`')
      .refine((name) => !FORBIDDEN.has(name), { message: 'this parameter would pick the upstream or its credentials and is never forwarded' }),
  )
  .max(64, 'at most 64 extra parameters')
  .transform((names) => [...new Set(names)]);

/** Documents `extraParameters` (GraphQL input and output). */
export const EXTRA_PARAMETERS_DESCRIPTION =
  "Top-level request fields outside the OpenAI spec this deployment accepts and forwards (a vLLM or TGI server's `top_k`, `repetition_penalty`, `guided_json`). Any other unknown field is refused with 400 `unknown_parameter`.";

/** How a deployment is served: shared by createModel's inline deployments and createDeployment. */
export const DeploymentFields = z.object({
  providerId: id,
  upstreamModel: z.string().trim().min(1).max(200),
  weight: z.number().int().min(0).max(1000).nullish().describe('Relative share of traffic; default 1, 0 takes it out of rotation.'),
  limits: Limits.nullish(),
  timeouts: Timeouts.nullish(),
  extraParameters: ExtraParameters.nullish().describe(EXTRA_PARAMETERS_DESCRIPTION),
  /** The deployment's own first price version (deployment-price.ts). */
  price: PriceInput.nullish().describe("The deployment's own price, overriding the model's (the same model costs differently per provider)."),
  fromCatalogue: z
    .boolean()
    .nullish()
    .describe("Take the deployment's own price from the model catalogue, for its provider kind and upstream model. An explicit `price` wins."),
});

export const CreateDeploymentInput = DeploymentFields.extend({ modelId: id });
export const UpdateDeploymentInput = z.object({
  id,
  upstreamModel: DeploymentFields.shape.upstreamModel.optional(),
  weight: z.number().int().min(0).max(1000).optional(),
  limits: Limits.nullish(),
  timeouts: Timeouts.nullish(),
  extraParameters: ExtraParameters.nullish().describe(`${EXTRA_PARAMETERS_DESCRIPTION} Null or omitted leaves the list unchanged.`),
});

export function timeoutColumns(timeouts: z.infer<typeof Timeouts> | null | undefined) {
  if (timeouts === undefined) return {};
  return {
    connectTimeoutMs: timeouts?.connectMs ?? null,
    firstByteTimeoutMs: timeouts?.firstByteMs ?? null,
    totalTimeoutMs: timeouts?.totalMs ?? null,
    idleTimeoutMs: timeouts?.idleMs ?? null,
  };
}

export function deploymentColumns(d: z.infer<typeof DeploymentFields>) {
  return {
    providerId: d.providerId,
    upstreamModel: d.upstreamModel,
    weight: d.weight ?? 1,
    extraParameters: d.extraParameters ?? [],
    ...limitColumns(d.limits),
    ...timeoutColumns(d.timeouts),
  };
}

/**
 * Adds a deployment to a model group. A deployment belongs to its provider's owner: on a
 * platform provider it is the platform admin's, on a team's own provider that team's admins'
 * (who may thereby serve a catalogue model through their own key).
 */
export async function createDeployment(ctx: GraphQLContext, input: unknown) {
  const data = validate(CreateDeploymentInput, input);
  return runMutation(ctx, 'createDeployment', async (tx) => {
    const provider = await findProviderForChange(ctx, tx, data.providerId);
    if (!(await tx.model.findUnique({ where: { id: data.modelId }, select: { id: true } }))) throw new NotFoundError('Model', data.modelId);
    const deployment = await tx.deployment.create({ data: { modelId: data.modelId, ...deploymentColumns(data) } });
    await createDeploymentPrice(tx, deployment, data, provider.kind as ProviderKind, 'fromCatalogue');
    return { result: deployment, audit: { entity: 'Deployment', entityId: deployment.id, teamId: provider.teamId, changes: data } };
  });
}

export async function updateDeployment(ctx: GraphQLContext, input: unknown) {
  const data = validate(UpdateDeploymentInput, input);
  return runMutation(ctx, 'updateDeployment', async (tx) => {
    const { provider } = await findDeploymentForChange(ctx, tx, data.id);
    const { id: deploymentId, limits, timeouts, extraParameters, ...rest } = data;
    const deployment = await tx.deployment.update({
      where: { id: deploymentId },
      data: {
        ...defined(rest),
        ...limitColumns(limits),
        ...timeoutColumns(timeouts),
        ...(extraParameters === undefined ? {} : { extraParameters: extraParameters ?? [] }),
      },
    });
    return { result: deployment, audit: { entity: 'Deployment', entityId: deployment.id, teamId: provider.teamId, changes: data } };
  });
}

export async function deleteDeployment(ctx: GraphQLContext, deploymentId: string) {
  return runMutation(ctx, 'deleteDeployment', async (tx) => {
    const { deployment, provider } = await findDeploymentForChange(ctx, tx, deploymentId);
    await tx.deployment.delete({ where: { id: deploymentId } });
    return {
      result: deploymentId,
      audit: { entity: 'Deployment', entityId: deploymentId, teamId: provider.teamId, changes: { modelId: deployment.modelId, providerId: provider.id } },
    };
  });
}

async function findDeploymentForChange(ctx: GraphQLContext, tx: Tx, deploymentId: string) {
  const deployment = await tx.deployment.findUnique({ where: { id: deploymentId } });
  if (!deployment) throw new NotFoundError('Deployment', deploymentId);
  try {
    return { deployment, provider: await findProviderForChange(ctx, tx, deployment.providerId) };
  } catch (error) {
    // Report the deployment, not its provider, as missing: the caller asked for the deployment.
    if (error instanceof NotFoundError) throw new NotFoundError('Deployment', deploymentId);
    throw error;
  }
}
