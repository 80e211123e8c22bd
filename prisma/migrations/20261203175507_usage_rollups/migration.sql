-- CreateTable
CREATE TABLE "UsageDaily" (
    "teamId" TEXT NOT NULL,
    "day" TIMESTAMP(3) NOT NULL,
    "apiKeyId" TEXT NOT NULL,
    "model" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "endUser" TEXT NOT NULL DEFAULT '',
    "requests" INTEGER NOT NULL,
    "attempts" INTEGER NOT NULL,
    "promptTokens" BIGINT NOT NULL,
    "completionTokens" BIGINT NOT NULL,
    "cachedTokens" BIGINT NOT NULL,
    "costMicroUsd" BIGINT NOT NULL,
    "byokCostMicroUsd" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "UsageDaily_pkey" PRIMARY KEY ("teamId","day","apiKeyId","model","provider","endUser")
);

-- CreateTable
CREATE TABLE "UsageSpend" (
    "scope" TEXT NOT NULL,
    "scopeId" TEXT NOT NULL,
    "period" TEXT NOT NULL,
    "periodStart" TIMESTAMP(3) NOT NULL,
    "attempts" BIGINT NOT NULL,
    "costMicroUsd" BIGINT NOT NULL,
    "creditMicroUsd" BIGINT NOT NULL,

    CONSTRAINT "UsageSpend_pkey" PRIMARY KEY ("scope","scopeId","period","periodStart")
);

-- CreateIndex
CREATE INDEX "UsageDaily_day_idx" ON "UsageDaily"("day");

-- CreateIndex
CREATE INDEX "UsageSpend_period_periodStart_idx" ON "UsageSpend"("period", "periodStart");

-- Backfill (data, not schema, so written by hand: the migration runner only diffs schemas).
-- The counters of the events stored before this migration, computed as `npm run ledger:repair`
-- recomputes them (control-plane/usage/ledger-recompute.sql.ts); afterwards ingestion keeps them.
INSERT INTO "UsageDaily" ("teamId", "day", "apiKeyId", "model", "provider", "endUser", "requests", "attempts", "promptTokens", "completionTokens", "cachedTokens", "costMicroUsd", "byokCostMicroUsd")
SELECT "teamId", date_trunc('day', "startedAt"), "apiKeyId", "model", "provider", COALESCE("endUser", ''),
  (COUNT(*) FILTER (WHERE "attempt" = 1))::int, COUNT(*)::int,
  SUM("promptTokens")::bigint, SUM("completionTokens")::bigint, SUM("cachedTokens")::bigint,
  SUM("costMicroUsd")::bigint, COALESCE(SUM("costMicroUsd") FILTER (WHERE "byok"), 0)::bigint
FROM "UsageEvent"
GROUP BY 1, 2, 3, 4, 5, 6;

INSERT INTO "UsageSpend" ("scope", "scopeId", "period", "periodStart", "attempts", "costMicroUsd", "creditMicroUsd")
SELECT s."scope", s."scopeId", p."period", p."periodStart", SUM(d."attempts")::bigint, SUM(d."costMicroUsd")::bigint, SUM(d."costMicroUsd" - d."byokCostMicroUsd")::bigint
FROM "UsageDaily" AS d
CROSS JOIN LATERAL (VALUES ('team', d."teamId"), ('key', d."apiKeyId")) AS s("scope", "scopeId")
CROSS JOIN LATERAL (VALUES ('daily', d."day"), ('weekly', date_trunc('week', d."day")), ('monthly', date_trunc('month', d."day")), ('total', TIMESTAMP '1970-01-01 00:00:00')) AS p("period", "periodStart")
GROUP BY 1, 2, 3, 4;
