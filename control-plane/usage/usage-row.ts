import type { Prisma } from '../../generated/prisma/client.ts';
import type { UsageEvent } from '../../shared/events/usage-event.ts';

/** The ledger row of a usage event: every field the contract carries, money as bigint. */
export function usageRow(event: UsageEvent): Prisma.UsageEventCreateManyInput {
  return {
    id: event.id,
    requestId: event.requestId,
    attempt: event.attempt,
    teamId: event.teamId,
    apiKeyId: event.apiKeyId,
    model: event.model,
    provider: event.provider,
    deploymentId: event.deploymentId,
    endUser: event.endUser,
    promptTokens: event.promptTokens,
    completionTokens: event.completionTokens,
    cachedTokens: event.cachedTokens,
    cacheWriteTokens: event.cacheWriteTokens ?? 0,
    reasoningTokens: event.reasoningTokens ?? 0,
    markupBasisPoints: event.markupBasisPoints ?? null,
    costMicroUsd: BigInt(event.costMicroUsd),
    providerCostMicroUsd: event.providerCostMicroUsd === undefined ? null : BigInt(event.providerCostMicroUsd),
    priceVersion: event.priceVersion,
    byok: event.byok ?? false,
    estimated: event.estimated,
    cacheHit: event.cacheHit ?? false,
    cacheSavedMicroUsd: BigInt(event.cacheSavedMicroUsd ?? 0),
    status: event.status,
    outcome: event.outcome,
    guardrail: event.guardrail ?? null,
    streamed: event.streamed,
    latencyMs: event.latencyMs,
    ttfbMs: event.ttfbMs,
    snapshotVersion: event.snapshotVersion,
    snapshotHash: event.snapshotHash,
    startedAt: new Date(event.startedAt),
    tags: event.tags ?? [],
    metadata: event.metadata ?? undefined,
  };
}
