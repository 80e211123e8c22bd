-- AlterTable
ALTER TABLE "Team" ADD COLUMN     "logPrompts" BOOLEAN NOT NULL DEFAULT false;
