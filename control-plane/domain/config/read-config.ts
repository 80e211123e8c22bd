import { stringify } from 'yaml';
import type { ModelPrice } from '../../../generated/prisma/client.ts';
import { inForce, priceInForce } from '../models/prices.ts';
import type { Tx } from '../mutate.ts';
import { hasRoutingDefaults, readRoutingDefaults } from '../routing-defaults/routing-defaults.ts';
import { exportGuardrail } from './config-guardrails.ts';
import { CONFIG_FILE_VERSION, type ConfigBudget, type ConfigFile, type ConfigPrice, SECTIONS } from './config-schema.ts';

/**
 * The environment variable an exported provider's credential is read from when the file is
 * applied: `TOLLGATE_PROVIDER_<NAME>_API_KEY`, the name upper-cased with other characters as `_`.
 */
export function credentialVariable(providerName: string): string {
  return `TOLLGATE_PROVIDER_${providerName.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_API_KEY`;
}

const byName = <T extends { name: string }>(a: T, b: T) => a.name.localeCompare(b.name);
const num = (value: bigint) => Number(value);

function budgetOf(row: { period: string; amountMicroUsd: bigint; hard: boolean; alertThresholds: number[] }): ConfigBudget {
  return {
    period: row.period as ConfigBudget['period'],
    amountMicroUsd: num(row.amountMicroUsd),
    hard: row.hard,
    alertThresholds: [...row.alertThresholds].sort((a, b) => a - b),
  };
}

/** A price version in force as the file writes it (cache writes only when set, as the parser leaves them). */
function priceOf(price: ModelPrice | undefined): ConfigPrice | null {
  if (!price) return null;
  return {
    inputPerMillion: num(price.inputMicroUsdPerMillion),
    outputPerMillion: num(price.outputMicroUsdPerMillion),
    cachedInputPerMillion: num(price.cachedInputMicroUsdPerMillion),
    ...(price.cacheWriteMicroUsdPerMillion === null ? {} : { cacheWritePerMillion: num(price.cacheWriteMicroUsdPerMillion) }),
  };
}

/**
 * The whole configuration as the canonical parsed form of a config file. Not exported: API keys
 * and members (secrets and people, not config), key budgets, credits, and future price versions
 * (only the price in effect `now`, the model's and each deployment's own).
 */
export async function readConfig(db: Tx, now = new Date()): Promise<ConfigFile> {
  const [routing, profiles, providers, models, chains, plans, teams, budgets, cachePolicies, guardrails] = await Promise.all([
    readRoutingDefaults(db),
    db.routingProfile.findMany(),
    db.provider.findMany({ include: { team: { select: { slug: true } } } }),
    db.model.findMany({
      include: {
        deployments: { include: { provider: { select: { name: true } }, prices: inForce(now) } },
        prices: priceInForce({ deploymentId: null }, now),
        fallbackChain: { select: { name: true } },
      },
    }),
    db.fallbackChain.findMany({ include: { entries: { orderBy: { position: 'asc' }, include: { model: { select: { name: true } } } } } }),
    db.plan.findMany({ include: { routingProfile: { select: { name: true } }, fallbackChain: { select: { name: true } } } }),
    db.team.findMany({ include: { plan: { select: { name: true } }, routingProfile: { select: { name: true } }, fallbackChain: { select: { name: true } } } }),
    db.budget.findMany({ where: { scope: { in: ['team', 'model'] } } }),
    db.cachePolicy.findMany({ where: { scope: { in: ['plan', 'team'] } } }),
    db.guardrail.findMany({ orderBy: { name: 'asc' } }),
  ]);
  /** Key policies are left out, as keys are. */
  const cacheOf = (scope: 'plan' | 'team', scopeId: string) => {
    const policy = cachePolicies.find((p) => p.scope === scope && p.scopeId === scopeId);
    if (!policy) return null;
    const common = { ttlSeconds: policy.ttlSeconds, enabled: policy.enabled, deterministicOnly: policy.deterministicOnly };
    return scope === 'plan' ? { ...common, hitPriceMicroUsd: Number(policy.hitPriceMicroUsd) } : common;
  };
  const budgetsOf = (scope: string, scopeId: string) =>
    budgets
      .filter((b) => b.scope === scope && b.scopeId === scopeId)
      .map(budgetOf)
      .sort((a, b) => a.period.localeCompare(b.period));

  return {
    version: CONFIG_FILE_VERSION,
    // None set reads as the section absent, so an export of a fresh platform has no `routing:`.
    routing: hasRoutingDefaults(routing) ? routing : null,
    routingProfiles: profiles.map((p) => ({ name: p.name, strategy: p.strategy as never, description: p.description })).sort(byName),
    providers: providers
      .map((p) => ({
        name: p.name,
        kind: p.kind as never,
        baseUrl: p.baseUrl,
        apiVersion: p.apiVersion,
        region: p.region,
        apiKey: p.credentialCiphertext ? `\${${credentialVariable(p.name)}}` : null,
        team: p.team?.slug ?? null,
      }))
      .sort(byName),
    models: models
      .map((m) => ({
        name: m.name,
        aliases: [...m.aliases],
        description: m.description,
        tags: [...m.tags],
        contextWindow: m.contextWindow,
        maxOutputTokens: m.maxOutputTokens,
        capabilities: { streaming: m.supportsStreaming, tools: m.supportsTools, embeddings: m.supportsEmbeddings },
        fallbackChain: m.fallbackChain?.name ?? null,
        price: priceOf(m.prices[0]),
        deployments: m.deployments
          .map((d) => ({
            provider: d.provider.name,
            upstreamModel: d.upstreamModel,
            weight: d.weight,
            limits: { rpm: d.rpm, tpm: d.tpm, maxParallel: d.maxParallel },
            timeouts: { connectMs: d.connectTimeoutMs, firstByteMs: d.firstByteTimeoutMs, totalMs: d.totalTimeoutMs, idleMs: d.idleTimeoutMs },
            extraParameters: [...d.extraParameters],
            price: priceOf(d.prices[0]),
          }))
          .sort((a, b) => a.provider.localeCompare(b.provider) || a.upstreamModel.localeCompare(b.upstreamModel)),
        budgets: budgetsOf('model', m.id),
      }))
      .sort(byName),
    fallbackChains: chains
      .map((c) => ({ name: c.name, description: c.description, models: c.entries.map((e) => e.model.name), triggers: [...c.triggers].sort() as never }))
      .sort(byName),
    plans: plans
      .map((p) => ({
        name: p.name,
        description: p.description,
        allowedModels: [...p.allowedModels].sort(),
        limits: { rpm: p.rpm, tpm: p.tpm, maxParallel: p.maxParallel },
        budget:
          p.budgetAmountMicroUsd !== null && p.budgetPeriod
            ? budgetOf({ period: p.budgetPeriod, amountMicroUsd: p.budgetAmountMicroUsd, hard: p.budgetHard, alertThresholds: p.budgetAlertThresholds })
            : null,
        markupBasisPoints: p.markupBasisPoints,
        billing: p.billing as never,
        routingProfile: p.routingProfile?.name ?? null,
        fallbackChain: p.fallbackChain?.name ?? null,
        cache: cacheOf('plan', p.id) as ConfigFile['plans'][number]['cache'],
        guardrails: guardrails.filter((g) => g.planId === p.id).map((g) => exportGuardrail(g, `plan:${p.name}`)),
      }))
      .sort(byName),
    teams: teams
      .map((t) => ({
        slug: t.slug,
        name: t.name,
        systemPrompt: t.systemPrompt,
        logPrompts: t.logPrompts,
        blocked: t.blocked,
        plan: t.plan?.name ?? null,
        routingProfile: t.routingProfile?.name ?? null,
        fallbackChain: t.fallbackChain?.name ?? null,
        budgets: budgetsOf('team', t.id),
        cache: cacheOf('team', t.id),
        guardrails: guardrails.filter((g) => g.teamId === t.id).map((g) => exportGuardrail(g, `team:${t.slug}`)),
      }))
      .sort((a, b) => a.slug.localeCompare(b.slug)),
  };
}

const HEADER = `# Tollgate configuration (docs/config-as-code.md). Apply with: npm run config -- apply tollgate.yaml
# yaml-language-server: $schema=./tollgate.schema.json
`;

/** The YAML text of a configuration: defaults left out where they are null or empty. */
export function configToYaml(config: ConfigFile): string {
  const body: Record<string, unknown> = { version: config.version };
  if (config.routing) body.routing = compact(config.routing);
  for (const section of SECTIONS) {
    if (config[section].length > 0) body[section] = (config[section] as unknown[]).map(compact);
  }
  return HEADER + stringify(body, { lineWidth: 0, aliasDuplicateObjects: false });
}

/** Drops nulls, empty lists and objects whose fields are all null: absent means the same. */
function compact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(compact);
  if (!value || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    if (field === null || (Array.isArray(field) && field.length === 0)) continue;
    if (field && typeof field === 'object' && !Array.isArray(field) && Object.values(field).every((v) => v === null)) continue;
    out[key] = compact(field);
  }
  return out;
}
