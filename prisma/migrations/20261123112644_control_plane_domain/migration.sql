-- AlterTable
ALTER TABLE "ApiKey" ADD COLUMN     "blocked" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "fallbackChainId" TEXT,
ADD COLUMN     "lastUsedAt" TIMESTAMP(3),
ADD COLUMN     "maxParallel" INTEGER,
ADD COLUMN     "metadata" JSONB,
ADD COLUMN     "previousHash" TEXT,
ADD COLUMN     "previousHashExpiresAt" TIMESTAMP(3),
ADD COLUMN     "routingProfileId" TEXT,
ADD COLUMN     "rpm" INTEGER,
ADD COLUMN     "tpm" INTEGER,
ADD COLUMN     "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

-- AlterTable
ALTER TABLE "Deployment" ADD COLUMN     "connectTimeoutMs" INTEGER,
ADD COLUMN     "firstByteTimeoutMs" INTEGER,
ADD COLUMN     "idleTimeoutMs" INTEGER,
ADD COLUMN     "maxParallel" INTEGER,
ADD COLUMN     "rpm" INTEGER,
ADD COLUMN     "totalTimeoutMs" INTEGER,
ADD COLUMN     "tpm" INTEGER,
ADD COLUMN     "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

-- AlterTable
ALTER TABLE "Model" ADD COLUMN     "fallbackChainId" TEXT,
ADD COLUMN     "supportsEmbeddings" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "supportsStreaming" BOOLEAN NOT NULL DEFAULT true,
ADD COLUMN     "supportsTools" BOOLEAN NOT NULL DEFAULT true,
ADD COLUMN     "tags" TEXT[];

-- AlterTable
ALTER TABLE "ModelPrice" ADD COLUMN     "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

-- AlterTable
ALTER TABLE "Provider" ADD COLUMN     "apiVersion" TEXT;

-- AlterTable
ALTER TABLE "Team" ADD COLUMN     "fallbackChainId" TEXT,
ADD COLUMN     "planId" TEXT,
ADD COLUMN     "routingProfileId" TEXT;

-- CreateTable
CREATE TABLE "Member" (
    "id" TEXT NOT NULL,
    "teamId" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT,
    "role" TEXT NOT NULL,
    "tokenPrefix" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Member_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Plan" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "allowedModels" TEXT[],
    "rpm" INTEGER,
    "tpm" INTEGER,
    "maxParallel" INTEGER,
    "budgetAmountMicroUsd" BIGINT,
    "budgetPeriod" TEXT,
    "budgetHard" BOOLEAN NOT NULL DEFAULT true,
    "budgetAlertThresholds" INTEGER[],
    "markupBasisPoints" INTEGER NOT NULL DEFAULT 0,
    "billing" TEXT NOT NULL DEFAULT 'postpaid',
    "routingProfileId" TEXT,
    "fallbackChainId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Plan_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "FallbackChain" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "triggers" TEXT[],
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "FallbackChain_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "FallbackChainEntry" (
    "chainId" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "modelId" TEXT NOT NULL,

    CONSTRAINT "FallbackChainEntry_pkey" PRIMARY KEY ("chainId","position")
);

-- CreateTable
CREATE TABLE "RoutingProfile" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "strategy" TEXT NOT NULL,
    "description" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "RoutingProfile_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Budget" (
    "id" TEXT NOT NULL,
    "scope" TEXT NOT NULL,
    "scopeId" TEXT NOT NULL,
    "teamId" TEXT,
    "apiKeyId" TEXT,
    "modelId" TEXT,
    "amountMicroUsd" BIGINT NOT NULL,
    "period" TEXT NOT NULL,
    "hard" BOOLEAN NOT NULL DEFAULT true,
    "alertThresholds" INTEGER[],
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Budget_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CreditTransaction" (
    "id" TEXT NOT NULL,
    "teamId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "amountMicroUsd" BIGINT NOT NULL,
    "reason" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CreditTransaction_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AuditLogEntry" (
    "id" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actorKind" TEXT NOT NULL,
    "actorId" TEXT,
    "teamId" TEXT,
    "action" TEXT NOT NULL,
    "entity" TEXT NOT NULL,
    "entityId" TEXT,
    "changes" JSONB NOT NULL,

    CONSTRAINT "AuditLogEntry_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Member_tokenHash_key" ON "Member"("tokenHash");

-- CreateIndex
CREATE UNIQUE INDEX "Member_teamId_email_key" ON "Member"("teamId", "email");

-- CreateIndex
CREATE UNIQUE INDEX "Plan_name_key" ON "Plan"("name");

-- CreateIndex
CREATE UNIQUE INDEX "FallbackChain_name_key" ON "FallbackChain"("name");

-- CreateIndex
CREATE UNIQUE INDEX "RoutingProfile_name_key" ON "RoutingProfile"("name");

-- CreateIndex
CREATE INDEX "Budget_teamId_idx" ON "Budget"("teamId");

-- CreateIndex
CREATE UNIQUE INDEX "Budget_scope_scopeId_period_key" ON "Budget"("scope", "scopeId", "period");

-- CreateIndex
CREATE INDEX "CreditTransaction_teamId_createdAt_idx" ON "CreditTransaction"("teamId", "createdAt");

-- CreateIndex
CREATE INDEX "AuditLogEntry_teamId_createdAt_idx" ON "AuditLogEntry"("teamId", "createdAt");

-- CreateIndex
CREATE INDEX "AuditLogEntry_entity_entityId_idx" ON "AuditLogEntry"("entity", "entityId");

-- CreateIndex
CREATE INDEX "UsageEvent_apiKeyId_startedAt_idx" ON "UsageEvent"("apiKeyId", "startedAt");

-- AddForeignKey
ALTER TABLE "Team" ADD CONSTRAINT "Team_planId_fkey" FOREIGN KEY ("planId") REFERENCES "Plan"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Team" ADD CONSTRAINT "Team_routingProfileId_fkey" FOREIGN KEY ("routingProfileId") REFERENCES "RoutingProfile"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Team" ADD CONSTRAINT "Team_fallbackChainId_fkey" FOREIGN KEY ("fallbackChainId") REFERENCES "FallbackChain"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Member" ADD CONSTRAINT "Member_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Plan" ADD CONSTRAINT "Plan_routingProfileId_fkey" FOREIGN KEY ("routingProfileId") REFERENCES "RoutingProfile"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Plan" ADD CONSTRAINT "Plan_fallbackChainId_fkey" FOREIGN KEY ("fallbackChainId") REFERENCES "FallbackChain"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Model" ADD CONSTRAINT "Model_fallbackChainId_fkey" FOREIGN KEY ("fallbackChainId") REFERENCES "FallbackChain"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "FallbackChainEntry" ADD CONSTRAINT "FallbackChainEntry_chainId_fkey" FOREIGN KEY ("chainId") REFERENCES "FallbackChain"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "FallbackChainEntry" ADD CONSTRAINT "FallbackChainEntry_modelId_fkey" FOREIGN KEY ("modelId") REFERENCES "Model"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Budget" ADD CONSTRAINT "Budget_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Budget" ADD CONSTRAINT "Budget_apiKeyId_fkey" FOREIGN KEY ("apiKeyId") REFERENCES "ApiKey"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Budget" ADD CONSTRAINT "Budget_modelId_fkey" FOREIGN KEY ("modelId") REFERENCES "Model"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CreditTransaction" ADD CONSTRAINT "CreditTransaction_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApiKey" ADD CONSTRAINT "ApiKey_routingProfileId_fkey" FOREIGN KEY ("routingProfileId") REFERENCES "RoutingProfile"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApiKey" ADD CONSTRAINT "ApiKey_fallbackChainId_fkey" FOREIGN KEY ("fallbackChainId") REFERENCES "FallbackChain"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
