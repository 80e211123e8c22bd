import type { UsageEvent } from '../../shared/events/usage-event.ts';
import type { Database } from '../db/open-database.ts';
import type { BudgetAlertSweeper } from './budget-alert-sweeper.ts';
import { storeBatch } from './ledger-sql.ts';
import type { LiveEvents } from './live-events.ts';

/**
 * Stores a batch of usage events, each exactly once, the counters they add and their keys'
 * `lastUsedAt`, in one statement on the ingestion's own connection (ledger-sql.ts): a multi-row
 * insert (the event id is the primary key, an id already stored is skipped) whose returned rows,
 * and only those, are added to the counters. So a redelivered batch stores and counts nothing
 * twice, and the counters always equal the raw events they were built from. Resolves only after
 * the commit, so the bus acknowledges only stored events. Afterwards: the live subscribers, the
 * budget-status subscribers of the teams concerned; the batch's teams are handed to
 * the budget alert sweeper, which checks thresholds off this path (budget-alert-sweeper.ts).
 * With `webhookOutbox` (a usage webhook is configured), the same statement queues the newly
 * stored events in the webhook's outbox (webhook-outbox.ts), which the delivery singleton drains.
 * Where the bus handed over an event's JSON text (UsageHandler's `json`), the statement's parameter
 * and the live fan-out reuse it: the event is not serialized again, twice.
 */
export function createUsageIngestor(database: Pick<Database, 'prisma' | 'ledger'>, live: LiveEvents, webhookOutbox = false, alerts?: BudgetAlertSweeper) {
  const { prisma, ledger } = database;
  return async function ingest(events: UsageEvent[], json?: readonly (string | undefined)[]): Promise<void> {
    // The last of each id, at its first place (an id repeated in one batch is stored once).
    const last = new Map<string, number>();
    events.forEach((e, i) => last.set(e.id, i));
    const order = [...last.values()];
    const unique = order.map((i) => events[i]!);
    const texts = json && order.map((i) => json[i]);
    const stored = await storeBatch(ledger.query, unique, webhookOutbox, texts);
    const spentBy = new Set<string>();
    // Rows stored before (a redelivered batch) are published again: their first consumer may have
    // died between its commit and its publication. Subscribers get each row once (live-events.ts).
    const again: UsageEvent[] = [];
    unique.forEach((event, i) => {
      if (stored.isNew(event.id)) {
        // A new row implies the batch's createdAt (StoredBatch).
        live.publish('storedUsage', event.teamId, { event, createdAt: stored.createdAt!, json: texts?.[i] });
        spentBy.add(event.teamId);
      } else again.push(event);
    });
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
        if (at) live.publish('storedUsage', event.teamId, { event, createdAt: at });
      }
    }
    for (const teamId of spentBy) live.publish('budget', teamId, true);
    // Every team of the batch, not only of the new rows: a batch redelivered after a crash before
    // its check inserts nothing new, yet its alerts must still be recorded (they are unique).
    alerts?.markDirty(new Set(unique.map((e) => e.teamId)));
    // On their way to the other replicas before the batch is acknowledged (live-events.ts).
    await live.sent();
  };
}
