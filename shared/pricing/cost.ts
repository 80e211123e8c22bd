import type { SnapshotPrice } from '../snapshot/schema.ts';

export interface TokenCounts {
  promptTokens: number;
  completionTokens: number;
  /** Part of promptTokens served from the provider's prompt cache. */
  cachedTokens: number;
}

const MILLION = 1_000_000n;

/**
 * Cost of one attempt in integer micro-USD. Computed in bigint and rounded up once, at the end,
 * so a priced model never costs 0 for work it did and no float ever touches money.
 */
export function costMicroUsd(price: SnapshotPrice | null, tokens: TokenCounts): number {
  if (!price) return 0;
  const cached = BigInt(Math.min(tokens.cachedTokens, tokens.promptTokens));
  const uncached = BigInt(tokens.promptTokens) - cached;
  const scaled =
    uncached * BigInt(price.inputPerMillion) +
    cached * BigInt(price.cachedInputPerMillion) +
    BigInt(tokens.completionTokens) * BigInt(price.outputPerMillion);
  return Number((scaled + MILLION - 1n) / MILLION);
}
