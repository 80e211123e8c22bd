-- CreateTable
CREATE TABLE "UsageWebhookOutbox" (
    "seq" BIGSERIAL NOT NULL,
    "event" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "UsageWebhookOutbox_pkey" PRIMARY KEY ("seq")
);
