-- The requested model's id on each usage event, so model budgets get ledger spend counters
-- (UsageSpend scope 'model') and can be re-seeded after a Redis reset.
ALTER TABLE "UsageEvent" ADD COLUMN "budgetModelId" TEXT;
