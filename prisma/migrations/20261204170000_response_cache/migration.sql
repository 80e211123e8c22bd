-- AlterTable
ALTER TABLE "UsageDaily" ADD COLUMN     "cacheHits" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "cacheSavedMicroUsd" BIGINT NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "UsageEvent" ADD COLUMN     "cacheHit" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "cacheSavedMicroUsd" BIGINT NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "CachePolicy" (
    "id" TEXT NOT NULL,
    "scope" TEXT NOT NULL,
    "scopeId" TEXT NOT NULL,
    "planId" TEXT,
    "teamId" TEXT,
    "apiKeyId" TEXT,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "ttlSeconds" INTEGER NOT NULL,
    "deterministicOnly" BOOLEAN NOT NULL DEFAULT true,
    "hitPriceMicroUsd" BIGINT NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CachePolicy_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "CachePolicy_teamId_idx" ON "CachePolicy"("teamId");

-- CreateIndex
CREATE UNIQUE INDEX "CachePolicy_scope_scopeId_key" ON "CachePolicy"("scope", "scopeId");

-- AddForeignKey
ALTER TABLE "CachePolicy" ADD CONSTRAINT "CachePolicy_planId_fkey" FOREIGN KEY ("planId") REFERENCES "Plan"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CachePolicy" ADD CONSTRAINT "CachePolicy_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CachePolicy" ADD CONSTRAINT "CachePolicy_apiKeyId_fkey" FOREIGN KEY ("apiKeyId") REFERENCES "ApiKey"("id") ON DELETE CASCADE ON UPDATE CASCADE;
