import type { Bus } from '../../shared/bus/bus.ts';
import type { UsageEvent } from '../../shared/events/usage-event.ts';
import type { Logger } from '../logger.ts';

export interface UsagePublisher {
  /** Hands the event to the bus in the background; a failure is logged, never thrown. */
  publish(event: UsageEvent): void;
  /** Resolves when every publish started so far has settled (for shutdown). */
  flush(): Promise<void>;
}

export function createUsagePublisher(bus: Pick<Bus, 'publishUsage'>, logger: Logger): UsagePublisher {
  const pending = new Set<Promise<void>>();
  return {
    publish(event) {
      const publishing = Promise.resolve()
        .then(() => bus.publishUsage(event))
        .catch((error: unknown) => {
          // The response is already on its way: a lost event is a metering gap to alert on,
          // not a reason to fail the client. The id makes a later replay idempotent.
          logger.error({ err: error, usageEventId: event.id, requestId: event.requestId }, 'usage event could not be published');
        })
        .finally(() => pending.delete(publishing));
      pending.add(publishing);
    },
    async flush() {
      await Promise.all(pending);
    },
  };
}
