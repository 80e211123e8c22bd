import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { providerBinding, type SecretBox } from '../../../shared/crypto/secret-box.ts';
import { findProviderPreset, PROVIDER_PRESET_NAMES, PROVIDER_PRESETS } from '../../../shared/providers/presets.ts';
import { PROVIDER_KINDS, type ProviderKind } from '../../../shared/snapshot/schema.ts';
import type { GraphQLContext } from '../../context.ts';
import { requirePlatformAdmin, requireTeamRole } from '../access.ts';
import { alertChannelBinding } from '../alerts/alert-channels.ts';
import { ConflictError, NotFoundError, ValidationError } from '../errors.ts';
import { defined, id, providerBaseUrl } from '../fields.ts';
import { runMutation, type Tx } from '../mutate.ts';
import { withConflictCheck } from '../prisma-errors.ts';
import { validate } from '../validate.ts';

const providerName = z
  .string()
  .trim()
  .regex(/^[a-zA-Z0-9][a-zA-Z0-9._-]{0,62}$/, 'name must be letters, digits, dot, dash or underscore');
const credential = z.string().min(1).max(4096);
const baseUrl = z.string().trim().min(1).max(2048);
const apiVersion = z
  .string()
  .trim()
  .regex(/^[0-9A-Za-z.-]{1,40}$/, 'apiVersion looks like 2024-10-21')
  .nullish();

/** An AWS region or Google Cloud location: part of the default host name, so nothing else. */
const region = z
  .string()
  .trim()
  .regex(/^[a-z][a-z0-9-]{1,30}[a-z0-9]$/, 'region looks like us-east-1 (bedrock) or us-central1 (vertex)')
  .nullish();

/** Kinds whose endpoint follows from their region (the data plane builds it when baseUrl is null). */
const REGIONAL_KINDS: readonly ProviderKind[] = ['bedrock', 'vertex'];

/** Kinds that have a well-known endpoint; the others need a baseUrl (or a preset). */
export const DEFAULT_BASE_URLS: Partial<Record<ProviderKind, string>> = {
  openai: PROVIDER_PRESETS.openai.baseUrl,
  anthropic: PROVIDER_PRESETS.anthropic.baseUrl,
  gemini: PROVIDER_PRESETS.gemini.baseUrl,
  mistral: 'https://api.mistral.ai/v1',
  cohere: 'https://api.cohere.com',
};

/**
 * A preset (`groq`, `together`, `ollama`...) fills in the kind and the base URL, so a well-known
 * upstream is one line: `createProvider(input: { name: "groq", preset: "groq", apiKey: "..." })`.
 * Explicit `kind` and `baseUrl` still win.
 */
function applyPreset(input: unknown): unknown {
  if (!input || typeof input !== 'object' || !('preset' in input) || input.preset == null) return input;
  const { preset: name, ...rest } = input as Record<string, unknown>;
  const preset = findProviderPreset(String(name));
  if (!preset) throw new ValidationError([{ path: 'preset', message: `unknown preset; one of ${PROVIDER_PRESET_NAMES.join(', ')}` }]);
  return { ...rest, kind: rest.kind ?? preset.kind, baseUrl: rest.baseUrl ?? preset.baseUrl };
}

/** A new provider's fields, before its kind, base URL, version and region are checked together. */
const ProviderFields = z.object({
  name: providerName,
  kind: z.enum(PROVIDER_KINDS, { message: 'kind is required unless a preset gives it' }),
  baseUrl: baseUrl.nullish().describe('Required for openai-compatible and azure-openai without a preset.'),
  apiKey: credential.nullish().describe('Stored encrypted; never returned.'),
  apiVersion: apiVersion.describe('Required for azure-openai.'),
  region: region.describe('Required for bedrock (AWS region, e.g. us-east-1) and vertex (Google Cloud location, e.g. us-central1).'),
  teamId: id.nullish().describe('Bring-your-own-key: the provider serves this team only.'),
});

/** What a caller of createProvider sends: a preset may stand for the kind and the base URL (applyPreset). */
export const CreateProviderRequest = ProviderFields.extend({
  kind: ProviderFields.shape.kind.nullish().describe('Required unless `preset` gives it.'),
  preset: z
    .string()
    .nullish()
    .describe(`A well-known upstream that fills kind and baseUrl: ${PROVIDER_PRESET_NAMES.join(', ')}.`),
});

export const CreateProviderInput = ProviderFields.transform((input, ctx) => {
  if (!input.baseUrl) return input;
  const checked = providerBaseUrl(input.kind, input.baseUrl);
  if ('url' in checked) return { ...input, baseUrl: checked.url };
  ctx.addIssue({ code: 'custom', message: checked.issue, path: ['baseUrl'] });
  return z.NEVER;
})
  .refine((input) => input.kind === 'mock' || REGIONAL_KINDS.includes(input.kind) || input.baseUrl || DEFAULT_BASE_URLS[input.kind], {
    message: 'baseUrl is required for this provider kind',
    path: ['baseUrl'],
  })
  .refine((input) => input.kind !== 'azure-openai' || input.apiVersion, { message: 'azure-openai needs an apiVersion', path: ['apiVersion'] })
  .refine((input) => !REGIONAL_KINDS.includes(input.kind) || input.region, { message: 'bedrock and vertex need a region', path: ['region'] });

export const UpdateProviderInput = z.object({
  id,
  name: providerName.optional(),
  /** Checked against the provider's kind in updateProvider. */
  baseUrl: baseUrl.nullish(),
  /** Null removes the credential. */
  apiKey: credential.nullish().describe('A new credential, stored encrypted; never returned.'),
  apiVersion,
  region,
});

/**
 * A platform provider (platform admin), or a team's own one (bring your own key; the team's
 * admins): used for that team only, without markup and without drawing credits. The credential
 * is sealed (AES-256-GCM, shared/crypto) before it reaches the database and is never returned.
 */
export async function createProvider(ctx: GraphQLContext, input: unknown) {
  const data = validate(CreateProviderInput, applyPreset(input));
  if (data.teamId) requireTeamRole(ctx.principal, data.teamId, 'admin', 'Team', data.teamId);
  else requirePlatformAdmin(ctx.principal);
  return runMutation(ctx, 'createProvider', async (tx) => {
    if (data.teamId && !(await tx.team.findUnique({ where: { id: data.teamId }, select: { id: true } }))) throw new NotFoundError('Team', data.teamId);
    // The id is chosen here: the credential is sealed bound to it and to the base URL.
    const id = randomUUID();
    const resolvedBaseUrl = data.baseUrl ?? DEFAULT_BASE_URLS[data.kind] ?? null;
    const provider = await withConflictCheck('name', `a provider named "${data.name}" already exists`, () =>
      tx.provider.create({
        data: {
          id,
          name: data.name,
          kind: data.kind,
          baseUrl: resolvedBaseUrl,
          apiVersion: data.apiVersion ?? null,
          region: data.region ?? null,
          credentialCiphertext: data.apiKey ? ctx.secretBox.seal(data.apiKey, providerBinding({ id, baseUrl: resolvedBaseUrl })) : null,
          teamId: data.teamId ?? null,
        },
      }),
    );
    return { result: provider, audit: { entity: 'Provider', entityId: provider.id, teamId: provider.teamId, changes: data } };
  });
}

export async function updateProvider(ctx: GraphQLContext, input: unknown) {
  const data = validate(UpdateProviderInput, input);
  return runMutation(ctx, 'updateProvider', async (tx) => {
    const existing = await findProviderForChange(ctx, tx, data.id);
    const { id: providerId, apiKey, ...rest } = data;
    if (existing.kind === 'azure-openai' && rest.apiVersion === null)
      throw new ValidationError([{ path: 'apiVersion', message: 'azure-openai needs an apiVersion' }]);
    if (REGIONAL_KINDS.includes(existing.kind as ProviderKind) && rest.region === null)
      throw new ValidationError([{ path: 'region', message: 'bedrock and vertex need a region' }]);
    if (rest.baseUrl) {
      const checked = providerBaseUrl(existing.kind, rest.baseUrl);
      if ('issue' in checked) throw new ValidationError([{ path: 'baseUrl', message: checked.issue }]);
      rest.baseUrl = checked.url;
    }
    // The credential is bound to the base URL: a new URL re-seals the one kept.
    const binding = providerBinding({ id: providerId, baseUrl: rest.baseUrl === undefined ? existing.baseUrl : rest.baseUrl });
    const kept = existing.credentialCiphertext;
    const credentialCiphertext =
      apiKey === undefined
        ? kept !== null && rest.baseUrl !== undefined && rest.baseUrl !== existing.baseUrl
          ? ctx.secretBox.seal(openCredential(ctx.secretBox, existing), binding)
          : undefined
        : apiKey === null
          ? null
          : ctx.secretBox.seal(apiKey, binding);
    const provider = await withConflictCheck('name', `a provider named "${rest.name}" already exists`, () =>
      tx.provider.update({ where: { id: providerId }, data: defined({ ...rest, credentialCiphertext }) }),
    );
    return { result: provider, audit: { entity: 'Provider', entityId: provider.id, teamId: provider.teamId, changes: data } };
  });
}

/** Deletes a provider that no deployment uses any more. */
export async function deleteProvider(ctx: GraphQLContext, providerId: string) {
  return runMutation(ctx, 'deleteProvider', async (tx) => {
    const existing = await findProviderForChange(ctx, tx, providerId);
    const deployments = await tx.deployment.count({ where: { providerId } });
    if (deployments > 0) throw new ConflictError(`provider "${existing.name}" still serves ${deployments} deployment(s); delete them first`, 'deployments');
    await tx.provider.delete({ where: { id: providerId } });
    return { result: providerId, audit: { entity: 'Provider', entityId: providerId, teamId: existing.teamId, changes: { name: existing.name } } };
  });
}

/**
 * Re-seals every secret the database holds under the current secret key (the first of
 * TOLLGATE_SECRET_KEY), so an old key can be retired: provider credentials, and alert channels'
 * URLs and signing secrets. Data planes need both keys until the new snapshot is out. Returns how
 * many sealed values changed.
 */
export async function resealProviderCredentials(ctx: GraphQLContext) {
  requirePlatformAdmin(ctx.principal);
  const box = ctx.secretBox;
  const current = (sealed: string) => sealed.split('.')[1] === box.currentKeyId && !box.isLegacy(sealed);
  return runMutation(ctx, 'resealProviderCredentials', async (tx) => {
    const providers = await tx.provider.findMany({
      where: { credentialCiphertext: { not: null } },
      select: { id: true, baseUrl: true, credentialCiphertext: true },
    });
    let resealed = 0;
    for (const row of providers) {
      if (current(row.credentialCiphertext!)) continue;
      const credentialCiphertext = box.seal(openCredential(box, row), providerBinding(row));
      await tx.provider.update({ where: { id: row.id }, data: { credentialCiphertext } });
      resealed++;
    }
    const channels = await tx.alertChannel.findMany({ select: { id: true, urlCiphertext: true, secretCiphertext: true } });
    for (const channel of channels) {
      const again = (sealed: string, field: 'url' | 'secret') =>
        box.seal(box.open(sealed, alertChannelBinding(channel.id, field)), alertChannelBinding(channel.id, field));
      const url = current(channel.urlCiphertext) ? null : again(channel.urlCiphertext, 'url');
      const secret = channel.secretCiphertext === null || current(channel.secretCiphertext) ? null : again(channel.secretCiphertext, 'secret');
      if (url === null && secret === null) continue;
      await tx.alertChannel.update({
        where: { id: channel.id },
        data: { ...(url === null ? {} : { urlCiphertext: url }), ...(secret === null ? {} : { secretCiphertext: secret }) },
      });
      resealed += (url === null ? 0 : 1) + (secret === null ? 0 : 1);
    }
    return { result: resealed, audit: { entity: 'Provider', entityId: null, teamId: null, changes: { resealed, keyId: box.currentKeyId } } };
  });
}

/** A stored credential in clear (control plane only, to re-seal it); legacy unbound ones too. */
export function openCredential(box: SecretBox, row: { id: string; baseUrl: string | null; credentialCiphertext: string | null }): string {
  const sealed = row.credentialCiphertext!;
  return box.isLegacy(sealed) ? box.openLegacy(sealed) : box.open(sealed, providerBinding(row));
}

/**
 * The provider if the caller may change it: platform providers are the platform admin's, a
 * team's own providers its admins'. Another team's provider is "not found".
 */
export async function findProviderForChange(ctx: GraphQLContext, tx: Tx, providerId: string) {
  const provider = await tx.provider.findUnique({ where: { id: providerId } });
  if (!provider) throw new NotFoundError('Provider', providerId);
  if (provider.teamId) requireTeamRole(ctx.principal, provider.teamId, 'admin', 'Provider', providerId);
  else if (ctx.principal.kind !== 'admin') throw new NotFoundError('Provider', providerId);
  return provider;
}
