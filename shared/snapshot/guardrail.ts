import { z } from 'zod';

/** Where a guardrail runs: on the prompt before any upstream call, on the answer, or both. */
export const GUARDRAIL_STAGES = ['pre', 'post', 'both'] as const;
export type GuardrailStage = (typeof GUARDRAIL_STAGES)[number];

/**
 * How post-call checks see a streamed answer: `buffer` holds the whole answer back and checks it
 * before the first byte (costs time to first token, a block is a clean 400); `flow` checks the
 * text as it streams and ends the stream with the protocol's error event when a check fails.
 */
export const GUARDRAIL_STREAM_MODES = ['buffer', 'flow'] as const;
export type GuardrailStreamMode = (typeof GUARDRAIL_STREAM_MODES)[number];

/** What PII detection finds. */
export const PII_ENTITIES = ['email', 'phone', 'card', 'iban', 'api_key'] as const;
export type PiiEntity = (typeof PII_ENTITIES)[number];

/** The built-in checks and the webhook, each with its settings. */
export const GuardrailCheck = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('deny_list'),
    /** RE2-syntax patterns (linear-time engine), validated when saved; matched case-insensitively. */
    patterns: z.array(z.string()),
    /** Plain words or phrases, matched case-insensitively as whole words. */
    keywords: z.array(z.string()),
  }),
  z.object({
    kind: z.literal('pii'),
    /** `mask` rewrites what it finds before the prompt leaves; `block` refuses the request (or answer). */
    action: z.enum(['mask', 'block']),
    entities: z.array(z.enum(PII_ENTITIES)),
  }),
  z.object({
    kind: z.literal('max_prompt_tokens'),
    /** Prompt tokens as the gateway estimates them (o200k_base), before the call. */
    maxTokens: z.number().int().positive(),
  }),
  z.object({
    kind: z.literal('image_models'),
    /** Model names that may receive image content; a request with images for any other is refused. */
    allowedModels: z.array(z.string()),
  }),
  z.object({
    kind: z.literal('webhook'),
    url: z.url(),
    /** The HMAC-SHA256 signing secret, sealed like provider credentials (binding `guardrail:<id>`). */
    secret: z.string(),
    timeoutMs: z.number().int().positive(),
    /** On timeout, a network error or a malformed answer: let the request through (true) or block it. */
    failOpen: z.boolean(),
  }),
]);
export type GuardrailCheck = z.infer<typeof GuardrailCheck>;
export type GuardrailKind = GuardrailCheck['kind'];

/**
 * Since 1.5. A guardrail attached to a plan (set by platform admins, applies to every team on it)
 * or to a team (set by its admins). Exactly one of `planId` and `teamId` is set. A request runs its
 * plan's guardrails, then its team's, each list in name order.
 */
export const SnapshotGuardrail = z.object({
  id: z.string().min(1),
  name: z.string(),
  planId: z.string().nullable(),
  teamId: z.string().nullable(),
  stage: z.enum(GUARDRAIL_STAGES),
  streamMode: z.enum(GUARDRAIL_STREAM_MODES),
  check: GuardrailCheck,
});
export type SnapshotGuardrail = z.infer<typeof SnapshotGuardrail>;

/** Binding of a webhook guardrail's sealed secret: it opens for this guardrail only. */
export function guardrailSecretBinding(guardrailId: string): string {
  return `guardrail:${guardrailId}`;
}
