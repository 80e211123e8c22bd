import { z } from 'zod';
import { generateApiKey } from '../../../shared/keys/api-key.ts';
import type { ControlPlaneServices } from '../../context.ts';
import { NotFoundError } from '../errors.ts';
import { findTeamOrThrow } from '../teams/teams.ts';
import { validate } from '../validate.ts';

export const CreateApiKeyInput = z.object({
  teamId: z.string().min(1),
  name: z.string().trim().min(1, 'name is required').max(200),
  allowedModels: z.array(z.string().min(1)).max(500).nullish(),
  expiresAt: z.date().nullish(),
});

/** Creates a key and returns its secret once; only the hash is stored. */
export async function createApiKey(services: ControlPlaneServices, input: unknown) {
  const data = validate(CreateApiKeyInput, input);
  await findTeamOrThrow(services, data.teamId);
  const { secret, prefix, hash } = generateApiKey();
  const apiKey = await services.prisma.apiKey.create({
    data: { teamId: data.teamId, name: data.name, prefix, hash, allowedModels: data.allowedModels ?? [], expiresAt: data.expiresAt ?? null },
  });
  await services.snapshots.publish();
  return { apiKey, secret };
}

export async function revokeApiKey(services: ControlPlaneServices, id: string) {
  const existing = await services.prisma.apiKey.findUnique({ where: { id } });
  if (!existing) throw new NotFoundError('ApiKey', id);
  const apiKey = await services.prisma.apiKey.update({ where: { id }, data: { revokedAt: existing.revokedAt ?? new Date() } });
  await services.snapshots.publish();
  return apiKey;
}
