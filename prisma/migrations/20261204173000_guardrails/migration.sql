-- CreateTable
CREATE TABLE "Guardrail" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "teamId" TEXT,
    "planId" TEXT,
    "stage" TEXT NOT NULL,
    "streamMode" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "config" JSONB NOT NULL,
    "secretCiphertext" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Guardrail_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Guardrail_teamId_idx" ON "Guardrail"("teamId");

-- CreateIndex
CREATE INDEX "Guardrail_planId_idx" ON "Guardrail"("planId");

-- AddForeignKey
ALTER TABLE "Guardrail" ADD CONSTRAINT "Guardrail_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Guardrail" ADD CONSTRAINT "Guardrail_planId_fkey" FOREIGN KEY ("planId") REFERENCES "Plan"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AlterTable
ALTER TABLE "UsageEvent" ADD COLUMN "guardrail" TEXT;
