import type { Bus } from '../../shared/bus/bus.ts';
import type { UsageEvent } from '../../shared/events/usage-event.ts';
import type { Logger } from '../logger.ts';

export interface UsagePublisher {
  /**
   * Hands the event to the bus; a failure is logged, never thrown. The promise resolves once the
   * bus holds the event or it is in the local spool (never rejects): a relay may await it before
   * the response's last bytes, so a process killed after the client got its answer has already
   * handed the usage over. Callers that do not care need not await it.
   */
  publish(event: UsageEvent): Promise<void>;
  /** Resolves when every publish started so far has settled (for shutdown). */
  flush(): Promise<void>;
}

export interface UsageSpoolStatus {
  /** Events waiting for the bus (Redis unreachable), oldest first. */
  spooled: number;
  /** Events dropped because the spool was full: a metering gap to alert on. */
  dropped: number;
}

export interface UsagePublisherOptions {
  /** Events kept while the bus is unreachable; past it the oldest is dropped (and counted). */
  maxSpooled?: number;
  /** Retry pace of the spool while the bus is down. */
  retryIntervalMs?: number;
}

/**
 * Publishes usage events, keeping those the bus refused (Redis down) in a bounded local spool
 * that drains, in order, once the bus takes events again. Redelivery is harmless: the control
 * plane stores each event id once.
 */
export function createUsagePublisher(
  bus: Pick<Bus, 'publishUsage'>,
  logger: Logger,
  options: UsagePublisherOptions = {},
): UsagePublisher & { spool(): UsageSpoolStatus } {
  const maxSpooled = options.maxSpooled ?? 50_000;
  const retryIntervalMs = options.retryIntervalMs ?? 500;
  const pending = new Set<Promise<void>>();
  const spool: UsageEvent[] = [];
  let dropped = 0;
  let draining: Promise<void> | null = null;
  let timer: NodeJS.Timeout | null = null;

  function keep(event: UsageEvent) {
    if (spool.length >= maxSpooled) {
      const lost = spool.shift()!;
      dropped++;
      logger.error({ usageEventId: lost.id, requestId: lost.requestId }, 'usage spool full: oldest event dropped');
    }
    spool.push(event);
    if (!timer) {
      timer = setInterval(() => void drain(), retryIntervalMs);
      timer.unref();
    }
  }

  function drain(): Promise<void> {
    draining ??= (async () => {
      try {
        while (spool.length > 0) {
          await bus.publishUsage(spool[0]);
          spool.shift();
        }
        if (timer) clearInterval(timer);
        timer = null;
        logger.info('usage spool drained');
      } catch {
        // Still down: the next tick tries again.
      } finally {
        draining = null;
      }
    })();
    return draining;
  }

  return {
    publish(event) {
      // Behind a non-empty spool, keep the order: the event waits its turn.
      if (spool.length > 0) {
        keep(event);
        return Promise.resolve();
      }
      const publishing = Promise.resolve()
        .then(() => bus.publishUsage(event))
        .catch((error: unknown) => {
          // The response is already on its way: never fail the client, keep the event instead.
          if (spool.length === 0) logger.error({ err: error, usageEventId: event.id }, 'usage events cannot be published: spooling them locally');
          keep(event);
        })
        .finally(() => pending.delete(publishing));
      pending.add(publishing);
      return publishing;
    },
    async flush() {
      await Promise.all(pending);
      if (spool.length > 0) await drain();
    },
    spool: () => ({ spooled: spool.length, dropped }),
  };
}
