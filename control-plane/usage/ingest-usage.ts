import type { UsageEvent } from '../../shared/events/usage-event.ts';
import type { PrismaClient } from '../../generated/prisma/client.ts';
import { recordBudgetAlerts } from '../domain/budgets/budget-alerts.ts';
import type { LiveEvents } from './live-events.ts';
import { usageRow } from './usage-row.ts';

/**
 * Stores a batch of usage events, each exactly once (the event id is the primary key, duplicates
 * from redelivery are skipped), then tells live subscribers about the rows that were new.
 * Resolves only after the commit, so the bus acknowledges only stored events. Also keeps each
 * key's `lastUsedAt` and wakes the budget-status subscribers of the teams concerned, then records
 * and publishes the budget alerts the batch set off. `onStored` (the usage webhook) gets the
 * events this batch newly stored, after the commit; it must not throw nor wait.
 */
export function createUsageIngestor(prisma: PrismaClient, live: LiveEvents, onStored?: (events: UsageEvent[]) => void) {
  return async function ingest(events: UsageEvent[]): Promise<void> {
    const inserted = await prisma.usageEvent.createManyAndReturn({
      data: events.map(usageRow),
      skipDuplicates: true,
    });
    for (const row of inserted) live.publish('usage', row.teamId, row);
    if (onStored && inserted.length > 0) {
      const stored = new Set(inserted.map((row) => row.id));
      onStored(events.filter((event) => stored.has(event.id)));
    }
    // Last use per key, from what was just stored: off the request path, one write per key.
    const lastUse = new Map<string, Date>();
    for (const row of inserted) {
      const seen = lastUse.get(row.apiKeyId);
      if (!seen || row.startedAt > seen) lastUse.set(row.apiKeyId, row.startedAt);
    }
    for (const [apiKeyId, at] of lastUse) {
      await prisma.apiKey.updateMany({ where: { id: apiKeyId, OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: at } }] }, data: { lastUsedAt: at } });
    }
    for (const teamId of new Set(inserted.map((row) => row.teamId))) live.publish('budget', teamId, true);
    // Alerts for every team of the batch, not only of the new rows: a batch redelivered after a
    // failure here inserts nothing new, yet its alerts must still be recorded (they are unique).
    for (const teamId of new Set(events.map((event) => event.teamId))) {
      for (const alert of await recordBudgetAlerts(prisma, teamId)) live.publish('budgetAlert', teamId, alert);
    }
  };
}
