-- AlterTable
ALTER TABLE "UsageEvent" ADD COLUMN     "byok" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "outcome" TEXT NOT NULL DEFAULT 'ok',
ADD COLUMN     "priceVersion" TEXT,
ADD COLUMN     "providerCostMicroUsd" BIGINT,
ADD COLUMN     "streamed" BOOLEAN NOT NULL DEFAULT false;
