import { periodStart } from '../../shared/budgets/periods.ts';

/** The periods a spend counter is kept for: the budget periods, and minutes for the burn rate. */
export const SPEND_PERIODS = ['minute', 'daily', 'weekly', 'monthly', 'total'] as const;
export type SpendPeriod = (typeof SPEND_PERIODS)[number];
export type SpendScope = 'team' | 'key' | 'model';

const MINUTE_MS = 60_000;

/** The start of the counter bucket `at` falls in, for one spend period. */
export function spendPeriodStart(period: SpendPeriod, at: number): Date {
  return period === 'minute' ? new Date(Math.floor(at / MINUTE_MS) * MINUTE_MS) : periodStart(period, at);
}
