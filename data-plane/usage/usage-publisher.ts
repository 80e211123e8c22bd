import type { Bus } from '../../shared/bus/bus.ts';
import type { UsageEvent } from '../../shared/events/usage-event.ts';
import { atTurnEnd } from '../batching/per-turn.ts';
import type { Logger } from '../logger.ts';

export interface UsagePublisher {
  /**
   * Hands the event to the bus; a failure is logged, never thrown. The promise resolves once the
   * bus holds the event or it is in the local spool (never rejects): a relay awaits it before
   * the response's last bytes, so a process killed after the client got its answer has already
   * handed the usage over. Every event of one event-loop turn shares one write and one promise.
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
  /** The spooled events' size as JSON, in bytes (what the byte cap bounds). */
  spooledBytes: number;
}

export interface UsagePublisherOptions {
  /** Events kept while the bus is unreachable; past it the oldest is dropped (and counted). */
  maxSpooled?: number;
  /**
   * The spool's bound in bytes (events as JSON), whichever of the two caps is reached first: an
   * event's size varies (metadata, tags, long model names), memory does not stretch. 64 MiB.
   */
  maxSpooledBytes?: number;
  /** Retry pace of the spool while the bus is down. */
  retryIntervalMs?: number;
  /**
   * The longest a batch's publishers wait for the bus. An XADD pipeline takes well under a
   * millisecond; the cap only matters while Redis hangs (before the write fails and the batch is
   * spooled), where serving on matters more than the handover. One timer per batch, not per event.
   */
  handoverWaitMs?: number;
}

/** Events sent to the bus in one call while draining the spool. */
const DRAIN_BATCH = 500;
const RESOLVED = Promise.resolve();

/**
 * Publishes usage events: all the events of one event-loop turn go to the bus in one batch (one
 * XADD pipeline on Redis). Events the bus refused (Redis down) are kept in a bounded local spool
 * that drains, in order and in batches, once the bus takes events again. Redelivery is harmless:
 * the control plane stores each event id once.
 */
export function createUsagePublisher(
  bus: Pick<Bus, 'publishUsageBatch'>,
  logger: Logger,
  options: UsagePublisherOptions = {},
): UsagePublisher & { spool(): UsageSpoolStatus } {
  const maxSpooled = options.maxSpooled ?? 50_000;
  const maxSpooledBytes = options.maxSpooledBytes ?? 64 * 1024 * 1024;
  /** Byte size of each spooled event, in spool order (measured once, only while spooling). */
  const sizes: number[] = [];
  let spooledBytes = 0;
  const retryIntervalMs = options.retryIntervalMs ?? 500;
  const handoverWaitMs = options.handoverWaitMs ?? 250;
  const sending = new Set<Promise<void>>();
  const spool: UsageEvent[] = [];
  let dropped = 0;
  let draining: Promise<void> | null = null;
  let timer: NodeJS.Timeout | null = null;
  /** This turn's events and the promise their publishers share; null between turns. */
  let batch: UsageEvent[] | null = null;
  let handedOver: Promise<void> = RESOLVED;
  let release: () => void = () => {};

  function keep(event: UsageEvent) {
    const size = Buffer.byteLength(JSON.stringify(event));
    while (spool.length > 0 && (spool.length >= maxSpooled || spooledBytes + size > maxSpooledBytes)) {
      const lost = spool.shift()!;
      spooledBytes -= sizes.shift()!;
      dropped++;
      logger.error({ usageEventId: lost.id, requestId: lost.requestId }, 'usage spool full: oldest event dropped');
    }
    spool.push(event);
    sizes.push(size);
    spooledBytes += size;
    if (!timer) {
      timer = setInterval(() => void drain(), retryIntervalMs);
      timer.unref();
    }
  }

  function send(): void {
    const events = batch!;
    const done = release;
    batch = null;
    const cap = setTimeout(done, handoverWaitMs);
    const write: Promise<void> = bus
      .publishUsageBatch(events)
      .catch((error: unknown) => {
        // The responses are already on their way: never fail a client, keep the events instead.
        if (spool.length === 0) logger.error({ err: error, events: events.length }, 'usage events cannot be published: spooling them locally');
        for (const event of events) keep(event);
      })
      .finally(() => {
        clearTimeout(cap);
        done();
        sending.delete(write);
      });
    sending.add(write);
  }

  function drain(): Promise<void> {
    draining ??= (async () => {
      try {
        while (spool.length > 0) {
          const next = spool.slice(0, DRAIN_BATCH);
          await bus.publishUsageBatch(next);
          spool.splice(0, next.length);
          for (const size of sizes.splice(0, next.length)) spooledBytes -= size;
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
        return RESOLVED;
      }
      if (batch === null) {
        batch = [];
        handedOver = new Promise<void>((resolve) => (release = resolve));
        // Before the turn's money batch goes out: on one Redis the events travel with it (redis-money-store.ts).
        atTurnEnd(send, 'gather');
      }
      batch.push(event);
      return handedOver;
    },
    async flush() {
      if (batch !== null) await handedOver;
      await Promise.all(sending);
      if (spool.length > 0) await drain();
    },
    spool: () => ({ spooled: spool.length, dropped, spooledBytes }),
  };
}
