-- AlterTable
ALTER TABLE "ModelPrice" ADD COLUMN     "cacheWriteMicroUsdPerMillion" BIGINT;
