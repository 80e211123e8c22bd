import { periodStart } from '../../shared/budgets/periods.ts';

/**
 * The periods a spend counter row is stored for: days, all time (the credit balance), and minutes
 * for the burn rate. A weekly or monthly spend is the sum of its days' rows, read when asked
 * (spend-counters.ts: at most 31 rows per scope and shard), so a stored batch upserts three rows
 * per scope instead of five; a budget's status still costs the same whatever the ledger's size.
 */
export const SPEND_PERIODS = ['minute', 'daily', 'total'] as const;
export type SpendPeriod = (typeof SPEND_PERIODS)[number];
export type SpendScope = 'team' | 'key' | 'model';

const MINUTE_MS = 60_000;

/** The start of the counter bucket `at` falls in, for one spend period. */
export function spendPeriodStart(period: SpendPeriod, at: number): Date {
  return period === 'minute' ? new Date(Math.floor(at / MINUTE_MS) * MINUTE_MS) : periodStart(period, at);
}
