import { describe, expect, it } from 'vitest';
import { costMicroUsd } from './cost.ts';

const price = { version: 'p', inputPerMillion: 2_500_000, outputPerMillion: 10_000_000, cachedInputPerMillion: 1_250_000 };

describe('costMicroUsd', () => {
  it('prices tokens exactly in micro-USD', () => {
    // 1000 in at $2.50/M = 2500 µ$, 500 out at $10/M = 5000 µ$.
    expect(costMicroUsd(price, { promptTokens: 1000, completionTokens: 500, cachedTokens: 0 })).toBe(7500);
  });
  it('prices cached prompt tokens at the cached rate', () => {
    expect(costMicroUsd(price, { promptTokens: 1000, completionTokens: 0, cachedTokens: 400 })).toBe(1500 + 500);
  });
  it('prices prompt-cache writes at the cache-write rate, or the input rate when the price book has none', () => {
    // 1000 in: 100 fresh, 300 written at $3.125/M, 600 read at $1.25/M.
    const tokens = { promptTokens: 1000, completionTokens: 0, cachedTokens: 600, cacheWriteTokens: 300 };
    // 250 + 937.5 + 750, rounded up once.
    expect(costMicroUsd({ ...price, cacheWritePerMillion: 3_125_000 }, tokens)).toBe(1938);
    expect(costMicroUsd({ ...price, cacheWritePerMillion: null }, tokens)).toBe(250 + 750 + 750);
    expect(costMicroUsd(price, tokens)).toBe(250 + 750 + 750);
  });
  it('rounds up once, so a priced model never costs 0 for work it did', () => {
    expect(costMicroUsd(price, { promptTokens: 1, completionTokens: 0, cachedTokens: 0 })).toBe(3);
    expect(costMicroUsd({ ...price, inputPerMillion: 1 }, { promptTokens: 1, completionTokens: 0, cachedTokens: 0 })).toBe(1);
  });
  it('is 0 without a price', () => {
    expect(costMicroUsd(null, { promptTokens: 10, completionTokens: 10, cachedTokens: 0 })).toBe(0);
  });
});
