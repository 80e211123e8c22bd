-- AlterTable
ALTER TABLE "Provider" ADD COLUMN     "region" TEXT;
