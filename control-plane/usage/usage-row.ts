import type { Prisma, UsageEvent as UsageRow } from '../../generated/prisma/client.ts';
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

/**
 * A usage event the ledger has just stored, as live subscribers are told of it: the event as it
 * arrived, and the createdAt the database gave its row.
 */
export interface StoredUsage {
  event: UsageEvent;
  createdAt: Date;
  /** The event's JSON text as it arrived, where the bus had it (UsageHandler): fanned out as is. */
  json?: string;
}

/** The ledger row as stored, for live subscribers (the same fields a read would return). */
export function storedRow({ event, createdAt }: StoredUsage): UsageRow {
  const row = usageRow(event);
  return {
    ...row,
    deploymentId: row.deploymentId ?? null,
    endUser: row.endUser ?? null,
    cachedTokens: row.cachedTokens ?? 0,
    providerCostMicroUsd: row.providerCostMicroUsd ?? null,
    priceVersion: row.priceVersion ?? null,
    byok: row.byok ?? false,
    estimated: row.estimated ?? false,
    outcome: row.outcome ?? 'ok',
    guardrail: row.guardrail ?? null,
    metadata: row.metadata ?? null,
    streamed: row.streamed ?? false,
    ttfbMs: row.ttfbMs ?? null,
    startedAt: new Date(event.startedAt),
    createdAt,
  } as UsageRow;
}
