-- AlterTable
ALTER TABLE "UsageEvent" ADD COLUMN     "metadata" JSONB,
ADD COLUMN     "tags" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- CreateTable
CREATE TABLE "UsageTagDaily" (
    "teamId" TEXT NOT NULL,
    "day" TIMESTAMP(3) NOT NULL,
    "tag" TEXT NOT NULL,
    "requests" INTEGER NOT NULL,
    "attempts" INTEGER NOT NULL,
    "promptTokens" BIGINT NOT NULL,
    "completionTokens" BIGINT NOT NULL,
    "cachedTokens" BIGINT NOT NULL,
    "costMicroUsd" BIGINT NOT NULL,
    "byokCostMicroUsd" BIGINT NOT NULL,
    "cacheHits" INTEGER NOT NULL,
    "cacheSavedMicroUsd" BIGINT NOT NULL,

    CONSTRAINT "UsageTagDaily_pkey" PRIMARY KEY ("teamId","day","tag")
);

-- CreateIndex
CREATE INDEX "UsageTagDaily_day_idx" ON "UsageTagDaily"("day");
