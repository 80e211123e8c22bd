import type { Heartbeat } from '../events/heartbeat.ts';
import type { UsageEvent } from '../events/usage-event.ts';
import type { MoneyEpochStore } from '../money/money-counters.ts';

/** A stored snapshot as the bus hands it over: its version and its JSON, unparsed. */
export interface StoredSnapshot {
  version: number;
  json: string;
  /** The control plane's signature of `json` (shared/snapshot/signature.ts); null when absent. */
  signature: string | null;
  /** The delta from the previous version to this one (shared/snapshot/delta.ts), signed the same way. */
  delta?: StoredDelta | null;
}

/** A delta (shared/snapshot/delta.ts) as stored in the bus's delta log: JSON and signature. */
export interface StoredDelta {
  json: string;
  signature: string;
}

/** A delta to publish on its own: `from` and `to` are the versions its JSON names. */
export interface PublishedDelta extends StoredDelta {
  from: number;
  to: number;
}

/**
 * What a delta publication did: `stored` (appended to the log, announced); `newer` (the bus holds
 * this version or a newer one: as a refused full snapshot); `gap` (the bus's newest version is not
 * the delta's `from`, or the log is full: store the full snapshot instead).
 */
export type DeltaPublication = 'stored' | 'newer' | 'gap';

/**
 * How many deltas the log keeps. A delta is refused (`gap`) rather than drop one the stored full
 * snapshot still needs, so the control plane writes the full snapshot at least this often.
 */
export const SNAPSHOT_DELTA_LOG_LENGTH = 64;

/** What identifies the stored snapshot, without its (large) body. */
export interface StoredSnapshotHead {
  /** The newest published version (by a full snapshot or a delta). */
  version: number;
  /** The signature of what published `version`: the full snapshot's, or its delta's. */
  signature: string | null;
  /** The version of the stored full snapshot: at most `version`; the log holds the deltas after it. */
  fullVersion: number;
}

/** The delta log after a version: the newest version and the stored deltas to versions above `after`, oldest first. */
export interface StoredDeltaLog {
  version: number;
  fullVersion: number;
  deltas: StoredDelta[];
}

/**
 * Thrown by a usage handler when its store is unavailable (the database is down): the batch stays
 * in the stream and is retried, without counting towards the dead-letter limit, for as long as
 * the outage lasts. Any other error counts as a failed delivery.
 */
export class UsageStoreUnavailable extends Error {
  readonly storeUnavailable = true;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'UsageStoreUnavailable';
  }
}

/** Whether a handler's error is a store outage (UsageStoreUnavailable, also as relayed across a port). */
export function isStoreUnavailable(error: unknown): boolean {
  return (error as { storeUnavailable?: unknown } | null)?.storeUnavailable === true;
}

/**
 * Receives a batch of usage events; resolves only once they are durably stored. `json`, where the
 * bus has it (Redis: the stream entries' payloads), is each event's JSON text as it arrived, at the
 * event's index, and only where it holds exactly the fields of the validated event (validation
 * dropped none): the store and the live fan-out reuse it instead of serializing the event again.
 */
export type UsageHandler = (events: UsageEvent[], json?: readonly (string | undefined)[]) => Promise<void>;

export interface UsageConsumer {
  stop(): Promise<void>;
  /**
   * For /readyz: whether the last read failed (Redis unreachable, the group gone...) and when
   * the consumer group was last re-created after Redis lost it. Absent: always healthy (in-process).
   */
  health?(): UsageConsumerHealth;
}

export interface UsageConsumerHealth {
  failing: boolean;
  /** Epoch ms of the last re-creation of the consumer group (Redis came back empty), or null. */
  groupRecreatedAt: number | null;
}

/** An event the consumer gave up on and parked in the dead-letter stream. */
export interface DeadLetter {
  /** The entry's id in the usage stream (the dead-letter entry keeps it as `sourceId`). */
  sourceId: string;
  /** `invalid`: not a usage event at all; `failed`: it failed to store maxDeliveries times. */
  kind: 'invalid' | 'failed';
  /** The usage event id, when the payload parsed. */
  eventId: string | null;
  reason: string;
}

/** What the consumer's owner wants to hear about, besides the batches. */
export interface UsageConsumerHooks {
  /** Called once per dead-lettered event, after it is in the dead-letter stream. Must not throw. */
  onDeadLetter?: (letter: DeadLetter) => void;
  /**
   * Called when the consumer group had vanished (Redis restarted without persistence, a failover
   * to an empty replica, FLUSHALL) and was created again, reading the stream from its start.
   * Whatever the stream held before is lost. Must not throw.
   */
  onGroupRecreated?: () => void;
}

/** Redis's persistence settings as it reports them (INFO persistence, CONFIG GET appendfsync). */
export interface BusPersistence {
  aof: boolean;
  /** `always`, `everysec` or `no`; null when CONFIG is not allowed (managed Redis). */
  appendfsync: string | null;
  /** RDB snapshots configured (`save` not empty); null when CONFIG is not allowed. */
  rdb: boolean | null;
}

/** The usage stream as the consumer group sees it, for metrics and the degraded-mode view. */
export interface UsageBacklog {
  /** Delivered to a consumer but not acknowledged (stored) yet. */
  pending: number;
  /** Not yet delivered to any consumer; null when Redis cannot tell (before 7.0). */
  lag: number | null;
  /** Events parked in the dead-letter stream after failing to store repeatedly. */
  deadLetters: number;
}

/**
 * A broadcast among the control plane replicas that share one bus: every replica receives every
 * message once, its own included. Messages are hints for live views (GraphQL subscriptions), lost
 * while a replica is disconnected; the database stays the truth.
 */
export interface LiveChannel {
  publish(message: string): Promise<void>;
  /** Resolves once subscribed; the returned function unsubscribes. */
  subscribe(listener: (message: string) => void): Promise<() => Promise<void>>;
  /**
   * Marks these topics as listened to, by some replica, for the next `ttlMs` (renewed by the
   * replica while its subscribers remain): what `interested` answers from.
   */
  markInterest(topics: readonly string[], ttlMs: number): Promise<void>;
  /** Of these topics, the ones some replica marked and whose mark has not lapsed. */
  interested(topics: readonly string[]): Promise<Set<string>>;
}

/**
 * The only channel between the planes. Redis in production (shared/bus/redis-bus.ts), in-process
 * for the embedded single-machine default (shared/bus/memory-bus.ts).
 */
export interface Bus {
  readonly kind: 'redis' | 'memory';
  /**
   * Control plane: store a full snapshot unless one of the same or a newer version is stored
   * (a full snapshot of the newest version may complete a version published by its delta), then
   * announce it. Its `delta`, if any, joins the delta log. `replace` stores it whatever is stored,
   * dropping the log (healing an invalid stored snapshot). Resolves true when stored, false when
   * the stored one was kept.
   */
  publishSnapshot(snapshot: StoredSnapshot, options?: { replace?: boolean }): Promise<boolean>;
  /**
   * Control plane: append a delta to the bounded delta log and announce its version, without
   * writing the full snapshot. Only on top of the newest version (`from`), and only while the log
   * can keep every delta from the stored full snapshot on (full snapshot + log = newest version).
   */
  publishSnapshotDelta(delta: PublishedDelta): Promise<DeltaPublication>;
  /** Data plane: the stored full snapshot, or null when none was ever published. It may be older than the newest version. */
  loadSnapshot(): Promise<StoredSnapshot | null>;
  /** Both planes: the newest version and its signature, without any body. */
  loadSnapshotHead(): Promise<StoredSnapshotHead | null>;
  /** Data plane: the newest version and the logged deltas to versions above `after`. */
  loadSnapshotDeltas(after: number): Promise<StoredDeltaLog | null>;
  /**
   * Data plane: called with the version of every announcement. Announcements are hints. A delta
   * published alone comes with its announcement: a data plane serving its `from` version applies
   * it without reading the log (one bus round trip less per version; the log stays the truth).
   */
  onSnapshotAnnounced(listener: (version: number, delta?: PublishedDelta) => void): Promise<() => Promise<void>>;
  /** Data plane: hand one usage event to the bus. Resolves once the bus holds it durably. */
  publishUsage(event: UsageEvent): Promise<void>;
  /**
   * Data plane: hand several usage events to the bus in one go (Redis: one script of XADDs, one
   * round trip), in order. Resolves once the bus holds all of them; rejects if it may not.
   */
  publishUsageBatch(events: readonly UsageEvent[]): Promise<void>;
  /**
   * Control plane: deliver usage events in batches to `handler`. A batch is acknowledged only
   * after the handler resolves; a rejected batch is delivered again later (at-least-once), so
   * the handler must be idempotent by event id. The Redis bus keeps two batches in flight: it may
   * call the handler with the next batch before the previous call resolved, so the handler must
   * allow that (the ingestor queues its statements on one connection, in call order).
   */
  consumeUsage(consumerName: string, handler: UsageHandler, hooks?: UsageConsumerHooks): UsageConsumer;
  /** Control plane: the usage stream's backlog (pending and undelivered events). */
  usageBacklog(): Promise<UsageBacklog>;
  /** Both planes: announce this process to the other plane (a hint, lost when nobody listens). */
  publishHeartbeat(heartbeat: Heartbeat): Promise<void>;
  /** Heartbeats of one plane's processes. Malformed ones are dropped before the listener. */
  onHeartbeat(plane: Heartbeat['plane'], listener: (heartbeat: Heartbeat) => void): Promise<() => Promise<void>>;
  /**
   * Present when the bus spans processes (Redis), so several control plane replicas can share it:
   * they fan their live events out through it. Absent in-process, where one control plane serves
   * every subscriber itself.
   */
  readonly live?: LiveChannel;
  /**
   * Redis only: the money counters' epoch, which the control plane re-seeds from its ledger when
   * Redis came back empty (docs/money.md, "Redis restarted empty"). Absent in-process.
   */
  readonly moneyEpoch?: MoneyEpochStore;
  /**
   * Redis only: where this bus lives, for the data plane's two uses of it. `createBus` opens the
   * bus again from it, on a connection of its own, in another thread: the snapshot worker reads
   * the stored snapshot (megabytes) there, so it never crosses the event loop that serves
   * requests. And a data plane whose money counters share this Redis (the same `redisUrl`) XADDs
   * its usage to `usageStream` in its money calls. Absent in-process: the bus is this thread's
   * memory.
   */
  readonly connection?: { redisUrl: string; prefix?: string; usageStream: string };
  /**
   * Redis only: how it persists what it holds. Usage events wait in the stream until a control
   * plane stores them; without AOF a Redis restart loses them (docs/operations.md).
   */
  persistence?(): Promise<BusPersistence>;
  /** Whether the bus's connection is up right now (always true in-process). Cheap: no I/O. */
  isConnected(): boolean;
  close(): Promise<void>;
}
