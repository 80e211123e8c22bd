import { z } from 'zod';
import { Prisma } from '../../../generated/prisma/client.ts';
import { generateApiKey } from '../../../shared/keys/api-key.ts';
import type { GraphQLContext } from '../../context.ts';
import { requireTeamRole } from '../access.ts';
import { BudgetFields } from '../budgets/budgets.ts';
import { NotFoundError, ValidationError } from '../errors.ts';
import { checkModelNames, checkReferences, defined, displayName, id, Limits, limitColumns, metadata, modelName } from '../fields.ts';
import { runMutation, type Tx } from '../mutate.ts';
import { validate } from '../validate.ts';

const allowedModels = z
  .array(modelName)
  .max(500)
  .transform((list) => [...new Set(list)]);
const expiresAt = z.date().refine((d) => d.getTime() > Date.now(), 'expiresAt must be in the future');

export const CreateApiKeyInput = z.object({
  teamId: id,
  name: displayName,
  allowedModels: allowedModels.nullish().describe("Model names within the team's plan."),
  limits: Limits.nullish(),
  metadata: metadata.nullish().describe('A JSON object, at most 8 KiB.'),
  expiresAt: expiresAt.nullish(),
  routingProfileId: id.nullish(),
  fallbackChainId: id.nullish(),
  /** An optional budget for the key, created with it. */
  budget: BudgetFields.nullish().describe('A budget for this key, created with it.'),
});

export const UpdateApiKeyInput = z.object({
  id,
  name: displayName.optional(),
  allowedModels: allowedModels.optional(),
  limits: Limits.nullish(),
  metadata: metadata.nullish(),
  expiresAt: expiresAt.nullish(),
  blocked: z.boolean().optional(),
  routingProfileId: id.nullish(),
  fallbackChainId: id.nullish(),
});

/** Default and maximum grace period in which a rotated key's old secret still works. */
export const DEFAULT_ROTATION_GRACE_SECONDS = 24 * 3600;
export const MAX_ROTATION_GRACE_SECONDS = 30 * 24 * 3600;

/** A key's models must exist and lie within the team's plan (when the plan restricts them). */
async function checkAllowedModels(tx: Tx, teamId: string, names: string[]) {
  await checkModelNames(tx, names, 'allowedModels');
  const team = await tx.team.findUnique({ where: { id: teamId }, select: { plan: { select: { name: true, allowedModels: true } } } });
  const planModels = team?.plan?.allowedModels ?? [];
  if (planModels.length === 0) return;
  const outside = names.filter((name) => !planModels.includes(name));
  if (outside.length) {
    throw new ValidationError([{ path: 'allowedModels', message: `not in plan "${team!.plan!.name}": ${outside.join(', ')}` }]);
  }
}

/** Creates a key (team members and above) and returns its secret once; only the hash is stored. */
export async function createApiKey(ctx: GraphQLContext, input: unknown) {
  const data = validate(CreateApiKeyInput, input);
  requireTeamRole(ctx.principal, data.teamId, 'member', 'Team', data.teamId);
  const { secret, prefix, hash } = generateApiKey();
  return runMutation(ctx, 'createApiKey', async (tx) => {
    if (!(await tx.team.findUnique({ where: { id: data.teamId }, select: { id: true } }))) throw new NotFoundError('Team', data.teamId);
    await checkAllowedModels(tx, data.teamId, data.allowedModels ?? []);
    await checkReferences(tx, data);
    const apiKey = await tx.apiKey.create({
      data: {
        teamId: data.teamId,
        name: data.name,
        prefix,
        hash,
        allowedModels: data.allowedModels ?? [],
        ...limitColumns(data.limits),
        metadata: (data.metadata ?? undefined) as Prisma.InputJsonValue | undefined,
        expiresAt: data.expiresAt ?? null,
        routingProfileId: data.routingProfileId ?? null,
        fallbackChainId: data.fallbackChainId ?? null,
      },
    });
    if (data.budget) {
      const { budget } = data;
      await tx.budget.create({
        data: {
          scope: 'key',
          scopeId: apiKey.id,
          teamId: apiKey.teamId,
          apiKeyId: apiKey.id,
          ...budget,
          alertThresholds: budget.alertThresholds ?? [],
          hard: budget.hard ?? true,
        },
      });
    }
    return { result: { apiKey, secret }, audit: { entity: 'ApiKey', entityId: apiKey.id, teamId: apiKey.teamId, changes: { ...data, prefix } } };
  });
}

export async function updateApiKey(ctx: GraphQLContext, input: unknown) {
  const data = validate(UpdateApiKeyInput, input);
  return runMutation(ctx, 'updateApiKey', async (tx) => {
    const existing = await findKeyForChange(ctx, tx, data.id);
    if (data.allowedModels) await checkAllowedModels(tx, existing.teamId, data.allowedModels);
    await checkReferences(tx, data);
    const { id: keyId, limits, metadata: meta, ...rest } = data;
    const apiKey = await tx.apiKey.update({
      where: { id: keyId },
      data: {
        ...defined(rest),
        ...limitColumns(limits),
        ...(meta === undefined ? {} : { metadata: meta === null ? Prisma.DbNull : (meta as Prisma.InputJsonValue) }),
      },
    });
    return { result: apiKey, audit: { entity: 'ApiKey', entityId: apiKey.id, teamId: apiKey.teamId, changes: data } };
  });
}

export const RotateApiKeyInput = z.object({ id, gracePeriodSeconds: z.number().int().min(0).max(MAX_ROTATION_GRACE_SECONDS).nullish() });

/**
 * Issues a new secret for the key. The old secret keeps working for `gracePeriodSeconds`
 * (default one day) so clients can switch without an outage; 0 ends it at once.
 */
export async function rotateApiKey(ctx: GraphQLContext, input: z.input<typeof RotateApiKeyInput>) {
  const data = validate(RotateApiKeyInput, input);
  const { secret, prefix, hash } = generateApiKey();
  return runMutation(ctx, 'rotateApiKey', async (tx) => {
    const existing = await findKeyForChange(ctx, tx, data.id);
    if (existing.revokedAt) throw new ValidationError([{ path: 'id', message: 'a revoked key cannot be rotated' }]);
    const grace = data.gracePeriodSeconds ?? DEFAULT_ROTATION_GRACE_SECONDS;
    const apiKey = await tx.apiKey.update({
      where: { id: data.id },
      data: {
        prefix,
        hash,
        previousHash: grace > 0 ? existing.hash : null,
        previousHashExpiresAt: grace > 0 ? new Date(Date.now() + grace * 1000) : null,
      },
    });
    return {
      result: { apiKey, secret },
      audit: { entity: 'ApiKey', entityId: apiKey.id, teamId: apiKey.teamId, changes: { gracePeriodSeconds: grace, prefix } },
    };
  });
}

/** Revokes a key for good (its rotated-out secret too). */
export async function revokeApiKey(ctx: GraphQLContext, keyId: string) {
  return runMutation(ctx, 'revokeApiKey', async (tx) => {
    const existing = await findKeyForChange(ctx, tx, keyId);
    const apiKey = await tx.apiKey.update({
      where: { id: keyId },
      data: { revokedAt: existing.revokedAt ?? new Date(), previousHash: null, previousHashExpiresAt: null },
    });
    return { result: apiKey, audit: { entity: 'ApiKey', entityId: apiKey.id, teamId: apiKey.teamId, changes: { revoked: true } } };
  });
}

async function findKeyForChange(ctx: GraphQLContext, tx: Tx, keyId: string) {
  const key = await tx.apiKey.findUnique({ where: { id: keyId } });
  if (!key) throw new NotFoundError('ApiKey', keyId);
  requireTeamRole(ctx.principal, key.teamId, 'member', 'ApiKey', keyId);
  return key;
}
