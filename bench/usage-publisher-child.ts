/**
 * The data planes of the ingestion measurement, in their own process (fork, IPC; config in
 * BENCH_USAGE_PUBLISHER): builds `count` usage events of one team, says `ready`, and on `go`
 * hands them to the Redis bus in batches of PUBLISH_BATCH (one XADD pipeline each, as a data plane
 * hands over a turn's events), then says `published`. Serializing and sending 20,000 events is a
 * data plane's work: done in the control plane's process it took about a third of that process's
 * CPU, which the ingestion rate then charged to the control plane.
 */
import { createBus } from '../shared/bus/create-bus.ts';
import { usageEvent } from '../test/support/usage-events.ts';

export interface UsagePublisherConfig {
  redisUrl: string;
  prefix: string;
  teamId: string;
  count: number;
}

/** Events per hand-over to the bus. */
const PUBLISH_BATCH = 500;

const config = JSON.parse(process.env.BENCH_USAGE_PUBLISHER ?? '{}') as UsagePublisherConfig;
const bus = createBus({ redisUrl: config.redisUrl, prefix: config.prefix });
const events = Array.from({ length: config.count }, () => usageEvent(config.teamId, 'bench-key'));
process.once('message', async () => {
  const started = performance.now();
  for (let from = 0; from < events.length; from += PUBLISH_BATCH) await bus.publishUsageBatch(events.slice(from, from + PUBLISH_BATCH));
  process.send!({ type: 'published', publishMs: performance.now() - started });
  await bus.close();
  process.disconnect();
});
process.send!({ type: 'ready' });
