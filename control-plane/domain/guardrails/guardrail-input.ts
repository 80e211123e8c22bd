import { z } from 'zod';
import { GUARDRAIL_STAGES, GUARDRAIL_STREAM_MODES, type GuardrailCheck, PII_ENTITIES } from '../../../shared/snapshot/guardrail.ts';
import { compileDenyPattern, MAX_DENY_ENTRIES, MAX_PATTERN_LENGTH } from '../../../shared/snapshot/guardrail-pattern.ts';
import type { FieldIssue } from '../errors.ts';
import { displayName, modelName } from '../fields.ts';

export const GUARDRAIL_KINDS = ['deny_list', 'pii', 'max_prompt_tokens', 'image_models', 'webhook'] as const;

/** Webhook timeouts: long enough for a remote classifier, short enough not to hold requests. */
export const WEBHOOK_TIMEOUT_MS = { min: 50, max: 30_000, default: 2_000 } as const;

/** The fields of createGuardrail / updateGuardrail that describe the check (owner aside). */
export const GuardrailFields = z.object({
  name: displayName,
  stage: z.enum(GUARDRAIL_STAGES),
  /** Buffer by default: nothing unchecked reaches a client unless the owner chooses speed. */
  streamMode: z.enum(GUARDRAIL_STREAM_MODES).default('buffer').describe('Default BUFFER.'),
  kind: z.enum(GUARDRAIL_KINDS),
  denyPatterns: z
    .array(z.string())
    .nullish()
    .describe('DENY_LIST: RE2 patterns, case-insensitive; refused when saved if RE2 cannot run them or they nest quantifiers.'),
  denyKeywords: z
    .array(z.string().trim().min(1, 'a keyword cannot be empty').max(MAX_PATTERN_LENGTH))
    .nullish()
    .describe('DENY_LIST: words or phrases, matched as whole words, case-insensitive.'),
  piiAction: z.enum(['mask', 'block']).nullish(),
  piiEntities: z.array(z.enum(PII_ENTITIES)).nullish(),
  maxPromptTokens: z.number().int().positive('must be a positive integer').nullish(),
  imageModels: z.array(modelName).nullish().describe('IMAGE_MODELS: model names that may receive image content.'),
  webhookUrl: z
    .url({ protocol: /^https?$/, message: 'webhookUrl must be an http(s) URL' })
    .max(2048)
    .nullish(),
  webhookSecret: z
    .string()
    .min(16, 'webhookSecret must be at least 16 characters')
    .max(256)
    .nullish()
    .describe('WEBHOOK: the HMAC-SHA256 key of `x-tollgate-signature` (at least 16 characters); write-only.'),
  webhookTimeoutMs: z.number().int().min(WEBHOOK_TIMEOUT_MS.min).max(WEBHOOK_TIMEOUT_MS.max).nullish().describe('WEBHOOK: 50 to 30000, default 2000.'),
  webhookFailOpen: z.boolean().nullish().describe('WEBHOOK: on timeout or failure, let the request through (true) or block it (false, the default).'),
});
export type GuardrailFields = z.infer<typeof GuardrailFields>;

/** The check as stored and carried (a webhook's secret apart), or the issues that refuse it. */
export type StoredCheck = Exclude<GuardrailCheck, { kind: 'webhook' }> | Omit<Extract<GuardrailCheck, { kind: 'webhook' }>, 'secret'>;

/**
 * Checks the kind's own rules and builds its stored form. Every deny pattern is compiled here, at
 * save time, by the same function the data plane matches with: a pattern RE2 cannot run or one
 * with nested quantifiers is refused with its index, never discovered at request time.
 */
export function checkOf(fields: GuardrailFields, hasSecret: boolean): { check: StoredCheck | null; issues: FieldIssue[] } {
  const issues: FieldIssue[] = [];
  const need = (path: keyof GuardrailFields, message: string) => issues.push({ path, message });
  const preOnly = (what: string) => {
    if (fields.stage !== 'pre') need('stage', `${what} checks prompts only: the stage must be PRE`);
  };
  let check: StoredCheck | null = null;
  switch (fields.kind) {
    case 'deny_list': {
      const patterns = fields.denyPatterns ?? [];
      const keywords = fields.denyKeywords ?? [];
      if (patterns.length + keywords.length === 0) need('denyPatterns', 'a deny list needs at least one pattern or keyword');
      if (patterns.length + keywords.length > MAX_DENY_ENTRIES) need('denyPatterns', `at most ${MAX_DENY_ENTRIES} patterns and keywords together`);
      patterns.forEach((pattern, index) => {
        const compiled = compileDenyPattern(pattern);
        if (!compiled.ok) issues.push({ path: `denyPatterns.${index}`, message: compiled.reason });
      });
      check = { kind: 'deny_list', patterns, keywords };
      break;
    }
    case 'pii':
      if (!fields.piiAction) need('piiAction', 'a PII guardrail needs an action (MASK or BLOCK)');
      if (!fields.piiEntities?.length) need('piiEntities', 'name at least one kind of personal data');
      // Answers are passed on or not, never rewritten.
      if (fields.piiAction === 'mask') preOnly('PII masking');
      check = { kind: 'pii', action: fields.piiAction ?? 'block', entities: [...new Set(fields.piiEntities ?? [])].sort() };
      break;
    case 'max_prompt_tokens':
      if (!fields.maxPromptTokens) need('maxPromptTokens', 'a maximum number of prompt tokens is required');
      preOnly('A prompt-token maximum');
      check = { kind: 'max_prompt_tokens', maxTokens: fields.maxPromptTokens ?? 1 };
      break;
    case 'image_models':
      if (!fields.imageModels) need('imageModels', 'the models that may receive images are required (an empty list refuses images everywhere)');
      preOnly('An image model allow-list');
      check = { kind: 'image_models', allowedModels: [...new Set(fields.imageModels ?? [])].sort() };
      break;
    case 'webhook':
      if (!fields.webhookUrl) need('webhookUrl', 'a webhook guardrail needs a URL');
      if (!fields.webhookSecret && !hasSecret) need('webhookSecret', 'a webhook guardrail needs a signing secret');
      check = {
        kind: 'webhook',
        url: fields.webhookUrl ?? '',
        timeoutMs: fields.webhookTimeoutMs ?? WEBHOOK_TIMEOUT_MS.default,
        failOpen: fields.webhookFailOpen ?? false,
      };
      break;
  }
  return { check: issues.length === 0 ? check : null, issues };
}

/** A stored check back as input fields (so an update can change some and keep the rest). */
export function fieldsOf(row: { name: string; stage: string; streamMode: string; kind: string; config: unknown }): GuardrailFields {
  const check = row.config as StoredCheck;
  const base = { name: row.name, stage: row.stage, streamMode: row.streamMode, kind: row.kind } as Pick<
    GuardrailFields,
    'name' | 'stage' | 'streamMode' | 'kind'
  >;
  switch (check.kind) {
    case 'deny_list':
      return { ...base, denyPatterns: check.patterns, denyKeywords: check.keywords };
    case 'pii':
      return { ...base, piiAction: check.action, piiEntities: check.entities };
    case 'max_prompt_tokens':
      return { ...base, maxPromptTokens: check.maxTokens };
    case 'image_models':
      return { ...base, imageModels: check.allowedModels };
    case 'webhook':
      return { ...base, webhookUrl: check.url, webhookTimeoutMs: check.timeoutMs, webhookFailOpen: check.failOpen };
  }
}
