import type { ModelPrice, UsageEvent as UsageRow } from '../../generated/prisma/client.ts';
import { costMicroUsd } from '../../shared/pricing/cost.ts';
import { withMarkup } from '../../shared/pricing/markup.ts';
import type { SnapshotPrice } from '../../shared/snapshot/schema.ts';
import type { Tx } from '../domain/mutate.ts';
import { type LedgerEvent, prismaQuery, storeBatch } from './ledger-sql.ts';

export interface RerateScope {
  teamId?: string | null;
  /** The public model name, as usage events carry it. */
  model?: string | null;
  from: Date;
  to: Date;
}

export interface RerateOutcome {
  /** Attempts looked at (cache hits, priced per hit, are not re-rated). */
  attempts: number;
  /** Adjustment rows written: attempts whose cost changed. */
  adjusted: number;
  /** Sum of the adjustments (what the teams are charged more, negative: less), integer micro-USD. */
  deltaMicroUsd: bigint;
  /** Attempts left as they are: their model is gone or had no price version at their start. */
  unpriced: number;
}

/** A stored price version as shared/pricing reads it. */
function asPrice(row: ModelPrice): SnapshotPrice {
  return {
    version: row.id,
    inputPerMillion: Number(row.inputMicroUsdPerMillion),
    outputPerMillion: Number(row.outputMicroUsdPerMillion),
    cachedInputPerMillion: Number(row.cachedInputMicroUsdPerMillion),
    cacheWritePerMillion: row.cacheWriteMicroUsdPerMillion === null ? null : Number(row.cacheWriteMicroUsdPerMillion),
  };
}

/** The version in force at `at` among `versions` (the snapshot's rule: latest effectiveFrom, then latest created). */
function inForceAt(versions: readonly ModelPrice[], at: Date): ModelPrice | null {
  let best: ModelPrice | null = null;
  for (const v of versions) {
    if (v.effectiveFrom > at) continue;
    if (!best || v.effectiveFrom > best.effectiveFrom || (v.effectiveFrom.getTime() === best.effectiveFrom.getTime() && v.createdAt > best.createdAt)) best = v;
  }
  return best;
}

/**
 * Re-rates the attempts of `scope` under the price versions stored now (a correction made with
 * `setModelPrice(corrects: <version>)`): for each attempt, the deployment's own version in force at
 * its start, else the model's, with the markup it was charged at. Where the attempt's cost so far
 * (its row plus earlier adjustments) differs, an adjustment row is inserted through the same
 * statement ingestion uses (control-plane/usage/ledger-sql.ts): the signed difference, tokens 0,
 * attempt 0, the attempt's startedAt, team, key, model and provider. So the daily and period
 * counters (UsageDaily, UsageSpend: budget status, the credit balance) move by exactly that
 * difference, in the same transaction, and a full recompute (`ledger:repair`) agrees. Stored
 * rows are never edited; re-rating twice adds nothing the second time.
 */
export async function rerateLedger(tx: Tx, scope: RerateScope, rerateId: string, currentMarkup: (teamId: string) => number): Promise<RerateOutcome> {
  const where = {
    startedAt: { gte: scope.from, lt: scope.to },
    adjustmentOf: null,
    cacheHit: false,
    ...(scope.teamId ? { teamId: scope.teamId } : {}),
    ...(scope.model ? { model: scope.model } : {}),
  };
  // One re-rating at a time: two at once would both see the same cost so far and adjust twice.
  await tx.$queryRawUnsafe(`SELECT pg_advisory_xact_lock(hashtext('tollgate.rerate'))::text AS locked`);
  const attempts = await tx.usageEvent.findMany({ where, orderBy: [{ startedAt: 'asc' }, { id: 'asc' }] });
  const outcome: RerateOutcome = { attempts: attempts.length, adjusted: 0, deltaMicroUsd: 0n, unpriced: 0 };
  if (attempts.length === 0) return outcome;

  const earlier = await tx.usageEvent.groupBy({
    by: ['adjustmentOf'],
    where: { adjustmentOf: { in: attempts.map((a) => a.id) } },
    _sum: { costMicroUsd: true, providerCostMicroUsd: true },
  });
  const adjustedSoFar = new Map(earlier.map((e) => [e.adjustmentOf!, e._sum]));
  const models = await tx.model.findMany({ where: { name: { in: [...new Set(attempts.map((a) => a.model))] } }, include: { prices: true } });
  const pricesOf = new Map(models.map((m) => [m.name, m.prices]));

  const adjustments: LedgerEvent[] = [];
  for (const attempt of attempts) {
    const versions = pricesOf.get(attempt.model);
    const own =
      versions && attempt.deploymentId
        ? inForceAt(
            versions.filter((v) => v.deploymentId === attempt.deploymentId),
            attempt.startedAt,
          )
        : null;
    const version =
      own ??
      (versions
        ? inForceAt(
            versions.filter((v) => v.deploymentId === null),
            attempt.startedAt,
          )
        : null);
    if (!version) {
      outcome.unpriced++;
      continue;
    }
    const providerCost = costMicroUsd(asPrice(version), attempt);
    const markup = attempt.byok ? 0 : (attempt.markupBasisPoints ?? currentMarkup(attempt.teamId));
    const cost = BigInt(withMarkup(providerCost, markup));
    const before = adjustedSoFar.get(attempt.id);
    const chargedSoFar = attempt.costMicroUsd + (before?.costMicroUsd ?? 0n);
    const providerSoFar = (attempt.providerCostMicroUsd ?? 0n) + (before?.providerCostMicroUsd ?? 0n);
    const delta = cost - chargedSoFar;
    const providerDelta = BigInt(providerCost) - providerSoFar;
    if (delta === 0n && providerDelta === 0n) continue;
    adjustments.push(adjustmentRow(attempt, rerateId, version.id, delta, providerDelta, markup));
    outcome.deltaMicroUsd += delta;
  }
  outcome.adjusted = adjustments.length;
  for (let i = 0; i < adjustments.length; i += 1000) await storeBatch(prismaQuery(tx), adjustments.slice(i, i + 1000));
  return outcome;
}

/** The adjustment of one attempt: its identity and dimensions, the signed differences, no tokens, no attempt. */
function adjustmentRow(attempt: UsageRow, rerateId: string, priceVersion: string, delta: bigint, providerDelta: bigint, markup: number): LedgerEvent {
  return {
    schemaVersion: 1,
    id: `${attempt.id}:rerate:${rerateId}`,
    requestId: attempt.requestId,
    // 0: counted as no request and no attempt (ledger-recompute.sql.ts), only its cost adds.
    attempt: 0,
    teamId: attempt.teamId,
    apiKeyId: attempt.apiKeyId,
    model: attempt.model,
    budgetModelId: attempt.budgetModelId ?? undefined,
    provider: attempt.provider,
    providerId: '',
    // Null for attempts stored before deployments were recorded; the column takes it as is.
    deploymentId: attempt.deploymentId as string,
    endUser: attempt.endUser,
    // The attempt's tags: its tag counters move by the adjustment too.
    tags: attempt.tags,
    promptTokens: 0,
    completionTokens: 0,
    cachedTokens: 0,
    // Signed: the contract's nonnegative bound is for data planes; the ledger column is a bigint.
    costMicroUsd: Number(delta),
    providerCostMicroUsd: Number(providerDelta),
    markupBasisPoints: markup,
    byok: attempt.byok,
    priceVersion,
    estimated: attempt.estimated,
    status: attempt.status,
    outcome: attempt.outcome as LedgerEvent['outcome'],
    streamed: attempt.streamed,
    latencyMs: 0,
    ttfbMs: null,
    snapshotVersion: attempt.snapshotVersion,
    snapshotHash: attempt.snapshotHash,
    startedAt: attempt.startedAt.toISOString(),
    adjustmentOf: attempt.id,
  };
}
