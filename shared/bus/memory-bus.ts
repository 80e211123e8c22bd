import { EventEmitter } from 'node:events';
import { Heartbeat } from '../events/heartbeat.ts';
import type { UsageEvent } from '../events/usage-event.ts';
import {
  type Bus,
  isStoreUnavailable,
  type PublishedDelta,
  SNAPSHOT_DELTA_LOG_LENGTH,
  type StoredDelta,
  type StoredSnapshot,
  type UsageConsumer,
  type UsageConsumerHooks,
  type UsageHandler,
} from './bus.ts';

const RETRY_DELAY_MS = 500;
/** Failed stores of one event (alone, the store up) after which it is parked, as on Redis. */
const MAX_DELIVERIES = 5;
// Large batches: one multi-row insert and one counter upsert per table per batch.
const MAX_BATCH = 1000;
/**
 * How long the consumer lets events gather before it takes a batch: after the first event of a
 * quiet spell, and after every stored batch (adds at most this to the lag).
 */
const LINGER_MS = 25;

/**
 * The in-process bus for the embedded default: both planes in one process, no Redis. Usage
 * events wait in memory until the consumer has stored them; a failed batch is retried, one event
 * at a time unless the store is down, and an event that keeps failing alone is parked (counted in
 * `deadLetters`, kept in memory) so it never holds up the events behind it.
 */
export function createMemoryBus(options: { maxDeliveries?: number } = {}): Bus {
  const maxDeliveries = options.maxDeliveries ?? MAX_DELIVERIES;
  // As on Redis (redis-bus.ts): the full snapshot, the newest version, and the delta log after it.
  let full: StoredSnapshot | null = null;
  let head: { version: number; signature: string | null } | null = null;
  let log: { version: number; delta: StoredDelta }[] = [];
  const announcements = new EventEmitter();
  const heartbeats = new EventEmitter();
  let inFlightBatch = 0;
  const queue: UsageEvent[] = [];
  /** Events that failed to store maxDeliveries times alone: out of the ledger, as Redis's dead letters. */
  const parked: UsageEvent[] = [];
  let wake: (() => void) | null = null;
  let closed = false;

  return {
    kind: 'memory',
    async publishSnapshot(snapshot, options) {
      const newest = head?.version ?? 0;
      if (!options?.replace && (newest > snapshot.version || (newest === snapshot.version && (full?.version ?? 0) >= snapshot.version))) return false;
      if (options?.replace) log = [];
      full = { version: snapshot.version, json: snapshot.json, signature: snapshot.signature };
      head = { version: snapshot.version, signature: snapshot.signature };
      if (snapshot.delta && newest < snapshot.version) log.push({ version: snapshot.version, delta: { ...snapshot.delta } });
      log = log.slice(-SNAPSHOT_DELTA_LOG_LENGTH);
      announcements.emit('version', snapshot.version);
      return true;
    },
    async publishSnapshotDelta(delta) {
      if (head && head.version >= delta.to) return 'newer';
      if (!head || !full || head.version !== delta.from) return 'gap';
      const fullVersion = full.version;
      while (log.length >= SNAPSHOT_DELTA_LOG_LENGTH && log[0].version <= fullVersion) log.shift();
      if (log.length >= SNAPSHOT_DELTA_LOG_LENGTH) return 'gap';
      log.push({ version: delta.to, delta: { json: delta.json, signature: delta.signature } });
      head = { version: delta.to, signature: delta.signature };
      announcements.emit('version', delta.to, { ...delta });
      return 'stored';
    },
    async loadSnapshot() {
      return full && { ...full };
    },
    async loadSnapshotDeltas(after) {
      if (!head) return null;
      const deltas = log.filter((entry) => entry.version > after).map((entry) => ({ ...entry.delta }));
      return { version: head.version, fullVersion: full?.version ?? head.version, deltas };
    },
    async loadSnapshotHead() {
      return head && { version: head.version, signature: head.signature, fullVersion: full?.version ?? head.version };
    },
    async onSnapshotAnnounced(listener) {
      const onVersion = (version: number, delta?: PublishedDelta) => listener(version, delta);
      announcements.on('version', onVersion);
      return async () => void announcements.off('version', onVersion);
    },
    async publishUsage(event) {
      queue.push(event);
      wake?.();
    },
    async publishUsageBatch(events) {
      queue.push(...events);
      wake?.();
    },
    consumeUsage(_consumerName: string, handler: UsageHandler, hooks: UsageConsumerHooks = {}): UsageConsumer {
      let running = true;
      const deliveries = new Map<UsageEvent, number>();
      /** After a failed batch: each event alone; stored ones leave the queue, one failing too often is parked. */
      async function storeAlone(batch: UsageEvent[]): Promise<void> {
        for (const event of batch) {
          // A stopping consumer's batch fails too (port-bus.ts): nothing more goes to its handler.
          if (!running || closed) return;
          try {
            await handler([event]);
          } catch (error) {
            if (isStoreUnavailable(error)) return;
            const count = (deliveries.get(event) ?? 0) + 1;
            deliveries.set(event, count);
            if (count < maxDeliveries) continue;
            parked.push(event);
            try {
              hooks.onDeadLetter?.({ sourceId: event.id, kind: 'failed', eventId: event.id, reason: String(error) });
            } catch {
              // An alerting hook must never stop the consumer.
            }
          }
          deliveries.delete(event);
          queue.splice(queue.indexOf(event), 1);
        }
      }
      const loop = (async () => {
        while (running && !closed) {
          if (queue.length === 0) {
            await new Promise<void>((resolve) => (wake = resolve));
            wake = null;
            await linger();
            continue;
          }
          const batch = queue.slice(0, MAX_BATCH);
          inFlightBatch = batch.length;
          try {
            await handler(batch);
            queue.splice(0, batch.length);
            inFlightBatch = 0;
            // Not straight on with what arrived while this batch was stored: that is a handful of
            // events at a time, each batch paying the store's fixed cost again, and the consumer
            // never idles (PGlite: 8 ms a batch; 50-event batches cost 240 us of CPU an event,
            // 500-event ones 94 us).
            await linger();
          } catch (error) {
            // A store outage is not the events' fault: they wait, uncounted.
            if (!isStoreUnavailable(error)) await storeAlone(batch);
            inFlightBatch = 0;
            await new Promise((resolve) => setTimeout(resolve, RETRY_DELAY_MS).unref());
          }
        }
      })();
      // Let more events arrive: every batch costs the store a fixed few statements, so under load
      // one batch per LINGER_MS is far cheaper than one per event. A full batch goes at once.
      async function linger() {
        if (running && !closed && queue.length < MAX_BATCH) await new Promise((resolve) => setTimeout(resolve, LINGER_MS));
      }
      return {
        async stop() {
          running = false;
          wake?.();
          await loop;
        },
      };
    },
    async usageBacklog() {
      return { pending: inFlightBatch, lag: queue.length - inFlightBatch, deadLetters: parked.length };
    },
    async publishHeartbeat(heartbeat) {
      heartbeats.emit(heartbeat.plane, structuredClone(heartbeat));
    },
    async onHeartbeat(plane, listener) {
      const onBeat = (heartbeat: unknown) => {
        const parsed = Heartbeat.safeParse(heartbeat);
        if (parsed.success) listener(parsed.data);
      };
      heartbeats.on(plane, onBeat);
      return async () => void heartbeats.off(plane, onBeat);
    },
    isConnected: () => !closed,
    async close() {
      closed = true;
      wake?.();
      announcements.removeAllListeners();
      heartbeats.removeAllListeners();
    },
  };
}
