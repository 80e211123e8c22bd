-- AlterTable
ALTER TABLE "Deployment" ADD COLUMN     "extraParameters" TEXT[] DEFAULT ARRAY[]::TEXT[];
