import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Database } from '../control-plane/db/open-database.ts';
import { createBudgetAlertSweeper } from '../control-plane/usage/budget-alert-sweeper.ts';
import { createUsageIngestor } from '../control-plane/usage/ingest-usage.ts';
import { createLiveEvents } from '../control-plane/usage/live-events.ts';
import type { Bus } from '../shared/bus/bus.ts';
import type { UsageEvent } from '../shared/events/usage-event.ts';
import type { ServingDataPlane } from './ledger-data-plane.ts';

/** `bench:ledger --lag`: ingestion lag through the real bus into the real ingestor (issue 13). */

export interface Lag {
  p50: number;
  p99: number;
  max: number;
  events: number;
  /** Batches the consumer handed to the store, their mean size and the store's p50 / p99 (ms). */
  batches: number;
  meanBatch: number;
  storeP50: number;
  storeP99: number;
  /** With a data plane: what wrk measured. */
  served?: { rps: number; errors: number; requests: number };
}

const WARM_UP_BATCHES = 3;

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? NaN;

/**
 * Ingestion lag at a steady `rate` events/s for `seconds`: from the moment an event is handed to
 * the bus to the `usage` subscription message its committed ledger row produces (a subscriber on
 * every team), p50 and p99 in ms. Events go through the real bus (Redis stream + consumer group,
 * or the in-process bus) into the control plane's ingestor, budget alerts on. The events come
 * from a real data plane serving `rate` requests/s when one is given (their hand-over time is the
 * attempt's end: startedAt + latencyMs, one clock on one machine), otherwise from a publisher in
 * this process sending one batch every 10 ms (what a data plane's publisher sends per turn).
 */
export async function ingestionLag(
  db: Database,
  bus: Bus,
  event: (run: string, teams: string[]) => UsageEvent,
  teams: string[],
  rate: number,
  seconds: number,
  dataPlane?: ServingDataPlane,
): Promise<Lag> {
  const live = createLiveEvents();
  const alerts = createBudgetAlertSweeper(db.prisma, live);
  const ingestor = createUsageIngestor(db, live, false, alerts);
  const batchSizes: number[] = [];
  const storeTimes: number[] = [];
  const ingest = async (events: UsageEvent[]) => {
    const started = performance.now();
    await ingestor(events);
    storeTimes.push(performance.now() - started);
    batchSizes.push(events.length);
  };
  if (teams.length > 0) {
    // Warm-up, not measured: the first batches run on PGlite's baseline WebAssembly code (V8 tiers
    // it up as it runs) and the first alert check reads every team's budgets.
    const run = randomBytes(3).toString('hex');
    for (let n = 0; n < WARM_UP_BATCHES; n++) await ingestor(Array.from({ length: 1000 }, () => event(run, teams)));
    await alerts.settled();
  }
  const sentAt = new Map<string, number>();
  const lags: number[] = [];
  const subscriptions = (dataPlane?.teamIds ?? teams).map((teamId) => live.subscribe('storedUsage', teamId));
  let lastRow = Date.now();
  for (const subscription of subscriptions) {
    void (async () => {
      for await (const { event } of subscription) {
        lastRow = Date.now();
        const t = dataPlane ? Date.parse(event.startedAt) + event.latencyMs : sentAt.get(event.id);
        if (t !== undefined) lags.push(Date.now() - t);
        sentAt.delete(event.id);
      }
    })();
  }
  const consumer = bus.consumeUsage('bench-lag', ingest);
  const started = Date.now();
  let served: Lag['served'];
  if (dataPlane) {
    const load = await dataPlane.serve(rate, seconds);
    served = { rps: load.rps, errors: load.errors, requests: load.requests };
    // Drained: no row for a second (or 30 s past the end).
    while (Date.now() - lastRow < 1000 && Date.now() - started < (seconds + 30) * 1000) await new Promise((resolve) => setTimeout(resolve, 50));
  } else {
    const run = randomBytes(3).toString('hex');
    const tickMs = 10;
    const perTick = Math.round((rate * tickMs) / 1000);
    let sent = 0;
    while (Date.now() - started < seconds * 1000) {
      const due = Math.floor(((Date.now() - started) / tickMs) * perTick);
      const events: UsageEvent[] = [];
      while (sent < due) {
        const e = event(run, teams);
        sentAt.set(e.id, Date.now());
        events.push(e);
        sent++;
      }
      if (events.length > 0) await bus.publishUsageBatch(events);
      await new Promise((resolve) => setTimeout(resolve, tickMs));
    }
    while (sentAt.size > 0 && Date.now() - started < (seconds + 30) * 1000) await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await consumer.stop();
  await alerts.close();
  for (const subscription of subscriptions) await subscription.return?.();
  lags.sort((a, b) => a - b);
  storeTimes.sort((a, b) => a - b);
  return {
    p50: percentile(lags, 0.5),
    p99: percentile(lags, 0.99),
    max: lags.at(-1) ?? NaN,
    events: lags.length,
    batches: batchSizes.length,
    meanBatch: batchSizes.reduce((a, b) => a + b, 0) / Math.max(1, batchSizes.length),
    storeP50: percentile(storeTimes, 0.5),
    storeP99: percentile(storeTimes, 0.99),
    served,
  };
}
