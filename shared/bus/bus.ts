import type { UsageEvent } from '../events/usage-event.ts';

/** A stored snapshot as the bus hands it over: its version and its JSON, unparsed. */
export interface StoredSnapshot {
  version: number;
  json: string;
}

/** Receives a batch of usage events; resolves only once they are durably stored. */
export type UsageHandler = (events: UsageEvent[]) => Promise<void>;

export interface UsageConsumer {
  stop(): Promise<void>;
}

/**
 * The only channel between the planes. Redis in production (shared/bus/redis-bus.ts), in-process
 * for the embedded single-machine default (shared/bus/memory-bus.ts).
 */
export interface Bus {
  readonly kind: 'redis' | 'memory';
  /** Control plane: store a snapshot unless a newer one is stored, then announce it. */
  publishSnapshot(snapshot: StoredSnapshot): Promise<void>;
  /** Data plane: the newest stored snapshot, or null when none was ever published. */
  loadSnapshot(): Promise<StoredSnapshot | null>;
  /** Data plane: called with the version of every announcement. Announcements are hints. */
  onSnapshotAnnounced(listener: (version: number) => void): Promise<() => Promise<void>>;
  /** Data plane: hand one usage event to the bus. Resolves once the bus holds it durably. */
  publishUsage(event: UsageEvent): Promise<void>;
  /**
   * Control plane: deliver usage events in batches to `handler`. A batch is acknowledged only
   * after the handler resolves; a rejected batch is delivered again later (at-least-once), so
   * the handler must be idempotent by event id.
   */
  consumeUsage(consumerName: string, handler: UsageHandler): UsageConsumer;
  close(): Promise<void>;
}
