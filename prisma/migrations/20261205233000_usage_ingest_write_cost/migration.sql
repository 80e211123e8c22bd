-- Cheaper writes for usage ingestion (written by hand: the schema engine writes neither partial
-- indexes nor storage parameters, and does not diff them).
--
-- 1. "adjustmentOf" is null on every attempt; only re-rating's adjustment rows set it, and every
--    query on it names a value or asks IS NOT NULL (rerate-ledger.ts, rerate-counters.ts). Indexing
--    the null rows cost one index insert per stored event for entries no query reads: the index
--    now holds the adjustment rows only. Rebuilt on every partition (a scan of the raw events).
DROP INDEX "UsageEvent_adjustmentOf_idx";
CREATE INDEX "UsageEvent_adjustmentOf_idx" ON "UsageEvent"("adjustmentOf") WHERE "adjustmentOf" IS NOT NULL;

-- 2. Every stored batch updates its counters' rows in place. With full pages (the default fill
--    factor) an updated row's new version goes to another page and takes a new entry in each of the
--    table's indexes; with room left on its page it stays there (a heap-only update, no index
--    write), and the page is pruned of the old versions as it is next written. Applies to pages
--    written from now on.
ALTER TABLE "UsageDaily" SET (fillfactor = 50);
ALTER TABLE "UsageSpend" SET (fillfactor = 50);
ALTER TABLE "UsageTagDaily" SET (fillfactor = 50);
