import type { ApiKey, CachePolicy, Deployment, Guardrail, Model, ModelPrice, Plan, Provider } from '../../generated/prisma/client.ts';
import type { GuardrailCheck, GuardrailStage, GuardrailStreamMode, SnapshotGuardrail } from '../../shared/snapshot/guardrail.ts';
import {
  PROVIDER_KINDS,
  type ProviderKind,
  type SnapshotApiKey,
  type SnapshotCachePolicy,
  type SnapshotLimits,
  type SnapshotModel,
  type SnapshotPlan,
  type SnapshotPrice,
  type SnapshotProvider,
  type SnapshotTeam,
} from '../../shared/snapshot/schema.ts';
import type { BudgetRow, TeamOnPlan } from '../domain/budgets/effective-budgets.ts';
import type { StoredCheck } from '../domain/guardrails/guardrail-input.ts';

/** Row -> snapshot entry mappers. Pure: the compile step does all the reading. */

const isProviderKind = (kind: string): kind is ProviderKind => (PROVIDER_KINDS as readonly string[]).includes(kind);

type Named = { routingProfile: { name: string } | null };

function limits(row: { rpm: number | null; tpm: number | null; maxParallel: number | null }): SnapshotLimits {
  return { rpm: row.rpm, tpm: row.tpm, maxParallel: row.maxParallel };
}

/** A team as its snapshot entry and its plan's budget template need it (readTeams). */
export interface TeamRow {
  id: string;
  slug: string;
  name: string;
  blocked: boolean;
  systemPrompt: string | null;
  planId: string | null;
  logPrompts: boolean;
  fallbackChainId: string | null;
  routingProfile: { name: string } | null;
  plan: TeamOnPlan['plan'];
  /** Prepaid credits ever granted (the sum of the team's grants). */
  creditsGranted: bigint;
  /** The team's own budgets, when readTeams was asked for them. */
  ownBudgets?: BudgetRow[];
}

export function toSnapshotTeam(team: TeamRow): SnapshotTeam {
  return {
    id: team.id,
    slug: team.slug,
    name: team.name,
    blocked: team.blocked,
    systemPrompt: team.systemPrompt,
    planId: team.planId,
    creditsGrantedMicroUsd: Number(team.creditsGranted),
    logPrompts: team.logPrompts,
    fallbackChainId: team.fallbackChainId,
    routingProfile: team.routingProfile?.name ?? null,
  };
}

export function toSnapshotApiKey(key: ApiKey & Named): SnapshotApiKey {
  return {
    id: key.id,
    teamId: key.teamId,
    hash: key.hash,
    prefix: key.prefix,
    allowedModels: key.allowedModels,
    expiresAt: key.expiresAt?.toISOString() ?? null,
    // `revoked` is the "do not serve" flag every data plane knows, so a blocked key sets it too;
    // `blocked` (newer) tells the client the key is blocked, which an admin can undo.
    revoked: key.revokedAt !== null || key.blocked,
    blocked: key.blocked && key.revokedAt === null,
    limits: limits(key),
    previousHash: key.previousHash,
    previousHashExpiresAt: key.previousHashExpiresAt?.toISOString() ?? null,
    fallbackChainId: key.fallbackChainId,
    routingProfile: key.routingProfile?.name ?? null,
  };
}

/** Providers of a kind this contract version does not know are left out rather than failing. */
export function toSnapshotProvider(provider: Provider): SnapshotProvider[] {
  if (!isProviderKind(provider.kind)) return [];
  return [
    {
      id: provider.id,
      name: provider.name,
      kind: provider.kind,
      baseUrl: provider.baseUrl,
      // Still sealed: only a data plane holding TOLLGATE_SECRET_KEY can open it.
      credential: provider.credentialCiphertext,
      teamId: provider.teamId,
      apiVersion: provider.apiVersion,
      region: provider.region,
    },
  ];
}

/** A price version as the snapshot carries it. */
function toSnapshotPrice(price: ModelPrice | undefined): SnapshotPrice | null {
  if (!price) return null;
  return {
    version: price.id,
    inputPerMillion: Number(price.inputMicroUsdPerMillion),
    outputPerMillion: Number(price.outputMicroUsdPerMillion),
    cachedInputPerMillion: Number(price.cachedInputMicroUsdPerMillion),
    // Only when set: snapshots of models without one keep their content (and hash) as before.
    ...(price.cacheWriteMicroUsdPerMillion === null ? {} : { cacheWritePerMillion: Number(price.cacheWriteMicroUsdPerMillion) }),
  };
}

export function toSnapshotModel(model: Model & { deployments: (Deployment & { prices: ModelPrice[] })[]; prices: ModelPrice[] }): SnapshotModel {
  return {
    id: model.id,
    name: model.name,
    aliases: model.aliases,
    contextWindow: model.contextWindow,
    maxOutputTokens: model.maxOutputTokens,
    price: toSnapshotPrice(model.prices[0]),
    deployments: model.deployments.map((d) => ({
      id: d.id,
      providerId: d.providerId,
      upstreamModel: d.upstreamModel,
      weight: d.weight,
      limits: limits(d),
      timeouts: { connectMs: d.connectTimeoutMs, firstByteMs: d.firstByteTimeoutMs, totalMs: d.totalTimeoutMs, idleMs: d.idleTimeoutMs },
      extraParameters: d.extraParameters,
      // Only when set (1.4): deployments without their own price keep their content as before.
      ...(d.prices[0] ? { price: toSnapshotPrice(d.prices[0]) } : {}),
    })) as SnapshotModel['deployments'],
    capabilities: { streaming: model.supportsStreaming, tools: model.supportsTools, embeddings: model.supportsEmbeddings },
    fallbackChainId: model.fallbackChainId,
  };
}

export function toSnapshotPlan(plan: Plan & Named): SnapshotPlan {
  return {
    id: plan.id,
    name: plan.name,
    allowedModels: plan.allowedModels,
    limits: limits(plan),
    markupBasisPoints: plan.markupBasisPoints,
    billing: plan.billing as SnapshotPlan['billing'],
    fallbackChainId: plan.fallbackChainId,
    routingProfile: plan.routingProfile?.name ?? null,
    // Plans carry no system prompt of their own yet: the team's applies.
    systemPrompt: null,
  };
}

export function toSnapshotCachePolicy(policy: CachePolicy): SnapshotCachePolicy {
  return {
    id: policy.id,
    scope: policy.scope as SnapshotCachePolicy['scope'],
    scopeId: policy.scopeId,
    enabled: policy.enabled,
    ttlSeconds: policy.ttlSeconds,
    deterministicOnly: policy.deterministicOnly,
    hitPriceMicroUsd: Number(policy.hitPriceMicroUsd),
  };
}

/** A guardrail as carried: a webhook's check gets its sealed secret back (the data plane opens it). */
export function toSnapshotGuardrail(row: Guardrail): SnapshotGuardrail {
  const stored = row.config as StoredCheck;
  const check: GuardrailCheck = stored.kind === 'webhook' ? { ...stored, secret: row.secretCiphertext ?? '' } : stored;
  return {
    id: row.id,
    name: row.name,
    planId: row.planId,
    teamId: row.teamId,
    stage: row.stage as GuardrailStage,
    streamMode: row.streamMode as GuardrailStreamMode,
    check,
  };
}
