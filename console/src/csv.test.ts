import { describe, expect, it } from 'vitest';
import { toCsv } from './csv.ts';
import { percentile, toMicroUsd, usd } from './format.ts';

describe('console formatting', () => {
  it('turns typed dollars into exact integer micro-USD and refuses anything else', () => {
    expect(toMicroUsd('12.5')).toBe('12500000');
    expect(toMicroUsd('0.000001')).toBe('1');
    expect(toMicroUsd('1')).toBe('1000000');
    expect(() => toMicroUsd('1.0000001')).toThrow(/dollars/);
    expect(() => toMicroUsd('-1')).toThrow();
    expect(() => toMicroUsd('abc')).toThrow();
  });

  it('shows micro-USD as dollars', () => {
    expect(usd('1500000')).toBe('$1.50');
    expect(usd('35', 6)).toBe('$0.000035');
    expect(usd(null)).toBe('—');
  });

  it('takes nearest-rank percentiles', () => {
    expect(percentile([], 50)).toBeNull();
    expect(percentile([5, 1, 3, 2, 4], 50)).toBe(3);
    expect(percentile([1, 2, 3, 4, 100], 99)).toBe(100);
  });

  it('exports usage as CSV with quoting and exact money', () => {
    const csv = toCsv(
      [
        { day: '2026-12-01', endUser: 'a,"b"', requests: 2, attempts: 3, promptTokens: 10, completionTokens: 5, cachedTokens: 0, cost: '12345' },
        { day: '2026-12-02', endUser: null, requests: 1, attempts: 1, promptTokens: 1, completionTokens: 1, cachedTokens: 0, cost: '9007199254740993' },
      ],
      ['day', 'endUser'],
    );
    expect(csv).toBe(
      'day,endUser,requests,attempts,promptTokens,completionTokens,cachedTokens,costMicroUsd\n' +
        '2026-12-01,"a,""b""",2,3,10,5,0,12345\n' +
        '2026-12-02,,1,1,1,1,0,9007199254740993\n',
    );
  });
});
