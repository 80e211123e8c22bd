import type { BudgetPeriod } from '../snapshot/schema.ts';

const DAY_MS = 86_400_000;

/**
 * Calendar-aligned budget periods in UTC, the one definition both planes use: a day starts at
 * 00:00, a week on Monday 00:00 (ISO weeks), a month on its first day; `total` never resets.
 * The data plane keys its live counters by `periodOf(...).key`, the control plane keys its stored
 * period counters by `periodStart`: both derive from the same start, so they always agree on
 * which period an event belongs to.
 */
export function periodStart(period: BudgetPeriod, at: Date | number): Date {
  const d = new Date(at);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  const day = d.getUTCDate();
  switch (period) {
    case 'daily':
      return new Date(Date.UTC(y, m, day));
    case 'weekly':
      return new Date(Date.UTC(y, m, day - ((d.getUTCDay() + 6) % 7)));
    case 'monthly':
      return new Date(Date.UTC(y, m, 1));
    case 'total':
      return new Date(0);
  }
}

/** When the period that contains `at` ends (exclusive); null for `total`. */
export function periodEnd(period: BudgetPeriod, at: Date | number): Date | null {
  const start = periodStart(period, at);
  switch (period) {
    case 'daily':
      return new Date(start.getTime() + DAY_MS);
    case 'weekly':
      return new Date(start.getTime() + 7 * DAY_MS);
    case 'monthly':
      return new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1));
    case 'total':
      return null;
  }
}

/**
 * The period `at` (ms) falls in, as a stable key and its end: the data plane's counters are keyed
 * by it, so a new period simply starts a new counter and nothing has to run at midnight. A
 * request belongs to the period in which it was admitted, whenever it settles.
 */
export function periodOf(period: BudgetPeriod, at: number): { key: string; endsAtMs: number | null } {
  const start = periodStart(period, at).getTime();
  const endsAtMs = periodEnd(period, at)?.getTime() ?? null;
  switch (period) {
    case 'daily':
      return { key: isoDate(start), endsAtMs };
    case 'weekly':
      return { key: `w${isoDate(start)}`, endsAtMs };
    case 'monthly':
      return { key: isoDate(start).slice(0, 7), endsAtMs };
    case 'total':
      return { key: 'total', endsAtMs };
  }
}

function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
