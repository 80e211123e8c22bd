/**
 * The data planes of the ingestion measurement, in their own process (fork, IPC; config in
 * BENCH_USAGE_PUBLISHER): builds `count` usage events of one team, says `ready`, and on `go`
 * hands them to the Redis bus in batches (usage-publishing.ts), then says `published`.
 * Serializing and sending 20,000 events is a data plane's work: done in the control plane's
 * process it took about a third of that process's CPU, which the ingestion rate then charged to
 * the control plane.
 */
import { createBus } from '../shared/bus/create-bus.ts';
import { benchUsageEvents, publishInBatches } from './usage-publishing.ts';

export interface UsagePublisherConfig {
  redisUrl: string;
  prefix: string;
  teamId: string;
  count: number;
}

const config = JSON.parse(process.env.BENCH_USAGE_PUBLISHER ?? '{}') as UsagePublisherConfig;
const bus = createBus({ redisUrl: config.redisUrl, prefix: config.prefix });
const events = benchUsageEvents(config.teamId, config.count);
process.once('message', async () => {
  process.send!({ type: 'published', ...(await publishInBatches(bus, events)) });
  await bus.close();
  process.disconnect();
});
process.send!({ type: 'ready' });
