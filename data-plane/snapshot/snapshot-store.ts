import type { Bus } from '../../shared/bus/bus.ts';
import type { SecretBox } from '../../shared/crypto/secret-box.ts';
import { parseSnapshot } from '../../shared/snapshot/schema.ts';
import type { Logger } from '../logger.ts';
import { compileSnapshot } from './compile-snapshot.ts';
import type { CompiledSnapshot } from './compiled-snapshot.ts';

export interface SnapshotStatus {
  version: number | null;
  hash: string | null;
  /** ISO time the current snapshot was swapped in. */
  loadedAt: string | null;
  /** The last stored snapshot that was refused, and why; the previous one kept serving. */
  lastRefused: { version: number; reason: string; at: string } | null;
}

export interface SnapshotStore {
  /** The compiled snapshot to serve with. Read it once per request, at entry. */
  current(): CompiledSnapshot | null;
  status(): SnapshotStatus;
  /** Loads the stored snapshot (failure is logged, not thrown) and follows announcements. */
  start(): Promise<void>;
  /** Re-reads the stored snapshot; concurrent calls coalesce into one extra read. */
  refresh(): Promise<void>;
  close(): Promise<void>;
}

export interface SnapshotStoreOptions {
  bus: Pick<Bus, 'loadSnapshot' | 'onSnapshotAnnounced'>;
  secretBox: Pick<SecretBox, 'open'>;
  logger: Logger;
  /**
   * Re-read the stored snapshot this often even without announcements: pub/sub is lossy (a
   * message sent while we were disconnected is gone), the stored snapshot is the truth.
   */
  pollIntervalMs?: number;
}

export function createSnapshotStore(options: SnapshotStoreOptions): SnapshotStore {
  const { bus, secretBox, logger } = options;
  let compiled: CompiledSnapshot | null = null;
  let loadedAt: string | null = null;
  let lastRefused: SnapshotStatus['lastRefused'] = null;
  let inFlight: Promise<void> | null = null;
  let again = false;
  let unsubscribe: (() => Promise<void>) | null = null;
  let poller: NodeJS.Timeout | null = null;

  async function loadOnce(): Promise<void> {
    const stored = await bus.loadSnapshot();
    if (!stored) return;
    // Cheap skip before parsing: the announcement was for what we already serve (or older).
    if (compiled && stored.version <= compiled.version) return;
    const parsed = parseSnapshot(stored.json);
    if (!parsed.ok) return refuse(stored.version, parsed.reason);
    if (compiled && parsed.snapshot.version <= compiled.version) {
      return refuse(parsed.snapshot.version, `older than the current version ${compiled.version}`);
    }
    const result = compileSnapshot(parsed.snapshot, secretBox);
    for (const warning of result.warnings) logger.warn({ snapshotVersion: parsed.snapshot.version }, `snapshot: ${warning}`);
    // The one swap: the snapshot and everything derived from it change together.
    compiled = result.compiled;
    loadedAt = new Date().toISOString();
    logger.info({ snapshotVersion: compiled.version, snapshotHash: compiled.hash }, 'snapshot loaded');
  }

  function refuse(version: number, reason: string): void {
    if (lastRefused?.version === version && lastRefused.reason === reason) return;
    lastRefused = { version, reason, at: new Date().toISOString() };
    logger.error({ snapshotVersion: version, reason, keptVersion: compiled?.version ?? null }, 'snapshot refused');
  }

  function refresh(): Promise<void> {
    if (inFlight) {
      // A newer announcement may have arrived after the in-flight read started: read once more.
      again = true;
      return inFlight;
    }
    inFlight = (async () => {
      try {
        do {
          again = false;
          try {
            await loadOnce();
          } catch (error) {
            logger.warn({ err: error }, 'snapshot: could not read the stored snapshot; keeping the current one');
          }
        } while (again);
      } finally {
        inFlight = null;
      }
    })();
    return inFlight;
  }

  return {
    current: () => compiled,
    status: () => ({ version: compiled?.version ?? null, hash: compiled?.hash ?? null, loadedAt, lastRefused }),
    refresh,
    async start() {
      try {
        // Announcements are hints: whatever version they name, we re-read the stored snapshot.
        unsubscribe = await bus.onSnapshotAnnounced(() => void refresh());
      } catch (error) {
        logger.warn({ err: error }, 'snapshot: could not subscribe to announcements; relying on polling');
      }
      await refresh();
      const interval = options.pollIntervalMs ?? 30_000;
      if (interval > 0) poller = setInterval(() => void refresh(), interval).unref();
    },
    async close() {
      if (poller) clearInterval(poller);
      await unsubscribe?.();
      await inFlight;
    },
  };
}
