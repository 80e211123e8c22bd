import type { Bus } from '../shared/bus/bus.ts';
import { usageEvent } from '../test/support/usage-events.ts';

/** Events per hand-over to the bus: one XADD script on Redis, as a data plane hands over a turn's events. */
const PUBLISH_BATCH = 500;

/** `count` usage events of one team, as the ingestion phase stores them. */
export const benchUsageEvents = (teamId: string, count: number) => Array.from({ length: count }, () => usageEvent(teamId, 'bench-key'));

/** Hands `events` to the bus in batches of PUBLISH_BATCH, one after another; resolves with the time it took. */
export async function publishInBatches(bus: Pick<Bus, 'publishUsageBatch'>, events: readonly ReturnType<typeof usageEvent>[]): Promise<{ publishMs: number }> {
  const started = performance.now();
  for (let from = 0; from < events.length; from += PUBLISH_BATCH) await bus.publishUsageBatch(events.slice(from, from + PUBLISH_BATCH));
  return { publishMs: performance.now() - started };
}
