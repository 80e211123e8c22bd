import { z } from 'zod';
import { compileShape } from '../validation/compiled-shape.ts';

/** Contract 2, data plane -> control plane. Bump on any breaking change. */
export const USAGE_EVENT_SCHEMA_VERSION = 1;

/**
 * One upstream attempt, metered. Emitted by the data plane when the attempt ends (success,
 * upstream error, client abort); stored exactly once by the control plane, keyed by `id`.
 */
export const UsageEvent = z.object({
  schemaVersion: z.literal(USAGE_EVENT_SCHEMA_VERSION),
  /** `${requestId}:${attempt}`: stable, so a redelivered event is recognised and stored once. */
  id: z.string().min(1),
  requestId: z.string().min(1),
  /** 1-based index of the upstream attempt within the request. */
  attempt: z.number().int().positive(),
  teamId: z.string(),
  apiKeyId: z.string(),
  /** Public model name the attempt served (after aliases and fallbacks). */
  model: z.string(),
  /**
   * Additive (still v1): the id of the model whose model budgets the request draws on (the model
   * the client asked for, whatever a fallback served), so the ledger can count model budgets' spend.
   */
  budgetModelId: z.string().optional(),
  /**
   * Provider name and id, and the deployment, as in the snapshot. No upstream was called for a
   * response-cache hit (provider `cache`) nor for a prompt a guardrail refused before the first
   * attempt (outcome `blocked`: all three empty).
   */
  provider: z.string(),
  providerId: z.string(),
  deploymentId: z.string(),
  /** The request's `user` field: the app's end user, for per-user rollups. */
  endUser: z.string().nullable(),
  promptTokens: z.number().int().nonnegative(),
  completionTokens: z.number().int().nonnegative(),
  cachedTokens: z.number().int().nonnegative(),
  /** Additive (still v1): part of promptTokens written to the prompt cache (Anthropic), priced at the cache-write price. */
  cacheWriteTokens: z.number().int().nonnegative().optional(),
  /** Additive (still v1): part of completionTokens the model spent reasoning (billed as output). */
  reasoningTokens: z.number().int().nonnegative().optional(),
  /**
   * What the team is charged, integer micro-USD at `priceVersion` of the serving snapshot: the
   * provider cost plus the plan's markup (no markup on bring-your-own-key providers).
   */
  costMicroUsd: z.number().int().nonnegative(),
  /** Additive (still v1): the provider's list-price cost before markup, integer micro-USD. */
  providerCostMicroUsd: z.number().int().nonnegative().optional(),
  /** Additive (still v1): the plan's markup in basis points `costMicroUsd` was computed with (0 for bring-your-own-key); `rerate` reuses it. */
  markupBasisPoints: z.number().int().nonnegative().optional(),
  /** Additive (still v1): a bring-your-own-key provider (no markup, draws no prepaid credits). */
  byok: z.boolean().optional(),
  /**
   * Additive (still v1): served from the response cache, with no upstream attempt. The tokens are
   * the cached answer's (the tokens saved), `costMicroUsd` the plan's cache-hit price, and
   * `cacheSavedMicroUsd` what the upstream answer cost when it was stored (markup included).
   */
  cacheHit: z.boolean().optional(),
  cacheSavedMicroUsd: z.number().int().nonnegative().optional(),
  priceVersion: z.string().nullable(),
  /** True when the upstream reported no usage and the tokens were counted locally. */
  estimated: z.boolean(),
  /** HTTP status of the attempt as the upstream answered it (0 when none arrived). */
  status: z.number().int(),
  /** `blocked`: a guardrail refused the prompt (no upstream call, $0) or the answer (the call is charged). */
  outcome: z.enum(['ok', 'upstream_error', 'aborted', 'timeout', 'blocked']),
  /** Additive (still v1): the name of the guardrail that blocked the request, with outcome `blocked`. */
  guardrail: z.string().optional(),
  /**
   * Additive (still v1): the request's tags (`x-tollgate-tags` header, then `metadata.tags`),
   * trimmed, deduplicated, in the order given; absent: none. Every event of the request carries
   * them, and each tag counts the event in that tag's rollup.
   */
  tags: z.array(z.string()).optional(),
  /** Additive (still v1): the request body's `metadata` string pairs, `tags` left out; absent: none. */
  metadata: z.record(z.string(), z.string()).optional(),
  streamed: z.boolean(),
  latencyMs: z.number().int().nonnegative(),
  ttfbMs: z.number().int().nonnegative().nullable(),
  snapshotVersion: z.number().int().positive(),
  snapshotHash: z.string(),
  startedAt: z.iso.datetime(),
});

export type UsageEvent = z.infer<typeof UsageEvent>;

let isUsageEvent: ((value: unknown) => value is UsageEvent) | null = null;
const USAGE_EVENT_FIELDS = new Set(Object.keys(UsageEvent.shape));

/** What a consumer makes of a received usage event: the event, and whether nothing was dropped. */
export type UsageEventReader = (value: unknown) => { event: UsageEvent; exact: boolean } | null;

/**
 * The check of usage events as a consumer receives them (parsed JSON) against the contract: the
 * event, or null when it breaks it. The schema compiled with ajv, not zod's parse, which cost the
 * control plane about a fifth of its ingestion CPU. Compiling takes about 40 ms, so it happens on
 * the first call (a consumer's start; a process that only publishes never pays it). As zod's parse
 * would, the check drops the fields this release does not know (an additive field of a newer data
 * plane); `exact` says nothing was dropped, so the text the event arrived as says exactly what
 * the event does (the ledger stores that text).
 */
export function usageEventReader(): UsageEventReader {
  const check = (isUsageEvent ??= compileShape(UsageEvent));
  return (value) => {
    if (!check(value)) return null;
    for (const field in value) {
      if (!USAGE_EVENT_FIELDS.has(field)) return { event: knownFields(value), exact: false };
    }
    return { event: value, exact: true };
  };
}

function knownFields(event: UsageEvent): UsageEvent {
  const known: Record<string, unknown> = {};
  for (const field of USAGE_EVENT_FIELDS) if (field in event) known[field] = event[field as keyof UsageEvent];
  return known as UsageEvent;
}

export function usageEventId(requestId: string, attempt: number): string {
  return `${requestId}:${attempt}`;
}
