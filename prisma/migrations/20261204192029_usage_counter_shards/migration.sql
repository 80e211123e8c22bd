-- AlterTable
ALTER TABLE "UsageDaily" DROP CONSTRAINT "UsageDaily_pkey",
ADD COLUMN     "shard" INTEGER NOT NULL DEFAULT 0,
ADD CONSTRAINT "UsageDaily_pkey" PRIMARY KEY ("teamId", "day", "apiKeyId", "model", "provider", "endUser", "shard");

-- AlterTable
ALTER TABLE "UsageSpend" DROP CONSTRAINT "UsageSpend_pkey",
ADD COLUMN     "shard" INTEGER NOT NULL DEFAULT 0,
ADD CONSTRAINT "UsageSpend_pkey" PRIMARY KEY ("scope", "scopeId", "period", "periodStart", "shard");

-- AlterTable
ALTER TABLE "UsageTagDaily" DROP CONSTRAINT "UsageTagDaily_pkey",
ADD COLUMN     "shard" INTEGER NOT NULL DEFAULT 0,
ADD CONSTRAINT "UsageTagDaily_pkey" PRIMARY KEY ("teamId", "day", "tag", "shard");
