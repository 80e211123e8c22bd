-- Weekly and monthly spend is now the sum of the daily UsageSpend rows, read when asked
-- (control-plane/usage/spend-counters.ts); ingestion no longer writes weekly or monthly rows.
-- Every batch wrote its daily row beside them in the same statement, so nothing is lost.
DELETE FROM "UsageSpend" WHERE "period" IN ('weekly', 'monthly');
