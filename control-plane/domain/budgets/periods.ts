import type { BudgetPeriod } from '../../../shared/snapshot/schema.ts';

/**
 * Calendar-aligned budget periods in UTC: a day starts at 00:00, a week on Monday 00:00 (ISO
 * weeks), a month on its first day. `total` never resets. The data plane must key its counters
 * by the same start; both follow this definition (see docs/control-plane.md).
 */
export function periodStart(period: BudgetPeriod, now: Date): Date {
  const y = now.getUTCFullYear();
  const m = now.getUTCMonth();
  const d = now.getUTCDate();
  switch (period) {
    case 'daily':
      return new Date(Date.UTC(y, m, d));
    case 'weekly': {
      const sinceMonday = (now.getUTCDay() + 6) % 7;
      return new Date(Date.UTC(y, m, d - sinceMonday));
    }
    case 'monthly':
      return new Date(Date.UTC(y, m, 1));
    case 'total':
      return new Date(0);
  }
}

/** When the period that contains `now` ends (exclusive); null for `total`. */
export function periodEnd(period: BudgetPeriod, now: Date): Date | null {
  const start = periodStart(period, now);
  switch (period) {
    case 'daily':
      return new Date(start.getTime() + 86_400_000);
    case 'weekly':
      return new Date(start.getTime() + 7 * 86_400_000);
    case 'monthly':
      return new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1));
    case 'total':
      return null;
  }
}
