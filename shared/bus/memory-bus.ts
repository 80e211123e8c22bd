import { EventEmitter } from 'node:events';
import { Heartbeat } from '../events/heartbeat.ts';
import type { UsageEvent } from '../events/usage-event.ts';
import type { Bus, StoredSnapshot, UsageConsumer, UsageHandler } from './bus.ts';

const RETRY_DELAY_MS = 500;
// Large batches: one multi-row insert and one counter upsert per table per batch.
const MAX_BATCH = 1000;
/** How long the consumer waits after the first event of a batch for more (adds at most this to the lag). */
const LINGER_MS = 25;

/**
 * The in-process bus for the embedded default: both planes in one process, no Redis. Usage
 * events wait in memory until the consumer has stored them; a failed batch is retried.
 */
export function createMemoryBus(): Bus {
  let stored: StoredSnapshot | null = null;
  const announcements = new EventEmitter();
  const heartbeats = new EventEmitter();
  let inFlightBatch = 0;
  const queue: UsageEvent[] = [];
  let wake: (() => void) | null = null;
  let closed = false;

  return {
    kind: 'memory',
    async publishSnapshot(snapshot, options) {
      if (!options?.replace && stored && stored.version >= snapshot.version) return false;
      stored = { ...snapshot };
      announcements.emit('version', snapshot.version);
      return true;
    },
    async loadSnapshot() {
      return stored && { ...stored };
    },
    async loadSnapshotDelta() {
      return stored && { version: stored.version, delta: stored.delta ?? null };
    },
    async loadSnapshotHead() {
      return stored && { version: stored.version, signature: stored.signature };
    },
    async onSnapshotAnnounced(listener) {
      const onVersion = (version: number) => listener(version);
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
    consumeUsage(_consumerName: string, handler: UsageHandler): UsageConsumer {
      let running = true;
      const loop = (async () => {
        while (running && !closed) {
          if (queue.length === 0) {
            await new Promise<void>((resolve) => (wake = resolve));
            wake = null;
            // Let a few more events arrive: every batch costs the store a fixed few statements,
            // so under load one batch per LINGER_MS is far cheaper than one per event.
            if (running && !closed && queue.length < MAX_BATCH) await new Promise((resolve) => setTimeout(resolve, LINGER_MS));
            continue;
          }
          const batch = queue.slice(0, MAX_BATCH);
          inFlightBatch = batch.length;
          try {
            await handler(batch);
            queue.splice(0, batch.length);
            inFlightBatch = 0;
          } catch {
            await new Promise((resolve) => setTimeout(resolve, RETRY_DELAY_MS).unref());
          }
        }
      })();
      return {
        async stop() {
          running = false;
          wake?.();
          await loop;
        },
      };
    },
    async usageBacklog() {
      return { pending: inFlightBatch, lag: queue.length - inFlightBatch, deadLetters: 0 };
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
