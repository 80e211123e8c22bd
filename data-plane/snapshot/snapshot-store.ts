import type { Bus, PublishedDelta, StoredDelta, StoredDeltaLog } from '../../shared/bus/bus.ts';
import type { SecretBox } from '../../shared/crypto/secret-box.ts';
import type { ContentDigest } from '../../shared/snapshot/content-digest.ts';
import { applyDelta, type SnapshotDelta } from '../../shared/snapshot/delta.ts';
import type { ConfigSnapshot } from '../../shared/snapshot/schema.ts';
import { createSnapshotSigner } from '../../shared/snapshot/signature.ts';
import type { Logger } from '../logger.ts';
import { type CompileResult, compileDelta, compileSnapshot } from './compile-snapshot.ts';
import type { CompiledSnapshot } from './compiled-snapshot.ts';
import { createConvergence } from './convergence.ts';
import { changeKeys } from './key-set.ts';
import type { SnapshotFile } from './snapshot-file.ts';
import { createSnapshotLoader, type SnapshotSource } from './snapshot-loader.ts';

/** Why a stored snapshot was refused: not signed by our control plane, unreadable, or older. */
export type RefusalKind = 'signature' | 'invalid' | 'older';

/** Default for how long a data plane may serve an older version than the control plane's target. */
export const DEFAULT_SNAPSHOT_STALE_AFTER_MS = 10_000;

export interface SnapshotStatus {
  version: number | null;
  hash: string | null;
  /** ISO time the current snapshot was swapped in. */
  loadedAt: string | null;
  /** Where the served snapshot came from: the bus, or the last good copy on disk. */
  source: 'bus' | 'disk' | null;
  /** The last stored snapshot that was refused, and why; the previous one kept serving. */
  lastRefused: { version: number; kind: RefusalKind; reason: string; at: string } | null;
  /** How many refusals so far (distinct version and reason). */
  refusedCount: number;
  /** Refusals by kind: `signature` counts unsigned or wrongly signed (forged) snapshots. */
  refused: Record<RefusalKind, number>;
  /** Snapshots swapped in from a full read, from a delta; deltas that did not apply (full read instead). */
  loads: { full: number; delta: number; deltaMisses: number };
  /** The newest version a live control plane says it published; null when none said. */
  targetVersion: number | null;
  /** Behind the target for longer than allowed: reported as the `snapshot_stale` degraded mode. */
  stale: boolean;
}

export interface SnapshotStore {
  /** The compiled snapshot to serve with. Read it once per request, at entry. */
  current(): CompiledSnapshot | null;
  status(): SnapshotStatus;
  /** Loads the stored snapshot (failure is logged, not thrown) and follows announcements. */
  start(): Promise<void>;
  /** Re-reads the stored snapshot; concurrent calls coalesce into one extra read. */
  refresh(): Promise<void>;
  /** A control plane's heartbeat named the version it last published (the target to converge on). */
  noteTarget(instanceId: string, version: number | null | undefined, intervalMs: number): void;
  close(): Promise<void>;
}

export interface SnapshotStoreOptions {
  bus: Pick<Bus, 'loadSnapshot' | 'loadSnapshotDeltas' | 'onSnapshotAnnounced' | 'connection'>;
  /** Opens provider credentials; its keys also verify the control plane's signature. */
  secretBox: Pick<SecretBox, 'open' | 'keys'>;
  logger: Logger;
  /** Serving an older version than the control plane's target this long makes the plane `snapshot_stale`. */
  staleAfterMs?: number;
  /**
   * Re-read the stored snapshot this often even without announcements: pub/sub is lossy (a
   * message sent while we were disconnected is gone), the stored snapshot is the truth.
   */
  pollIntervalMs?: number;
  /**
   * The last good snapshot on disk: written after every snapshot accepted from the bus, read at
   * start when the bus has none or cannot be reached.
   */
  file?: SnapshotFile;
  /** Keys changed by deltas since the last full load after which the full snapshot is read again (default `KEYS_FOLD_AFTER`). */
  keysFoldAfter?: number;
}

/**
 * Deltas change keys in a map above the packed keys of the last full load (key-set.ts), which
 * grows with every key changed or removed since. Past this many, the plane reads the full
 * snapshot again once the control plane has written it for the version served (it does within
 * seconds of a delta-only version): the worker packs everything anew, off the event loop.
 */
export const KEYS_FOLD_AFTER = 1_000;
/** A fold that found no full snapshot of the version served is tried again after this long. */
const FOLD_RETRY_MS = 10_000;

export function createSnapshotStore(options: SnapshotStoreOptions): SnapshotStore {
  const { bus, secretBox, logger } = options;
  const verifier = createSnapshotSigner(secretBox.keys);
  // Full snapshots are read (from Redis), checked and parsed in a worker thread, which packs their keys.
  const loader = createSnapshotLoader(secretBox.keys, bus);
  let compiled: CompiledSnapshot | null = null;
  // The parsed snapshot `compiled` was built from, the base deltas apply to; its keys are not in
  // it (`apiKeys` is empty) but packed, in `compiled.keysByHash.keys`.
  let base: ConfigSnapshot | null = null;
  // Its per-entry hashes (shared/snapshot/content-digest.ts): a delta's hash is checked in O(change).
  let digest: ContentDigest | null = null;
  let deltasApplied = 0;
  let nextFoldAt = 0;
  let deltaMisses = 0;
  let fullLoads = 0;
  const convergence = createConvergence({ served: () => compiled?.version ?? null, staleAfterMs: options.staleAfterMs ?? DEFAULT_SNAPSHOT_STALE_AFTER_MS });
  let loadedAt: string | null = null;
  let lastRefused: SnapshotStatus['lastRefused'] = null;
  let refusedCount = 0;
  const refusedByKind: Record<RefusalKind, number> = { signature: 0, invalid: 0, older: 0 };
  // The last refused stored snapshot, by version and signature: polls do not verify it again.
  let lastRefusedStored: string | null = null;
  let source: SnapshotStatus['source'] = null;
  let persisting: Promise<void> = Promise.resolve();
  let inFlight: Promise<void> | null = null;
  // Loads (bus or disk) run one at a time: each decides on the version the previous one left.
  let loading: Promise<void> = Promise.resolve();
  const exclusive = (load: () => Promise<void>): Promise<void> => {
    const run = loading.then(load);
    loading = run.catch(() => undefined);
    return run;
  };
  let again = false;
  let unsubscribe: (() => Promise<void>) | null = null;
  let poller: NodeJS.Timeout | null = null;
  // The delta the newest announcement carried (a delta published alone), until a load takes it.
  let announced: PublishedDelta | null = null;

  /**
   * The delta log first: the deltas after the version we serve, applied in order. Anything else
   * (a delta lost or dropped from the log, a hash mismatch, nothing served yet) reads the full
   * snapshot, which the control plane writes lazily and may be older than the newest version:
   * the log then holds the deltas from it on.
   */
  async function loadOnce(): Promise<void> {
    let log: StoredDeltaLog | null = null;
    const carried = announced;
    announced = null;
    // The announced delta, when it follows what we serve: no read of the log (a newer version
    // announced meanwhile makes another load, which reads the log if its delta does not follow).
    // One that does not apply is tried again from the log, and counted as a miss there.
    if (compiled && base && carried?.from === compiled.version && (await applyStoredDelta(carried, { countMiss: false })) && compiled.version === carried.to)
      return;
    if (compiled && base) {
      log = await bus.loadSnapshotDeltas(compiled.version);
      if (!log) return;
      if (log.version === compiled.version) {
        if (source === 'disk') source = 'bus';
        return;
      }
      if (log.version > compiled.version && (await followDeltas(log))) return;
    }
    const stored = await loader.read();
    if (!stored) return;
    // Not a step back: the full snapshot lags the newest version, whose deltas did not apply
    // here. We keep what we serve until the control plane writes the full snapshot again.
    if (compiled && log && log.version > compiled.version && stored.version <= compiled.version) return;
    await accept(stored, 'bus');
    if (!compiled || stored.version !== compiled.version) return;
    log = await bus.loadSnapshotDeltas(compiled.version);
    if (log && log.version > compiled.version) await followDeltas(log);
  }

  /** Applies the log's deltas after the served version; true once it serves the log's newest version. */
  async function followDeltas(log: StoredDeltaLog): Promise<boolean> {
    for (const delta of log.deltas) {
      if (!(await applyStoredDelta(delta))) return false;
      if (compiled?.version === log.version) return true;
    }
    return compiled?.version === log.version;
  }

  /**
   * The delta path: a signed delta from the version we serve, whose result has the announced
   * content hash, is applied and compiled without reading the full snapshot. Anything else (a
   * delta from another version: one was lost or we were behind; a hash mismatch) returns false.
   * The last good snapshot on disk is written from full snapshots only (it keeps the control
   * plane's own signature), so after a restart a plane may boot from an older one and catch up
   * from the bus.
   */
  async function applyStoredDelta(stored: StoredDelta, options: { countMiss: boolean } = { countMiss: true }): Promise<boolean> {
    if (!compiled || !base || !digest) return false;
    if (verifier.check(stored.json, stored.signature) !== null) return false;
    let delta: SnapshotDelta;
    try {
      delta = JSON.parse(stored.json) as SnapshotDelta;
    } catch {
      return false;
    }
    if (delta.from !== compiled.version) {
      if (options.countMiss) deltaMisses++;
      return false;
    }
    // The keys are changed on their packed set, the other sections by applyDelta, which checks
    // the resulting content hash over both.
    const { apiKeys: keyChange, ...others } = delta.changes;
    const keys = keyChange ? changeKeys(compiled.keysByHash.keys, keyChange, digest) : { keys: compiled.keysByHash.keys, undo: () => undefined };
    const next = keys && applyDelta(base, { ...delta, changes: others }, digest);
    if (!keys || !next) {
      keys?.undo();
      if (options.countMiss) deltaMisses++;
      return false;
    }
    const changed = {
      apiKeys: keyChange ? [...keyChange.remove, ...keyChange.put.map((p) => (p.value as { id: string }).id)] : [],
      teams: others.teams ? [...others.teams.remove, ...others.teams.put.map((p) => (p.value as { id: string }).id)] : [],
      other: Boolean(others.providers || others.models || others.plans || others.fallbackChains || others.routingProfiles),
    };
    install(next, compileDelta(compiled, next, keys.keys, changed, secretBox), 'bus', digest);
    deltasApplied++;
    return true;
  }

  /** Reads the full snapshot again when deltas changed many keys since the last full load (KEYS_FOLD_AFTER). */
  async function foldKeys(): Promise<void> {
    if (!compiled || compiled.keysByHash.keys.changedCount < (options.keysFoldAfter ?? KEYS_FOLD_AFTER) || Date.now() < nextFoldAt) return;
    nextFoldAt = Date.now() + FOLD_RETRY_MS;
    const stored = await loader.read();
    if (!stored || stored.version < compiled.version) return;
    if (stored.version > compiled.version) return accept(stored, 'bus');
    const parsed = await loader.load(stored);
    // The same version, so the same content: anything else is left for the next load to sort out.
    if (!parsed.ok || parsed.snapshot.version !== compiled?.version || parsed.snapshot.hash !== compiled.hash) return;
    install(parsed.snapshot, compileSnapshot(parsed.snapshot, secretBox, parsed.keys), 'bus', parsed.digest);
    fullLoads++;
    if (options.file) persist(options.file);
  }

  async function accept(stored: SnapshotSource, from: 'bus' | 'disk'): Promise<void> {
    // The bus confirms what we serve from disk: from now on it is the bus's snapshot.
    if (compiled && from === 'bus' && source === 'disk' && stored.version === compiled.version) source = 'bus';
    // Cheap skip before verifying: the announcement (or poll) is for what we already serve.
    if (compiled && stored.version === compiled.version) return;
    const fingerprint = `${stored.version}/${stored.signature}`;
    if (fingerprint === lastRefusedStored) return;
    // Origin first (the worker checks it before it parses anything): nothing unsigned is even
    // parsed. Anyone who can write to Redis could otherwise mint keys or send a credential to a
    // host of their choosing.
    const parsed = await loader.load(stored);
    if (!parsed.ok) return refuse(stored.version, parsed.kind, parsed.reason, fingerprint);
    if (compiled && parsed.snapshot.version === compiled.version) return;
    if (compiled && parsed.snapshot.version < compiled.version) {
      // Never served: versions only move forward. Reported, since it means the stored snapshot
      // went back (a Redis restored from an old dump, a control plane on an old database).
      return refuse(parsed.snapshot.version, 'older', `older than the current version ${compiled.version}`, fingerprint);
    }
    install(parsed.snapshot, compileSnapshot(parsed.snapshot, secretBox, parsed.keys), from, parsed.digest);
    fullLoads++;
    if (from === 'bus' && options.file) persist(options.file);
  }

  function install(snapshot: ConfigSnapshot, result: CompileResult, from: 'bus' | 'disk', entryHashes: ContentDigest): void {
    for (const warning of result.warnings) logger.warn({ snapshotVersion: snapshot.version }, `snapshot: ${warning}`);
    // The one swap: the snapshot and everything derived from it change together.
    compiled = result.compiled;
    base = snapshot;
    digest = entryHashes;
    loadedAt = new Date().toISOString();
    source = from;
    logger.info({ snapshotVersion: compiled.version, snapshotHash: compiled.hash, source: from }, 'snapshot loaded');
  }

  /**
   * Writes the snapshot just loaded, from the worker that holds it, in the background; asked at
   * once, since the worker answers in order (a later read replaces what it holds). A failed write
   * is logged (the bus still has the truth).
   */
  function persist(file: SnapshotFile): void {
    const written = loader
      .persist(file)
      .catch((error: unknown) => logger.warn({ err: error, path: file.path }, 'snapshot: could not write the last good snapshot to disk'));
    persisting = Promise.all([persisting, written]).then(() => undefined);
  }

  async function loadFromDisk(file: SnapshotFile): Promise<void> {
    try {
      const stored = await file.read();
      if (!stored) {
        logger.warn({ path: file.path }, 'snapshot: none from the bus and none on disk; not ready until one arrives');
        return;
      }
      await accept(stored, 'disk');
      if (compiled) logger.warn({ snapshotVersion: compiled.version, path: file.path }, 'snapshot: serving the last good snapshot from disk');
    } catch (error) {
      logger.error({ err: error, path: file.path }, 'snapshot: could not read the last good snapshot from disk');
    }
  }

  function refuse(version: number, kind: RefusalKind, reason: string, fingerprint: string): void {
    lastRefusedStored = fingerprint;
    if (lastRefused?.version === version && lastRefused.reason === reason) return;
    lastRefused = { version, kind, reason, at: new Date().toISOString() };
    refusedCount++;
    refusedByKind[kind]++;
    logger.error({ snapshotVersion: version, kind, reason, keptVersion: compiled?.version ?? null }, 'snapshot refused');
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
            await exclusive(loadOnce);
            await exclusive(foldKeys);
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
    status: () => ({
      version: compiled?.version ?? null,
      hash: compiled?.hash ?? null,
      loadedAt,
      source,
      lastRefused,
      refusedCount,
      refused: { ...refusedByKind },
      loads: { full: fullLoads, delta: deltasApplied, deltaMisses },
      targetVersion: convergence.target(),
      stale: convergence.stale(),
    }),
    refresh,
    noteTarget(instanceId, version, intervalMs) {
      convergence.noteTarget(instanceId, version, intervalMs);
      // A target newer than what we serve: the announcement may have been lost; look now.
      if (typeof version === 'number' && (compiled === null || version > compiled.version)) void refresh();
    },
    async start() {
      try {
        // Announcements are hints: whatever version they name, we re-read the stored snapshot.
        unsubscribe = await bus.onSnapshotAnnounced((_version, delta) => {
          announced = delta ?? null;
          void refresh();
        });
      } catch (error) {
        logger.warn({ err: error }, 'snapshot: could not subscribe to announcements; relying on polling');
      }
      await refresh();
      const file = options.file;
      // Checked again once it is this load's turn: an announcement's load may have come first.
      if (!compiled && file) await exclusive(async () => (compiled ? undefined : loadFromDisk(file)));
      const interval = options.pollIntervalMs ?? 30_000;
      if (interval > 0) poller = setInterval(() => void refresh(), interval).unref();
    },
    async close() {
      if (poller) clearInterval(poller);
      await unsubscribe?.();
      await inFlight;
      await loading;
      await persisting;
      await loader.close();
    },
  };
}
