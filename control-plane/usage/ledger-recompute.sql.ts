/**
 * The counters as the raw events say they should be, in SQL: what `ledger:repair` compares and
 * rewrites, and what the rollup migration backfilled. Kept beside ledger-counters.ts, which
 * computes the same sums incrementally in TypeScript; the property test holds them equal.
 */

/** UsageDaily rows from the raw events that started at or after $1 (a UTC day start). */
export const EXPECTED_DAILY = `
  SELECT "teamId", date_trunc('day', "startedAt") AS "day", "apiKeyId", "model", "provider", COALESCE("endUser", '') AS "endUser",
    (COUNT(*) FILTER (WHERE "attempt" = 1))::int AS "requests",
    COUNT(*)::int AS "attempts",
    SUM("promptTokens")::bigint AS "promptTokens",
    SUM("completionTokens")::bigint AS "completionTokens",
    SUM("cachedTokens")::bigint AS "cachedTokens",
    SUM("costMicroUsd")::bigint AS "costMicroUsd",
    COALESCE(SUM("costMicroUsd") FILTER (WHERE "byok"), 0)::bigint AS "byokCostMicroUsd"
  FROM "UsageEvent"
  WHERE "startedAt" >= ($1::timestamptz AT TIME ZONE 'UTC')
  GROUP BY 1, 2, 3, 4, 5, 6`;

/**
 * UsageSpend rows of the budget periods, from the daily counters (kept forever, so this holds
 * after raw events expired): every budget period is a whole number of UTC days.
 * date_trunc('week') starts ISO weeks on Monday, as shared/budgets/periods.ts does.
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
    ('weekly', date_trunc('week', d."day")),
    ('monthly', date_trunc('month', d."day")),
    ('total', TIMESTAMP '1970-01-01 00:00:00')) AS p("period", "periodStart")
  GROUP BY 1, 2, 3, 4`;

/** UsageSpend minute rows (the burn rate's) from the raw events that started at or after $1. */
export const EXPECTED_MINUTE_SPEND = `
  SELECT s."scope", s."scopeId", 'minute' AS "period", date_trunc('minute', e."startedAt") AS "periodStart",
    COUNT(*)::bigint AS "attempts",
    SUM(e."costMicroUsd")::bigint AS "costMicroUsd",
    COALESCE(SUM(e."costMicroUsd") FILTER (WHERE NOT e."byok"), 0)::bigint AS "creditMicroUsd"
  FROM "UsageEvent" AS e
  CROSS JOIN LATERAL (VALUES ('team', e."teamId"), ('key', e."apiKeyId")) AS s("scope", "scopeId")
  WHERE e."startedAt" >= ($1::timestamptz AT TIME ZONE 'UTC')
  GROUP BY 1, 2, 3, 4`;
