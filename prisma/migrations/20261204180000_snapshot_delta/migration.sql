-- AlterTable
ALTER TABLE "Snapshot" ALTER COLUMN "body" DROP NOT NULL;
ALTER TABLE "Snapshot" ADD COLUMN     "delta" TEXT;

-- CreateIndex
CREATE INDEX "AuditLogEntry_configVersion_idx" ON "AuditLogEntry"("configVersion");
