import { z } from 'zod';
import { PROVIDER_KINDS } from '../../../shared/snapshot/schema.ts';
import type { ControlPlaneServices } from '../../context.ts';
import { withConflictCheck } from '../prisma-errors.ts';
import { findTeamOrThrow } from '../teams/teams.ts';
import { validate } from '../validate.ts';

const httpUrl = z
  .url({ protocol: /^https?$/, message: 'baseUrl must be an http(s) URL' })
  .transform((url) => url.replace(/\/+$/, ''));

export const CreateProviderInput = z
  .object({
    name: z.string().trim().regex(/^[a-zA-Z0-9][a-zA-Z0-9._-]{0,62}$/, 'name must be letters, digits, dot, dash or underscore'),
    kind: z.enum(PROVIDER_KINDS),
    baseUrl: httpUrl.nullish(),
    apiKey: z.string().min(1).max(4096).nullish(),
    teamId: z.string().nullish(),
  })
  .refine((input) => input.kind === 'mock' || input.baseUrl || input.kind === 'openai' || input.kind === 'anthropic' || input.kind === 'gemini', {
    message: 'baseUrl is required for this provider kind',
    path: ['baseUrl'],
  });

/** Default endpoints for the kinds that have one; a configured baseUrl always wins. */
export const DEFAULT_BASE_URLS: Partial<Record<(typeof PROVIDER_KINDS)[number], string>> = {
  openai: 'https://api.openai.com/v1',
  anthropic: 'https://api.anthropic.com',
  gemini: 'https://generativelanguage.googleapis.com',
};

export async function createProvider(services: ControlPlaneServices, input: unknown) {
  const data = validate(CreateProviderInput, input);
  if (data.teamId) await findTeamOrThrow(services, data.teamId);
  const provider = await withConflictCheck('name', `a provider named "${data.name}" already exists`, () =>
    services.prisma.provider.create({
      data: {
        name: data.name,
        kind: data.kind,
        baseUrl: data.baseUrl ?? DEFAULT_BASE_URLS[data.kind] ?? null,
        // Encrypted before it reaches the database; the clear text is never stored or returned.
        credentialCiphertext: data.apiKey ? services.secretBox.seal(data.apiKey) : null,
        teamId: data.teamId ?? null,
      },
    }),
  );
  await services.snapshots.publish();
  return provider;
}
