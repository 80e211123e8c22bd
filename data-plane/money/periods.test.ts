import { describe, expect, it } from 'vitest';
import { periodOf } from './periods.ts';

describe('periodOf', () => {
  const at = Date.parse('2026-11-29T23:59:59.999Z'); // a Sunday
  it('aligns periods to the UTC calendar', () => {
    expect(periodOf('daily', at)).toEqual({ key: '2026-11-29', endsAtMs: Date.parse('2026-11-30T00:00:00Z') });
    expect(periodOf('weekly', at)).toEqual({ key: 'w2026-11-23', endsAtMs: Date.parse('2026-11-30T00:00:00Z') });
    expect(periodOf('monthly', at)).toEqual({ key: '2026-11', endsAtMs: Date.parse('2026-12-01T00:00:00Z') });
    expect(periodOf('total', at)).toEqual({ key: 'total', endsAtMs: null });
    expect(periodOf('monthly', Date.parse('2026-12-31T12:00:00Z')).endsAtMs).toBe(Date.parse('2027-01-01T00:00:00Z'));
  });
  it('starts a new key the millisecond a period starts', () => {
    expect(periodOf('daily', at + 1).key).toBe('2026-11-30');
    expect(periodOf('weekly', at + 1).key).toBe('w2026-11-30');
  });
});
