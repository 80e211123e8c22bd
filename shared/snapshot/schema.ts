import { z } from 'zod';
import { contentHash } from './canonical-json.ts';
import { ContentDigest } from './content-digest.ts';
import { SnapshotGuardrail } from './guardrail.ts';

/**
 * Contract 1, control plane -> data plane. `major.minor`: a data plane refuses a snapshot whose
 * major it does not know; minor bumps only add optional fields (with defaults, so older snapshots
 * still parse). Every added field bumps the minor; each field says since when it exists.
 * 1.0: teams, keys, providers, models. 1.1: plans, budgets, chains, profiles, limits, timeouts,
 * capabilities, credits, key rotation. 1.2: team `logPrompts`, plan `systemPrompt`, deployment
 * `extraParameters`. 1.3: `cachePolicies` (the response cache). 1.4: deployment `price`. 1.5: `guardrails`.
 * 1.6: provider `region`, kinds `bedrock` and `vertex`. 2.0: the content hash is per entry
 * (content-digest.ts), so both planes update it in O(change); the fields are those of 1.6. A data
 * plane reads 1.x and 2.x, so data planes are upgraded before control planes. 2.1: `routingDefaults`
 * (a section that enters the hash only when it has an entry, so a 2.1 snapshot without routing
 * defaults hashes as 2.0 did). Fixtures of each in test/fixtures/snapshots must keep parsing.
 */
export const SNAPSHOT_SCHEMA_VERSION = '2.1';
export const SNAPSHOT_MAJOR = 2;
/** Majors this build reads: 1.x (whole-content hash) and 2.x (per-entry hash). */
export const SNAPSHOT_MAJORS_READ: readonly number[] = [1, 2];

export const PROVIDER_KINDS = ['openai', 'openai-compatible', 'azure-openai', 'anthropic', 'gemini', 'mistral', 'cohere', 'bedrock', 'vertex', 'mock'] as const;
export type ProviderKind = (typeof PROVIDER_KINDS)[number];

const id = z.string().min(1);

/** Failures that may move a request on to the next model of its fallback chain. */
export const FALLBACK_TRIGGERS = ['rate_limit', 'server_error', 'timeout', 'context_window', 'content_policy'] as const;
export type FallbackTrigger = (typeof FALLBACK_TRIGGERS)[number];

/** How a routing profile orders a model group's deployments. */
export const ROUTING_STRATEGIES = ['weighted', 'least-busy', 'latency', 'cost'] as const;
export type RoutingStrategy = (typeof ROUTING_STRATEGIES)[number];

export const BUDGET_PERIODS = ['daily', 'weekly', 'monthly', 'total'] as const;
export type BudgetPeriod = (typeof BUDGET_PERIODS)[number];

/** Rate limits; null means no limit at this level. */
export const SnapshotLimits = z.object({
  rpm: z.number().int().positive().nullable().default(null),
  tpm: z.number().int().positive().nullable().default(null),
  maxParallel: z.number().int().positive().nullable().default(null),
});

/** References that pick a fallback chain and a routing profile; the most specific level wins. */
const RoutingDefaults = {
  fallbackChainId: z.string().nullable().default(null),
  routingProfile: z.string().nullable().default(null),
};

export const SnapshotTeam = z.object({
  id,
  slug: z.string(),
  name: z.string(),
  blocked: z.boolean(),
  /** Prepended as a system message to every request of the team, when set. */
  systemPrompt: z.string().nullable(),
  /** Since 1.1. Null only for teams without a plan (the plan then allows everything, no limits). */
  planId: z.string().nullable().default(null),
  /** Since 1.1. Prepaid credits ever granted, integer micro-USD; spend is counted by the data planes. */
  creditsGrantedMicroUsd: z.number().int().nonnegative().default(0),
  /**
   * Since 1.2. Set by the team's admins (updateTeam): the data plane logs each
   * request's prompt and completion, with emails, phone and card numbers masked. Off by default.
   */
  logPrompts: z.boolean().default(false),
  ...RoutingDefaults,
});

/** Since 1.1. A product tier: what a team on it may use, and how it pays. */
export const SnapshotPlan = z.object({
  id,
  name: z.string(),
  /** Model names; empty means every model. */
  allowedModels: z.array(z.string()),
  limits: SnapshotLimits,
  /** Markup on provider cost in basis points (1500 = 15 %); never applied to bring-your-own-key providers. */
  markupBasisPoints: z.number().int().nonnegative(),
  billing: z.enum(['prepaid', 'postpaid']),
  /**
   * Since 1.2: prepended as a system message to requests of teams on the
   * plan that have no system prompt of their own.
   */
  systemPrompt: z.string().nullable().default(null),
  ...RoutingDefaults,
});

/** Since 1.1. A spending cap. Counters are keyed by period start (UTC), so nothing resets at midnight. */
export const SnapshotBudget = z.object({
  id,
  scope: z.enum(['key', 'team', 'model']),
  /** The key, team or model id the budget applies to. */
  scopeId: id,
  amountMicroUsd: z.number().int().nonnegative(),
  period: z.enum(BUDGET_PERIODS),
  /** Hard budgets reject requests; soft ones only alert. */
  hard: z.boolean(),
  /** Percentages at which alerts fire, e.g. [50, 80, 100]. */
  alertThresholds: z.array(z.number().int().positive()),
});

/** Since 1.1. Models to try, in order, after the requested one fails in one of `triggers`. */
export const SnapshotFallbackChain = z.object({
  id,
  name: z.string(),
  /** Model ids, in order. */
  modelIds: z.array(id),
  triggers: z.array(z.enum(FALLBACK_TRIGGERS)),
});

/** Since 1.1. A named routing policy ("power level"), selected by header or by key/team/plan default. */
export const SnapshotRoutingProfile = z.object({
  name: z.string(),
  strategy: z.enum(ROUTING_STRATEGIES),
});

export const SnapshotApiKey = z.object({
  id,
  teamId: id,
  /** Hex SHA-256 of the full secret (see shared/keys). The secret itself never leaves creation. */
  hash: z.string().length(64),
  prefix: z.string(),
  /** Empty means every model the team may use. */
  allowedModels: z.array(z.string()),
  expiresAt: z.iso.datetime().nullable(),
  revoked: z.boolean(),
  /**
   * Since 1.1 (added later). Blocked by an admin (undoable), not revoked: data planes say so in
   * the refusal. A blocked key is also published as `revoked` so that data planes older than
   * this field still refuse it; `blocked` is false once the key is really revoked.
   */
  blocked: z.boolean().default(false),
  /** Since 1.1. Overrides the plan's limits where set. */
  limits: SnapshotLimits.default({ rpm: null, tpm: null, maxParallel: null }),
  /** Since 1.1. After rotateApiKey the old secret's hash stays valid until `previousHashExpiresAt`. */
  previousHash: z.string().length(64).nullable().default(null),
  previousHashExpiresAt: z.iso.datetime().nullable().default(null),
  ...RoutingDefaults,
});

export const SnapshotProvider = z.object({
  id,
  name: z.string(),
  kind: z.enum(PROVIDER_KINDS),
  baseUrl: z.string().nullable(),
  /**
   * The provider credential, still encrypted with TOLLGATE_SECRET_KEY (shared/crypto). The data
   * plane decrypts it in memory when it compiles the snapshot; it never crosses the bus in clear.
   */
  credential: z.string().nullable(),
  /** Bring-your-own-key: only this team may be routed to the provider. */
  teamId: z.string().nullable(),
  /** Since 1.1. Azure OpenAI's `api-version` query parameter; null for other kinds. */
  apiVersion: z.string().nullable().default(null),
  /**
   * Since 1.6. Where the provider runs: the AWS region of a `bedrock` provider (`us-east-1`), the
   * Google Cloud location of a `vertex` provider (`us-central1`, `global`); null for other kinds.
   */
  region: z.string().nullable().default(null),
});

/** Prices in integer micro-USD per million tokens, from one immutable price version. */
export const SnapshotPrice = z.object({
  version: id,
  inputPerMillion: z.number().int().nonnegative(),
  outputPerMillion: z.number().int().nonnegative(),
  cachedInputPerMillion: z.number().int().nonnegative(),
  /** Added in 1.1, optional: prompt-cache writes; absent (models without one, older snapshots) means the input price. */
  cacheWritePerMillion: z.number().int().nonnegative().nullish(),
});

export const SnapshotDeployment = z.object({
  id,
  providerId: id,
  /** The model id the provider knows, e.g. `gpt-4o-mini-2024-07-18`. */
  upstreamModel: z.string(),
  weight: z.number().int().nonnegative(),
  /** Since 1.1. The deployment's own limits (the provider account's quota for this model). */
  limits: SnapshotLimits.default({ rpm: null, tpm: null, maxParallel: null }),
  /** Since 1.1. Timeouts in milliseconds; null means the data plane's default. */
  timeouts: z
    .object({
      connectMs: z.number().int().positive().nullable(),
      firstByteMs: z.number().int().positive().nullable(),
      totalMs: z.number().int().positive().nullable(),
      idleMs: z.number().int().positive().nullable(),
    })
    .default({ connectMs: null, firstByteMs: null, totalMs: null, idleMs: null }),
  /**
   * Since 1.2. Top-level request fields outside the OpenAI spec this deployment
   * accepts and is sent (a vLLM or TGI server's `top_k`, `repetition_penalty`, `guided_json`);
   * every other unknown field is refused with 400 `unknown_parameter`. Set by platform admins.
   */
  extraParameters: z.array(z.string()).default([]),
  /**
   * Since 1.4. The deployment's own price version (createDeployment with a price or
   * `fromCatalogue`): the same model costs differently on OpenAI, Azure or Bedrock. Overrides the
   * model's price for attempts served here; null: the model's price.
   */
  price: SnapshotPrice.nullable().default(null),
});

export const SnapshotModel = z.object({
  id,
  name: z.string(),
  aliases: z.array(z.string()),
  contextWindow: z.number().int().positive().nullable(),
  maxOutputTokens: z.number().int().positive().nullable(),
  price: SnapshotPrice.nullable(),
  deployments: z.array(SnapshotDeployment),
  /** Since 1.1. What the model can do; a request needing more is refused with 400. */
  capabilities: z.object({ streaming: z.boolean(), tools: z.boolean(), embeddings: z.boolean() }).default({ streaming: true, tools: true, embeddings: false }),
  fallbackChainId: z.string().nullable().default(null),
});

/**
 * Since 1.3. The response cache's policy of a plan, a team or a key (the most specific one that
 * exists applies; none means off). Plans' and teams' are set by the platform admin, keys' by
 * their team's admins (setCachePolicy).
 */
export const SnapshotCachePolicy = z.object({
  id,
  scope: z.enum(['plan', 'team', 'key']),
  /** The plan, team or key id. */
  scopeId: id,
  /** False switches the cache off at this level, whatever a wider level says. */
  enabled: z.boolean(),
  /** How long an answer is served from the cache; a request's `x-tollgate-cache-ttl` may only shorten it. */
  ttlSeconds: z.number().int().positive(),
  /** True (the default): only requests with `temperature: 0` or a `seed` are cached. */
  deterministicOnly: z.boolean(),
  /**
   * What a cache hit costs the team, integer micro-USD per hit. Only a plan's policy sets it (the
   * platform admin's price); it applies to the plan's teams whichever level switched the cache on.
   */
  hitPriceMicroUsd: z.number().int().nonnegative(),
});

/** Null: the data plane's own default. */
const orDataPlaneDefault = z.number().int().positive().nullable().default(null);

/**
 * Since 2.1. Routing defaults set by the platform admin (`setRoutingDefaults`, config as code's
 * `routing:`), for every deployment and request. Each null field is the data plane's own default
 * (its TOLLGATE_* environment variables, else the built-in values). A deployment's own timeouts
 * still win over these. One entry today, `scope: 'platform'`; the section is keyed by scope.
 */
export const SnapshotRoutingDefaults = z.object({
  scope: z.literal('platform'),
  /** Upstream attempts per request, and per model of its fallback chain. */
  maxAttempts: orDataPlaneDefault,
  maxAttemptsPerModel: orDataPlaneDefault,
  /** Exponential backoff before re-trying a deployment: base and cap, in milliseconds. */
  retryBackoffMs: orDataPlaneDefault,
  retryBackoffMaxMs: orDataPlaneDefault,
  timeouts: z
    .object({ connectMs: orDataPlaneDefault, firstByteMs: orDataPlaneDefault, totalMs: orDataPlaneDefault, idleMs: orDataPlaneDefault })
    .default({ connectMs: null, firstByteMs: null, totalMs: null, idleMs: null }),
  /** A deployment failing `failures` times within `windowMs` is skipped for `cooldownMs`. */
  cooldown: z
    .object({ failures: orDataPlaneDefault, windowMs: orDataPlaneDefault, cooldownMs: orDataPlaneDefault })
    .default({ failures: null, windowMs: null, cooldownMs: null }),
});

/** Everything a data plane needs to serve, and nothing it does not. */
export const SnapshotContent = z.object({
  schemaVersion: z.string().regex(/^\d+\.\d+$/),
  teams: z.array(SnapshotTeam),
  apiKeys: z.array(SnapshotApiKey),
  providers: z.array(SnapshotProvider),
  models: z.array(SnapshotModel),
  plans: z.array(SnapshotPlan).default([]),
  budgets: z.array(SnapshotBudget).default([]),
  fallbackChains: z.array(SnapshotFallbackChain).default([]),
  routingProfiles: z.array(SnapshotRoutingProfile).default([]),
  /** Since 1.3. */
  cachePolicies: z.array(SnapshotCachePolicy).default([]),
  /** Since 1.5 (shared/snapshot/guardrail.ts). */
  guardrails: z.array(SnapshotGuardrail).default([]),
  /** Since 2.1. At most one entry (scope `platform`); empty: the data planes' own defaults. */
  routingDefaults: z.array(SnapshotRoutingDefaults).max(1).default([]),
});

export const ConfigSnapshot = SnapshotContent.extend({
  /** Monotonic, assigned by the control plane when it stores the snapshot. */
  version: z.number().int().positive(),
  /** contentHash(SnapshotContent): equal config, equal hash, whatever the version. */
  hash: z.string().length(64),
  createdAt: z.iso.datetime(),
});

export type SnapshotContent = z.infer<typeof SnapshotContent>;
export type ConfigSnapshot = z.infer<typeof ConfigSnapshot>;
export type SnapshotTeam = z.infer<typeof SnapshotTeam>;
export type SnapshotApiKey = z.infer<typeof SnapshotApiKey>;
export type SnapshotProvider = z.infer<typeof SnapshotProvider>;
export type SnapshotModel = z.infer<typeof SnapshotModel>;
export type SnapshotDeployment = z.infer<typeof SnapshotDeployment>;
export type SnapshotPrice = z.infer<typeof SnapshotPrice>;
export type SnapshotPlan = z.infer<typeof SnapshotPlan>;
export type SnapshotBudget = z.infer<typeof SnapshotBudget>;
export type SnapshotFallbackChain = z.infer<typeof SnapshotFallbackChain>;
export type SnapshotRoutingProfile = z.infer<typeof SnapshotRoutingProfile>;
export type SnapshotLimits = z.infer<typeof SnapshotLimits>;
export type SnapshotCachePolicy = z.infer<typeof SnapshotCachePolicy>;
export type SnapshotRoutingDefaults = z.infer<typeof SnapshotRoutingDefaults>;

export const schemaMajor = (content: object): number => Number(String((content as { schemaVersion?: unknown }).schemaVersion ?? '').split('.')[0]);

/**
 * The content hash: everything but the envelope (version, hash, createdAt). Computed on the raw
 * object, so fields added by a newer minor version are covered too. 1.x hashes the canonical JSON
 * of the whole content; 2.x combines per-entry hashes (content-digest.ts).
 */
export function hashSnapshotContent(content: object): string {
  if (schemaMajor(content) >= 2) return ContentDigest.of(content).hash(content);
  const { version: _v, hash: _h, createdAt: _c, ...rest } = content as Record<string, unknown>;
  return contentHash(rest);
}

/** `digest`: the per-entry hashes of a 2.x snapshot, which deltas update (null for 1.x). */
export type SnapshotParseResult = { ok: true; snapshot: ConfigSnapshot; digest: ContentDigest | null } | { ok: false; reason: string };

/**
 * Validates a stored snapshot: JSON, known major version, schema, and a hash that matches the
 * content. Anything else is refused and the caller keeps the snapshot it has.
 */
export function parseSnapshot(json: string): SnapshotParseResult {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    return { ok: false, reason: 'snapshot is not valid JSON' };
  }
  if (raw === null || typeof raw !== 'object' || !SNAPSHOT_MAJORS_READ.includes(schemaMajor(raw))) {
    return { ok: false, reason: `unknown snapshot schema major version: ${String((raw as { schemaVersion?: unknown })?.schemaVersion)}` };
  }
  const parsed = ConfigSnapshot.safeParse(raw);
  if (!parsed.success) return { ok: false, reason: `snapshot does not match the schema: ${z.prettifyError(parsed.error)}` };
  // Hashed on the raw object, so fields added by a newer minor version are covered too.
  const digest = schemaMajor(raw) >= 2 ? ContentDigest.of(raw) : null;
  const hash = digest ? digest.hash(raw) : hashSnapshotContent(raw);
  if (hash !== parsed.data.hash) return { ok: false, reason: 'snapshot hash does not match its content' };
  return { ok: true, snapshot: parsed.data, digest };
}
