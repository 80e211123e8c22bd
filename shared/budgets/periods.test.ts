import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BUDGET_PERIODS } from '../snapshot/schema.ts';
import { periodEnd, periodOf, periodStart } from './periods.ts';

describe('budget periods (UTC, calendar-aligned), one definition for both planes', () => {
  const now = new Date('2026-03-04T23:30:00.000Z'); // a Wednesday

  it('starts days at midnight, weeks on Monday, months on the 1st, totals never', () => {
    expect(periodStart('daily', now).toISOString()).toBe('2026-03-04T00:00:00.000Z');
    expect(periodStart('weekly', now).toISOString()).toBe('2026-03-02T00:00:00.000Z');
    expect(periodStart('monthly', now).toISOString()).toBe('2026-03-01T00:00:00.000Z');
    expect(periodStart('total', now).getTime()).toBe(0);
  });

  it('treats Sunday as the last day of the week and crosses year ends', () => {
    expect(periodStart('weekly', new Date('2026-03-08T12:00:00Z')).toISOString()).toBe('2026-03-02T00:00:00.000Z');
    expect(periodStart('weekly', new Date('2027-01-01T00:00:00Z')).toISOString()).toBe('2026-12-28T00:00:00.000Z');
  });

  it('ends each period where the next one starts', () => {
    expect(periodEnd('daily', now)?.toISOString()).toBe('2026-03-05T00:00:00.000Z');
    expect(periodEnd('weekly', now)?.toISOString()).toBe('2026-03-09T00:00:00.000Z');
    expect(periodEnd('monthly', new Date('2026-12-31T10:00:00Z'))?.toISOString()).toBe('2027-01-01T00:00:00.000Z');
    expect(periodEnd('total', now)).toBeNull();
  });

  const at = Date.parse('2026-11-29T23:59:59.999Z'); // a Sunday
  it('keys the data plane counters by the same periods', () => {
    expect(periodOf('daily', at)).toEqual({ key: '2026-11-29', endsAtMs: Date.parse('2026-11-30T00:00:00Z') });
    expect(periodOf('weekly', at)).toEqual({ key: 'w2026-11-23', endsAtMs: Date.parse('2026-11-30T00:00:00Z') });
    expect(periodOf('monthly', at)).toEqual({ key: '2026-11', endsAtMs: Date.parse('2026-12-01T00:00:00Z') });
    expect(periodOf('total', at)).toEqual({ key: 'total', endsAtMs: null });
    expect(periodOf('daily', at + 1).key).toBe('2026-11-30');
    expect(periodOf('weekly', at + 1).key).toBe('w2026-11-30');
  });

  it('puts every instant in exactly one period: start <= at < end, and the key changes only at a start', () => {
    fc.assert(
      fc.property(fc.constantFrom(...BUDGET_PERIODS), fc.integer({ min: 0, max: 4_102_444_800_000 }), (period, ms) => {
        const start = periodStart(period, ms).getTime();
        const end = periodEnd(period, ms)?.getTime() ?? Number.POSITIVE_INFINITY;
        expect(start).toBeLessThanOrEqual(ms);
        expect(ms).toBeLessThan(end);
        expect(periodOf(period, start).key).toBe(periodOf(period, ms).key);
        if (start > 0) expect(periodOf(period, start - 1).key).not.toBe(periodOf(period, ms).key);
      }),
    );
  });
});
