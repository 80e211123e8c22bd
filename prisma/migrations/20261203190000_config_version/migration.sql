-- AlterTable
ALTER TABLE "AuditLogEntry" ADD COLUMN     "configVersion" INTEGER;

-- CreateTable
CREATE TABLE "ConfigVersion" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "version" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "ConfigVersion_pkey" PRIMARY KEY ("id")
);

-- The one row, continuing from the newest stored snapshot.
INSERT INTO "ConfigVersion" ("id", "version") SELECT 1, COALESCE(MAX("version"), 0) FROM "Snapshot";
