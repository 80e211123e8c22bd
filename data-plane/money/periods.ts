import type { BudgetPeriod } from '../../shared/snapshot/schema.ts';

const DAY_MS = 86_400_000;

/**
 * The calendar period (UTC) that `at` falls in, as a stable key and its end. Counters are keyed
 * by it, so a new period simply starts a new counter: nothing has to run at midnight. A request
 * belongs to the period in which it was admitted, whenever it settles.
 */
export function periodOf(period: BudgetPeriod, at: number): { key: string; endsAtMs: number | null } {
  const d = new Date(at);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  const day = d.getUTCDate();
  switch (period) {
    case 'daily':
      return { key: isoDate(Date.UTC(y, m, day)), endsAtMs: Date.UTC(y, m, day + 1) };
    case 'weekly': {
      // ISO weeks start on Monday.
      const start = Date.UTC(y, m, day - ((d.getUTCDay() + 6) % 7));
      return { key: `w${isoDate(start)}`, endsAtMs: start + 7 * DAY_MS };
    }
    case 'monthly':
      return { key: `${y}-${String(m + 1).padStart(2, '0')}`, endsAtMs: Date.UTC(y, m + 1, 1) };
    case 'total':
      return { key: 'total', endsAtMs: null };
  }
}

function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
