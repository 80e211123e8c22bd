import { z } from 'zod';
import { BUDGET_PERIODS, FALLBACK_TRIGGERS, PROVIDER_KINDS, ROUTING_STRATEGIES } from '../../../shared/snapshot/schema.ts';
import { MAX_CACHE_TTL_SECONDS } from '../cache-policies/cache-policies.ts';
import { BILLING_MODES } from '../plans/plans.ts';
import { ConfigGuardrail } from './config-guardrails.ts';

/**
 * The config-as-code file (`tollgate.yaml`, docs/config-as-code.md). Objects are named, never
 * referred to by id, so a file moves between databases. Parsing fills every default, so the parsed
 * form is canonical: two files that mean the same thing parse to equal objects, and the diff of
 * `applyConfig` compares canonical objects field by field.
 *
 * The field rules (lengths, patterns) are the domain layer's: applying runs the same mutations as
 * GraphQL, which check them again. Here they are repeated only where an editor benefits (the JSON
 * Schema generated from this file, docs/tollgate.schema.json).
 */
export const CONFIG_FILE_VERSION = 1;

const name = z.string().min(1).max(128);
const nullableText = z.string().max(20_000).nullable().default(null);
const positiveInt = z.number().int().positive();
/** Integer micro-USD (1 USD = 1,000,000); a YAML integer, exact up to 2^53. */
const microUsd = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

const Limits = z
  .object({ rpm: positiveInt.nullable().default(null), tpm: positiveInt.nullable().default(null), maxParallel: positiveInt.nullable().default(null) })
  .strict();
const NO_LIMITS = { rpm: null, tpm: null, maxParallel: null };

const Timeouts = z
  .object({
    connectMs: positiveInt.nullable().default(null),
    firstByteMs: positiveInt.nullable().default(null),
    totalMs: positiveInt.nullable().default(null),
    idleMs: positiveInt.nullable().default(null),
  })
  .strict();
const NO_TIMEOUTS = { connectMs: null, firstByteMs: null, totalMs: null, idleMs: null };

const alertThresholds = z
  .array(z.number().int().min(1).max(1000))
  .default([])
  .transform((list) => [...new Set(list)].sort((a, b) => a - b));

const Budget = z.object({ period: z.enum(BUDGET_PERIODS), amountMicroUsd: microUsd, hard: z.boolean().default(true), alertThresholds }).strict();

/** `${NAME}`: the value of an environment variable where the file is applied. */
export const ENV_REFERENCE = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/;

export const ConfigRoutingProfile = z.object({ name, strategy: z.enum(ROUTING_STRATEGIES), description: nullableText }).strict();

export const ConfigProvider = z
  .object({
    name,
    kind: z.enum(PROVIDER_KINDS),
    /** Absent: the kind's well-known endpoint (openai, anthropic, gemini), none for mock. */
    baseUrl: z.string().min(1).nullable().default(null),
    apiVersion: z.string().min(1).nullable().default(null),
    /** The AWS region (bedrock) or Google Cloud location (vertex). */
    region: z.string().min(1).nullable().default(null),
    /** `${ENV_VAR}`; a literal only with allowLiteralSecrets. Absent: no credential. */
    apiKey: z.string().min(1).nullable().default(null),
    /** A team's slug: the team's own provider (bring your own key). Absent: a platform provider. */
    team: name.nullable().default(null),
  })
  .strict();

export const ConfigPrice = z
  .object({
    inputPerMillion: microUsd,
    outputPerMillion: microUsd,
    /** Absent: the input price. */
    cachedInputPerMillion: microUsd.nullable().default(null),
    /** Prompt-cache writes. Absent: the input price. */
    cacheWritePerMillion: microUsd.nullable().default(null),
  })
  .strict()
  .transform(({ cacheWritePerMillion, ...price }) => ({
    ...price,
    cachedInputPerMillion: price.cachedInputPerMillion ?? price.inputPerMillion,
    // Only when set, so configs without one diff and export as before.
    ...(cacheWritePerMillion === null ? {} : { cacheWritePerMillion }),
  }));

export const ConfigDeployment = z
  .object({
    provider: name,
    upstreamModel: z.string().min(1).max(200),
    weight: z.number().int().min(0).max(1000).default(1),
    limits: Limits.default(NO_LIMITS),
    timeouts: Timeouts.default(NO_TIMEOUTS),
    /** Request fields outside the OpenAI spec the deployment's server accepts (vLLM's `top_k`...). */
    extraParameters: z
      .array(z.string().min(1).max(64))
      .max(64)
      .default([])
      .transform((names) => [...new Set(names)]),
    /**
     * The deployment's own current price version, overriding the model's for attempts it serves
     * (a deployment created `fromCatalogue` is exported with the price it got). Absent: left as it is.
     */
    price: ConfigPrice.nullable().default(null),
  })
  .strict();

export const ConfigModel = z
  .object({
    name,
    aliases: z.array(name).default([]),
    description: nullableText,
    tags: z.array(z.string().min(1).max(50)).default([]),
    contextWindow: positiveInt.nullable().default(null),
    maxOutputTokens: positiveInt.nullable().default(null),
    capabilities: z
      .object({ streaming: z.boolean().default(true), tools: z.boolean().default(true), embeddings: z.boolean().default(false) })
      .strict()
      .default({ streaming: true, tools: true, embeddings: false }),
    fallbackChain: name.nullable().default(null),
    /** The current price version. Absent: prices are left as they are. */
    price: ConfigPrice.nullable().default(null),
    deployments: z.array(ConfigDeployment).min(1, 'a model needs at least one deployment'),
    /** Platform-wide budgets on this model, one per period. */
    budgets: z.array(Budget).default([]),
  })
  .strict();

export const ConfigFallbackChain = z
  .object({
    name,
    description: nullableText,
    models: z.array(name).min(1),
    triggers: z
      .array(z.enum(FALLBACK_TRIGGERS))
      .min(1)
      .transform((list) => [...new Set(list)].sort()),
  })
  .strict();

/** The response cache of a plan or a team (docs/cache.md); absent or null: no policy at this level. */
const TeamCache = z
  .object({
    ttlSeconds: z.number().int().min(1).max(MAX_CACHE_TTL_SECONDS),
    enabled: z.boolean().default(true),
    deterministicOnly: z.boolean().default(true),
  })
  .strict();
/** A plan's policy also prices a hit for the plan's teams (integer micro-USD). */
const PlanCache = TeamCache.extend({ hitPriceMicroUsd: microUsd.default(0) }).strict();

export const ConfigPlan = z
  .object({
    name,
    description: nullableText,
    /** Empty: every model. */
    allowedModels: z
      .array(name)
      .default([])
      .transform((list) => [...new Set(list)].sort()),
    limits: Limits.default(NO_LIMITS),
    /** The budget template every team on the plan gets. */
    budget: Budget.nullable().default(null),
    markupBasisPoints: z.number().int().min(0).max(100_000).default(0),
    billing: z.enum(BILLING_MODES).default('postpaid'),
    routingProfile: name.nullable().default(null),
    fallbackChain: name.nullable().default(null),
    cache: PlanCache.nullable().default(null),
    /** Guardrails every team on the plan gets (docs/guardrails.md), by name. */
    guardrails: z.array(ConfigGuardrail).default([]),
  })
  .strict();

export const ConfigTeam = z
  .object({
    slug: name,
    name: z.string().min(1).max(200),
    systemPrompt: nullableText,
    logPrompts: z.boolean().default(false),
    blocked: z.boolean().default(false),
    plan: name.nullable().default(null),
    routingProfile: name.nullable().default(null),
    fallbackChain: name.nullable().default(null),
    /** The team's own budgets (platform admin), one per period. */
    budgets: z.array(Budget).default([]),
    cache: TeamCache.nullable().default(null),
    /** The team's own guardrails, after its plan's, by name. */
    guardrails: z.array(ConfigGuardrail).default([]),
  })
  .strict();

const attempts = z.number().int().min(1).max(100).nullable().default(null);
const ms = z.number().int().min(1).max(3_600_000).nullable().default(null);

/**
 * The platform's routing defaults (docs/routing.md), carried to every data plane in the snapshot.
 * A field absent or null is unset: the data planes' own default (their TOLLGATE_* environment,
 * else the built-in value). The section absent leaves the stored defaults alone (unset with --prune).
 */
export const ConfigRouting = z
  .object({
    maxAttempts: attempts,
    maxAttemptsPerModel: attempts,
    retryBackoffMs: ms,
    retryBackoffMaxMs: ms,
    /** For deployments without their own timeouts. */
    timeouts: Timeouts.default(NO_TIMEOUTS),
    cooldown: z.object({ failures: attempts, windowMs: ms, cooldownMs: ms }).strict().default({ failures: null, windowMs: null, cooldownMs: null }),
  })
  .strict();

export const ConfigFile = z
  .object({
    version: z.literal(CONFIG_FILE_VERSION),
    routing: ConfigRouting.nullable().default(null),
    routingProfiles: z.array(ConfigRoutingProfile).default([]),
    providers: z.array(ConfigProvider).default([]),
    models: z.array(ConfigModel).default([]),
    fallbackChains: z.array(ConfigFallbackChain).default([]),
    plans: z.array(ConfigPlan).default([]),
    teams: z.array(ConfigTeam).default([]),
  })
  .strict();

export type ConfigFile = z.infer<typeof ConfigFile>;
export type ConfigRoutingProfile = z.infer<typeof ConfigRoutingProfile>;
export type ConfigRouting = z.infer<typeof ConfigRouting>;
export type ConfigProvider = z.infer<typeof ConfigProvider>;
export type ConfigModel = z.infer<typeof ConfigModel>;
export type ConfigDeployment = z.infer<typeof ConfigDeployment>;
export type ConfigPrice = z.infer<typeof ConfigPrice>;
export type ConfigFallbackChain = z.infer<typeof ConfigFallbackChain>;
export type ConfigPlan = z.infer<typeof ConfigPlan>;
export type ConfigTeam = z.infer<typeof ConfigTeam>;
export type ConfigBudget = z.infer<typeof Budget>;
export type ConfigCache = z.infer<typeof PlanCache> | z.infer<typeof TeamCache>;

/** The sections, in the order they are written and applied. */
export const SECTIONS = ['routingProfiles', 'providers', 'models', 'fallbackChains', 'plans', 'teams'] as const;
export type Section = (typeof SECTIONS)[number];

/** The field that names an object of each section. */
export const KEY_FIELD = {
  routingProfiles: 'name',
  providers: 'name',
  models: 'name',
  fallbackChains: 'name',
  plans: 'name',
  teams: 'slug',
} as const satisfies Record<Section, string>;

/** The JSON Schema editors validate the file with (written to docs/tollgate.schema.json). */
export function configJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(ConfigFile, { io: 'input', unrepresentable: 'any' }),
    $id: 'https://github.com/tollgate/tollgate/docs/tollgate.schema.json',
    title: 'Tollgate configuration (tollgate.yaml)',
  };
}
