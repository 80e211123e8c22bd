/** Basis points in one whole: 10 000 bp = 100 %. */
const WHOLE = 10_000n;

/**
 * Provider cost plus a markup in basis points, in integer micro-USD, rounded up once so a
 * marked-up price is never below the provider's. 0 bp returns the cost unchanged.
 */
export function withMarkup(providerCostMicroUsd: number, markupBasisPoints: number): number {
  if (markupBasisPoints === 0 || providerCostMicroUsd === 0) return providerCostMicroUsd;
  const scaled = BigInt(providerCostMicroUsd) * (WHOLE + BigInt(markupBasisPoints));
  return Number((scaled + WHOLE - 1n) / WHOLE);
}
