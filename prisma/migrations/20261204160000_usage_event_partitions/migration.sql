-- Raw usage events partitioned by day of "startedAt" (written by hand: the schema engine does not
-- write partitioning). The partition key comes from the event itself, identical on redelivery,
-- so the primary key (id, startedAt) still stores each event once. Retention drops whole days
-- (control-plane/usage/usage-partitions.ts creates the days ahead and drops the expired ones).
--
-- The existing table, rows and indexes kept, becomes the partition of everything before the
-- day after this migration ran ("UsageEvent_history"); a default partition takes what no day
-- partition covers yet. No row is copied.
ALTER TABLE "UsageEvent" RENAME TO "UsageEvent_history";
ALTER TABLE "UsageEvent_history" RENAME CONSTRAINT "UsageEvent_pkey" TO "UsageEvent_history_pkey";
ALTER TABLE "UsageEvent_history" DROP CONSTRAINT "UsageEvent_history_pkey", ADD CONSTRAINT "UsageEvent_history_pkey" PRIMARY KEY ("id", "startedAt");
ALTER INDEX "UsageEvent_teamId_startedAt_idx" RENAME TO "UsageEvent_history_teamId_startedAt_idx";
ALTER INDEX "UsageEvent_apiKeyId_startedAt_idx" RENAME TO "UsageEvent_history_apiKeyId_startedAt_idx";

CREATE TABLE "UsageEvent" (
    "id" TEXT NOT NULL,
    "requestId" TEXT NOT NULL,
    "attempt" INTEGER NOT NULL,
    "teamId" TEXT NOT NULL,
    "apiKeyId" TEXT NOT NULL,
    "model" TEXT NOT NULL,
    "budgetModelId" TEXT,
    "provider" TEXT NOT NULL,
    "deploymentId" TEXT,
    "endUser" TEXT,
    "promptTokens" INTEGER NOT NULL,
    "completionTokens" INTEGER NOT NULL,
    "cachedTokens" INTEGER NOT NULL DEFAULT 0,
    "costMicroUsd" BIGINT NOT NULL,
    "providerCostMicroUsd" BIGINT,
    "priceVersion" TEXT,
    "byok" BOOLEAN NOT NULL DEFAULT false,
    "estimated" BOOLEAN NOT NULL DEFAULT false,
    "status" INTEGER NOT NULL,
    "outcome" TEXT NOT NULL DEFAULT 'ok',
    "streamed" BOOLEAN NOT NULL DEFAULT false,
    "latencyMs" INTEGER NOT NULL,
    "ttfbMs" INTEGER,
    "snapshotVersion" INTEGER NOT NULL,
    "snapshotHash" TEXT NOT NULL,
    "startedAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "UsageEvent_pkey" PRIMARY KEY ("id", "startedAt")
) PARTITION BY RANGE ("startedAt");

CREATE INDEX "UsageEvent_teamId_startedAt_idx" ON "UsageEvent"("teamId", "startedAt");
CREATE INDEX "UsageEvent_apiKeyId_startedAt_idx" ON "UsageEvent"("apiKeyId", "startedAt");

DO $$
BEGIN
  EXECUTE format(
    'ALTER TABLE "UsageEvent" ATTACH PARTITION "UsageEvent_history" FOR VALUES FROM (MINVALUE) TO (%L)',
    date_trunc('day', GREATEST((SELECT max("startedAt") FROM "UsageEvent_history"), now() AT TIME ZONE 'UTC')) + interval '1 day');
END $$;

CREATE TABLE "UsageEvent_default" PARTITION OF "UsageEvent" DEFAULT;
