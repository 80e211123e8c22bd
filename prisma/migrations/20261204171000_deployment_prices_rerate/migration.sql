-- AlterTable
ALTER TABLE "ModelPrice" ADD COLUMN     "deploymentId" TEXT;

-- AlterTable
ALTER TABLE "UsageEvent" ADD COLUMN     "adjustmentOf" TEXT,
ADD COLUMN     "cacheWriteTokens" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "markupBasisPoints" INTEGER,
ADD COLUMN     "reasoningTokens" INTEGER NOT NULL DEFAULT 0;

-- CreateIndex
CREATE INDEX "ModelPrice_deploymentId_effectiveFrom_idx" ON "ModelPrice"("deploymentId", "effectiveFrom");

-- CreateIndex
CREATE INDEX "UsageEvent_adjustmentOf_idx" ON "UsageEvent"("adjustmentOf");

-- AddForeignKey
ALTER TABLE "ModelPrice" ADD CONSTRAINT "ModelPrice_deploymentId_fkey" FOREIGN KEY ("deploymentId") REFERENCES "Deployment"("id") ON DELETE CASCADE ON UPDATE CASCADE;
