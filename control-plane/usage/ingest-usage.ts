import type { UsageEvent as UsageRow } from '../../generated/prisma/client.ts';
import type { UsageEvent } from '../../shared/events/usage-event.ts';
import type { Database } from '../db/open-database.ts';
import type { BudgetAlertSweeper } from './budget-alert-sweeper.ts';
import { storeBatch, touchKeys } from './ledger-sql.ts';
import type { LiveEvents } from './live-events.ts';
import { usageRow } from './usage-row.ts';

/**
 * Stores a batch of usage events, each exactly once, and the counters they add, in one
 * statement on the ingestion's own connection (ledger-sql.ts): a multi-row insert (the event id is the primary key, an id already
 * stored is skipped) whose returned rows, and only those, are added to the counters. So a
 * redelivered batch stores and counts nothing twice, and the counters always equal the raw
 * events they were built from. Resolves only after the commit, so the bus acknowledges only
 * stored events. Afterwards: the live subscribers, each key's `lastUsedAt` (one statement per
 * batch), the budget-status subscribers of the teams concerned; the batch's teams are handed to
 * the budget alert sweeper, which checks thresholds off this path (budget-alert-sweeper.ts).
 * `onStored` (the usage webhook) gets the events this batch newly stored, after the commit; it
 * must not throw nor wait.
 */
export function createUsageIngestor(
  database: Pick<Database, 'prisma' | 'ledger'>,
  live: LiveEvents,
  onStored?: (events: UsageEvent[]) => void,
  alerts?: BudgetAlertSweeper,
) {
  const { prisma, ledger } = database;
  return async function ingest(events: UsageEvent[]): Promise<void> {
    const unique = [...new Map(events.map((e) => [e.id, e])).values()];
    const inserted = await storeBatch(ledger.query, unique);
    const stored = unique.filter((e) => inserted.has(e.id)).map((event) => ({ event, createdAt: inserted.get(event.id)! }));
    for (const { event, createdAt } of stored) live.publish('usage', event.teamId, storedRow(event, createdAt));
    // Rows stored before (a redelivered batch) are published again: their first consumer may have
    // died between its commit and its publication. Subscribers get each row once (live-events.ts).
    const again = unique.filter((e) => !inserted.has(e.id));
    if (again.length > 0) {
      // Bounded by the batch's own start times (each row's partition key, identical on redelivery):
      // only those days' partitions are searched, not every day retention keeps. A millisecond of
      // slack each side: the column keeps milliseconds, an event may carry finer ones.
      const starts = again.map((e) => Date.parse(e.startedAt));
      const startedAt = { gte: new Date(Math.min(...starts) - 1), lte: new Date(Math.max(...starts) + 1) };
      const rows = await prisma.usageEvent.findMany({ where: { id: { in: again.map((e) => e.id) }, startedAt }, select: { id: true, createdAt: true } });
      const createdAt = new Map(rows.map((r) => [r.id, r.createdAt]));
      for (const event of again) {
        const at = createdAt.get(event.id);
        if (at) live.publish('usage', event.teamId, storedRow(event, at));
      }
    }
    if (onStored && stored.length > 0) onStored(stored.map((s) => s.event));
    const lastUse = new Map<string, Date>();
    for (const { event } of stored) {
      const at = new Date(event.startedAt);
      const seen = lastUse.get(event.apiKeyId);
      if (!seen || at > seen) lastUse.set(event.apiKeyId, at);
    }
    await touchKeys(ledger.query, lastUse);
    for (const teamId of new Set(stored.map((s) => s.event.teamId))) live.publish('budget', teamId, true);
    // Every team of the batch, not only of the new rows: a batch redelivered after a crash before
    // its check inserts nothing new, yet its alerts must still be recorded (they are unique).
    alerts?.markDirty(new Set(unique.map((e) => e.teamId)));
  };
}

/** The ledger row as stored, for live subscribers (the same fields a read would return). */
function storedRow(event: UsageEvent, createdAt: Date): UsageRow {
  const row = usageRow(event);
  return {
    ...row,
    deploymentId: row.deploymentId ?? null,
    endUser: row.endUser ?? null,
    cachedTokens: row.cachedTokens ?? 0,
    providerCostMicroUsd: row.providerCostMicroUsd ?? null,
    priceVersion: row.priceVersion ?? null,
    byok: row.byok ?? false,
    estimated: row.estimated ?? false,
    outcome: row.outcome ?? 'ok',
    guardrail: row.guardrail ?? null,
    metadata: row.metadata ?? null,
    streamed: row.streamed ?? false,
    ttfbMs: row.ttfbMs ?? null,
    startedAt: new Date(event.startedAt),
    createdAt,
  } as UsageRow;
}
