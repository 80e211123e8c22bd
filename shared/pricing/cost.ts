import type { SnapshotPrice } from '../snapshot/schema.ts';

export interface TokenCounts {
  promptTokens: number;
  completionTokens: number;
  /** Part of promptTokens served from the provider's prompt cache. */
  cachedTokens: number;
  /** Part of promptTokens written to the provider's prompt cache (Anthropic), priced apart when the price book says so. */
  cacheWriteTokens?: number;
  /**
   * Part of completionTokens spent reasoning (OpenAI's reasoning_tokens, Gemini's thoughts, which
   * the adapter adds to completionTokens): billed at the output price, as every catalogue prices them.
   */
  reasoningTokens?: number;
}

const MILLION = 1_000_000n;

/**
 * Cost of one attempt in integer micro-USD. Computed in bigint and rounded up once, at the end,
 * so a priced model never costs 0 for work it did and no float ever touches money.
 */
export function costMicroUsd(
  price: (Omit<SnapshotPrice, 'cacheWritePerMillion'> & { cacheWritePerMillion?: number | null }) | null,
  tokens: TokenCounts,
): number {
  if (!price) return 0;
  const cachedCount = Math.min(tokens.cachedTokens, tokens.promptTokens);
  const cached = BigInt(cachedCount);
  const written = BigInt(Math.min(tokens.cacheWriteTokens ?? 0, tokens.promptTokens - cachedCount));
  const uncached = BigInt(tokens.promptTokens) - cached - written;
  const scaled =
    uncached * BigInt(price.inputPerMillion) +
    cached * BigInt(price.cachedInputPerMillion) +
    written * BigInt(price.cacheWritePerMillion ?? price.inputPerMillion) +
    BigInt(tokens.completionTokens) * BigInt(price.outputPerMillion);
  return Number((scaled + MILLION - 1n) / MILLION);
}
