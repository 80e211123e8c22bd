import { z } from 'zod';
import { GUARDRAIL_STAGES, GUARDRAIL_STREAM_MODES, PII_ENTITIES } from '../../../shared/snapshot/guardrail.ts';
import type { GraphQLContext } from '../../context.ts';
import { GUARDRAIL_KINDS, WEBHOOK_TIMEOUT_MS } from '../guardrails/guardrail-input.ts';
import { createGuardrail, deleteGuardrail, updateGuardrail } from '../guardrails/guardrails.ts';
import type { Tx } from '../mutate.ts';

const sortedUnique = <T extends string>(list: T[]) => [...new Set(list)].sort();

/**
 * A plan's or a team's guardrail in the config file (docs/guardrails.md). Parsing keeps only the
 * settings of its kind and fills their defaults, so a file and an export compare field by field.
 * `webhookSecret` is a `${ENV_VAR}` reference, like provider credentials.
 */
const GuardrailObject = z
  .object({
    name: z.string().min(1).max(200),
    stage: z.enum(GUARDRAIL_STAGES),
    streamMode: z.enum(GUARDRAIL_STREAM_MODES).default('buffer'),
    kind: z.enum(GUARDRAIL_KINDS),
    denyPatterns: z.array(z.string()).default([]),
    denyKeywords: z.array(z.string()).default([]),
    piiAction: z.enum(['mask', 'block']).nullable().default(null),
    piiEntities: z.array(z.enum(PII_ENTITIES)).default([]),
    maxPromptTokens: z.number().int().positive().nullable().default(null),
    imageModels: z.array(z.string().min(1)).nullable().default(null),
    webhookUrl: z.string().min(1).nullable().default(null),
    webhookSecret: z.string().min(1).nullable().default(null),
    webhookTimeoutMs: z.number().int().positive().nullable().default(null),
    webhookFailOpen: z.boolean().default(false),
  })
  .strict();
type Settings = z.output<typeof GuardrailObject>;
type GuardrailSettings = Pick<Settings, 'name' | 'stage' | 'streamMode' | 'kind'> & Partial<{ [K in keyof Settings]: Settings[K] | undefined }>;

export const ConfigGuardrail = GuardrailObject.transform((g) => canonicalGuardrail(g));
export type ConfigGuardrail = z.output<typeof ConfigGuardrail>;

/** Only the settings the kind uses, in the form the domain stores them. */
function canonicalGuardrail(g: GuardrailSettings): Settings {
  const kind = g.kind;
  return {
    name: g.name,
    stage: g.stage,
    streamMode: g.streamMode,
    kind,
    denyPatterns: kind === 'deny_list' ? (g.denyPatterns ?? []) : [],
    denyKeywords: kind === 'deny_list' ? (g.denyKeywords ?? []) : [],
    piiAction: kind === 'pii' ? (g.piiAction ?? null) : null,
    piiEntities: kind === 'pii' ? sortedUnique(g.piiEntities ?? []) : [],
    maxPromptTokens: kind === 'max_prompt_tokens' ? (g.maxPromptTokens ?? null) : null,
    imageModels: kind === 'image_models' ? sortedUnique(g.imageModels ?? []) : null,
    webhookUrl: kind === 'webhook' ? (g.webhookUrl ?? null) : null,
    webhookSecret: kind === 'webhook' ? (g.webhookSecret ?? null) : null,
    webhookTimeoutMs: kind === 'webhook' ? (g.webhookTimeoutMs ?? WEBHOOK_TIMEOUT_MS.default) : null,
    webhookFailOpen: kind === 'webhook' ? (g.webhookFailOpen ?? false) : false,
  };
}

/** Where a webhook guardrail's secret is found when a file is applied (`secrets` map key). */
export const guardrailSecretKey = (owner: string, name: string) => `guardrail:${owner}/${name}`;

/** The variable an export names for a webhook guardrail's secret. */
function secretVariable(owner: string, name: string): string {
  return `TOLLGATE_GUARDRAIL_${`${owner}_${name}`.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_SECRET`;
}

/** A stored guardrail as the file writes it (`owner`: `plan:<name>` or `team:<slug>`). */
export function exportGuardrail(
  row: { name: string; stage: string; streamMode: string; kind: string; config: unknown; secretCiphertext: string | null },
  owner: string,
): ConfigGuardrail {
  const check = row.config as Record<string, unknown>;
  return canonicalGuardrail({
    name: row.name,
    stage: row.stage as ConfigGuardrail['stage'],
    streamMode: row.streamMode as ConfigGuardrail['streamMode'],
    kind: row.kind as ConfigGuardrail['kind'],
    denyPatterns: check.patterns as string[] | undefined,
    denyKeywords: check.keywords as string[] | undefined,
    piiAction: check.action as 'mask' | 'block' | undefined,
    piiEntities: check.entities as ConfigGuardrail['piiEntities'] | undefined,
    maxPromptTokens: check.maxTokens as number | undefined,
    imageModels: check.allowedModels as string[] | undefined,
    webhookUrl: check.url as string | undefined,
    webhookSecret: row.secretCiphertext ? `\${${secretVariable(owner, row.name)}}` : null,
    webhookTimeoutMs: check.timeoutMs as number | undefined,
    webhookFailOpen: check.failOpen as boolean | undefined,
  });
}

/** For the diff: a secret compares as set or not (its value is never shown nor read back). */
export function comparableGuardrails(list: readonly ConfigGuardrail[]) {
  return list.map((g) => ({ ...g, webhookSecret: g.webhookSecret === null ? null : '(set)' }));
}

/**
 * Makes an owner's stored guardrails what the file lists, by name, through the domain functions
 * (validation, audit, snapshot): update those that exist, create the others, delete the rest.
 */
export async function reconcileGuardrails(
  ctx: GraphQLContext,
  tx: Tx,
  owner: { teamId: string } | { planId: string },
  ownerKey: string,
  rails: readonly ConfigGuardrail[],
  secrets: Map<string, string>,
) {
  const existing = await tx.guardrail.findMany({ where: owner, select: { id: true, name: true } });
  for (const rail of rails) {
    const { webhookSecret: _reference, ...fields } = rail;
    const secret = secrets.get(guardrailSecretKey(ownerKey, rail.name));
    const input = { ...fields, ...(secret ? { webhookSecret: secret } : {}) };
    const stored = existing.find((row) => row.name === rail.name);
    if (stored) await updateGuardrail(ctx, stored.id, input);
    else await createGuardrail(ctx, { ...input, ...owner });
  }
  for (const row of existing) if (!rails.some((rail) => rail.name === row.name)) await deleteGuardrail(ctx, row.id);
}
