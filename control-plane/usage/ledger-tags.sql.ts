import { DAILY_SUMS, DAILY_VALUES } from './ledger-recompute.sql.ts';

/**
 * The tag counters (UsageTagDaily): the daily counters' values per team, UTC day and tag, summed
 * in SQL once: ingestion applies this to the rows its insert returned (ledger-sql.ts),
 * `ledger:repair` to the raw events it recomputes from. An event counts once in each of its tags
 * (the data plane deduplicates them), so tags overlap. A re-rating adjustment carries its
 * attempt's tags: it adds its signed cost, no request, no attempt.
 */

export const TAG_DAILY_KEY = ['teamId', 'day', 'tag'];
export const TAG_DAILY_VALUES = DAILY_VALUES;

/** UsageTagDaily rows summed from usage-event rows of `source` (a table or CTE name) matching `where`. */
export function tagDailyFrom(source: string, where = 'TRUE'): string {
  return `
  SELECT e."teamId", date_trunc('day', e."startedAt") AS "day", t."tag",${DAILY_SUMS}
  FROM ${source} AS e
  CROSS JOIN LATERAL unnest(e."tags") AS t("tag")
  WHERE ${where}
  GROUP BY 1, 2, 3`;
}

/** UsageTagDaily rows from the raw events that started at or after $1 (a UTC day start). */
export const EXPECTED_TAG_DAILY = tagDailyFrom('"UsageEvent"', `e."startedAt" >= ($1::timestamptz AT TIME ZONE 'UTC')`);
