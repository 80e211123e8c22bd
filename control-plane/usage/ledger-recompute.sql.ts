/**
 * A re-rating adjustment row (`adjustmentOf` set, control-plane/usage/rerate.ts) adds its signed
 * cost but is no attempt and no request (its attempt is 0, its tokens 0).
 *
 * The counters' sums, in SQL, once: ingestion applies them to the rows its insert returned
 * (control-plane/usage/ledger-sql.ts), `ledger:repair` to the raw events it recomputes from, and
 * the rollup migration backfilled with the same expressions. The property test holds the two
 * uses equal. Periods: date_trunc in UTC ('week' starts ISO weeks on Monday), as
 * shared/budgets/periods.ts defines them.
 */

export const DAILY_KEY = ['teamId', 'day', 'apiKeyId', 'model', 'provider', 'endUser'];
export const DAILY_VALUES = [
  'requests',
  'attempts',
  'promptTokens',
  'completionTokens',
  'cachedTokens',
  'costMicroUsd',
  'byokCostMicroUsd',
  'cacheHits',
  'cacheSavedMicroUsd',
];
export const SPEND_KEY = ['scope', 'scopeId', 'period', 'periodStart'];
export const SPEND_VALUES = ['attempts', 'costMicroUsd', 'creditMicroUsd'];

/** DAILY_VALUES, in order, summed over usage-event rows named `e` (the minute buckets' and the tag counters'). */
export const DAILY_SUMS = `
    (COUNT(*) FILTER (WHERE e."attempt" = 1))::int AS "requests",
    (COUNT(*) FILTER (WHERE e."adjustmentOf" IS NULL))::int AS "attempts",
    SUM(e."promptTokens")::bigint AS "promptTokens",
    SUM(e."completionTokens")::bigint AS "completionTokens",
    SUM(e."cachedTokens")::bigint AS "cachedTokens",
    SUM(e."costMicroUsd")::bigint AS "costMicroUsd",
    COALESCE(SUM(e."costMicroUsd") FILTER (WHERE e."byok"), 0)::bigint AS "byokCostMicroUsd",
    (COUNT(*) FILTER (WHERE e."cacheHit"))::int AS "cacheHits",
    SUM(e."cacheSavedMicroUsd")::bigint AS "cacheSavedMicroUsd"`;

/**
 * Usage-event rows of `source` (a table or CTE name) matching `where`, summed per minute and per
 * everything a daily or spend counter is keyed by: the daily and spend counters are sums of these
 * buckets (dailyFrom, spendFrom). A batch of events from a few keys makes a few buckets, so its
 * counters fan out from those and not from every event (ingestion, ledger-sql.ts). Sums of sums
 * are the same integers, so the counters are exactly what summing the events directly gives.
 */
export function bucketsFrom(source: string, where = 'TRUE'): string {
  return `(
  SELECT e."teamId", e."apiKeyId", e."model", e."provider", e."endUser", e."budgetModelId",
    date_trunc('minute', e."startedAt") AS "minute",${DAILY_SUMS}
  FROM ${source} AS e
  WHERE ${where}
  GROUP BY 1, 2, 3, 4, 5, 6, 7)`;
}

/** UsageDaily rows summed from minute buckets (bucketsFrom, or a CTE holding them). */
export function dailyFrom(buckets: string): string {
  return `
  SELECT b."teamId", date_trunc('day', b."minute") AS "day", b."apiKeyId", b."model", b."provider", COALESCE(b."endUser", '') AS "endUser",
    ${DAILY_VALUES.map((v) => `SUM(b."${v}")::${v === 'requests' || v === 'attempts' || v === 'cacheHits' ? 'int' : 'bigint'} AS "${v}"`).join(', ')}
  FROM ${buckets} AS b
  GROUP BY 1, 2, 3, 4, 5, 6`;
}

/**
 * UsageSpend rows of the given periods summed from minute buckets (bucketsFrom, or a CTE holding
 * them) matching `where` (which may name the scope `s` and period `p`): per team, per key, and per
 * requested model (`budgetModelId`, the model budgets' counters; events from before it existed
 * count for none). Credit spend is the spend not on the team's own providers (byok).
 */
export function spendFrom(buckets: string, periods: readonly ('minute' | 'daily' | 'weekly' | 'monthly' | 'total')[], where = 'TRUE'): string {
  const starts = {
    minute: `b."minute"`,
    daily: `date_trunc('day', b."minute")`,
    weekly: `date_trunc('week', b."minute")`,
    monthly: `date_trunc('month', b."minute")`,
    total: `TIMESTAMP '1970-01-01 00:00:00'`,
  };
  return `
  SELECT s."scope", s."scopeId", p."period", p."periodStart",
    SUM(b."attempts")::bigint AS "attempts",
    SUM(b."costMicroUsd")::bigint AS "costMicroUsd",
    SUM(b."costMicroUsd" - b."byokCostMicroUsd")::bigint AS "creditMicroUsd"
  FROM ${buckets} AS b
  CROSS JOIN LATERAL (VALUES ('team', b."teamId"), ('key', b."apiKeyId"), ('model', b."budgetModelId")) AS s("scope", "scopeId")
  CROSS JOIN LATERAL (VALUES ${periods.map((p) => `('${p}', ${starts[p]})`).join(', ')}) AS p("period", "periodStart")
  WHERE s."scopeId" IS NOT NULL AND (${where})
  GROUP BY 1, 2, 3, 4`;
}

/** UsageDaily rows from the raw events that started at or after $1 (a UTC day start). */
export const EXPECTED_DAILY = dailyFrom(bucketsFrom('"UsageEvent"', `e."startedAt" >= ($1::timestamptz AT TIME ZONE 'UTC')`));

/**
 * UsageSpend rows of teams and keys (days and all time: weekly and monthly spend is summed from
 * the days when read), from the daily counters (kept forever, so this holds after raw events
 * expired). Model scopes are not in the daily counters: see EXPECTED_MODEL_SPEND.
 */
export const EXPECTED_PERIOD_SPEND = `
  SELECT s."scope", s."scopeId", p."period", p."periodStart",
    SUM(d."attempts")::bigint AS "attempts",
    SUM(d."costMicroUsd")::bigint AS "costMicroUsd",
    SUM(d."costMicroUsd" - d."byokCostMicroUsd")::bigint AS "creditMicroUsd"
  FROM "UsageDaily" AS d
  CROSS JOIN LATERAL (VALUES ('team', d."teamId"), ('key', d."apiKeyId")) AS s("scope", "scopeId")
  CROSS JOIN LATERAL (VALUES
    ('daily', d."day"),
    ('total', TIMESTAMP '1970-01-01 00:00:00')) AS p("period", "periodStart")
  GROUP BY 1, 2, 3, 4`;

/** UsageSpend minute rows (the burn rate's) from the raw events that started at or after $1. */
export const EXPECTED_MINUTE_SPEND = spendFrom(bucketsFrom('"UsageEvent"', `e."startedAt" >= ($1::timestamptz AT TIME ZONE 'UTC')`), ['minute']);

/**
 * UsageSpend budget-period rows of model scopes, from the raw events, for the periods that start
 * at or after $1 (the first instant whose raw events are all kept): older ones cannot be recomputed.
 */
export const EXPECTED_MODEL_SPEND = spendFrom(
  bucketsFrom('"UsageEvent"', `e."budgetModelId" IS NOT NULL`),
  ['daily', 'total'],
  `s."scope" = 'model' AND p."periodStart" >= ($1::timestamptz AT TIME ZONE 'UTC')`,
);
