import { describe, expect, it } from 'vitest';
import { periodEnd, periodStart } from './periods.ts';

describe('budget periods (UTC, calendar-aligned)', () => {
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
});
