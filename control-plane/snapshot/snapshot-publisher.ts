import { Counter, type Registry } from 'prom-client';
import type { PrismaClient } from '../../generated/prisma/client.ts';
import type { Bus, StoredSnapshot } from '../../shared/bus/bus.ts';
import { diffSnapshots, type SnapshotDelta } from '../../shared/snapshot/delta.ts';
import type { SnapshotSigner, SnapshotVerifier } from '../../shared/snapshot/signature.ts';
import type { LiveEvents } from '../usage/live-events.ts';
import { changesOf, compileChanges, type VersionedAuditEntry } from './compile-changes.ts';
import { compileSnapshot, nextScheduledChange, type SnapshotSource } from './compile-snapshot.ts';
import { CompiledConfig, type SnapshotPatch } from './compiled-config.ts';
import { raiseConfigVersion, readConfigVersion, takeConfigVersion } from './config-version.ts';
import { type HealReason, judgeStoredSnapshot, type StoredHead } from './stored-snapshot-check.ts';

// setTimeout's limit is about 24.8 days; a later change is re-checked when this one fires.
const MAX_TIMER_MS = 2_147_000_000;
const RETRY_MS = 1000;
/**
 * A delta larger than this goes out with the full snapshot instead of alone: it costs a data
 * plane about as much as a full load, and the delta log stays small.
 */
const MAX_LOGGED_DELTA_BYTES = 256 * 1024;

export interface PublishedSnapshot {
  version: number;
  hash: string;
  createdAt: Date;
}

/**
 * A committed mutation's config version and the audit entries it wrote with it (in the same
 * transaction), handed to `publish` so the next run need not read them back.
 */
export interface CommittedChange {
  version: number;
  entries: readonly VersionedAuditEntry[];
  /** What `compileWithin` compiled in the mutation's transaction, if it could. */
  patch?: PreparedPatch | null;
}

/**
 * The patch from version `change.version - 1` to the mutation's own version, compiled in the
 * mutation's transaction from the compile kept at the version before (`base`).
 */
export interface PreparedPatch {
  base: CompiledConfig;
  catalog: boolean;
  patch: SnapshotPatch;
  /** The instant the catalog's prices were read for (the next price change is looked up after it). */
  now: Date;
}

/**
 * How long a publication request waits for others to join it. None by default: a request made
 * while a run is in flight waits for that run anyway and shares the next one with every other
 * request made meanwhile, so a burst still yields few versions; a lone mutation is not delayed
 * (its wait was most of the 20 ms a mutation may take, issue 12). 0 still lets the requests of
 * one event-loop turn share a run.
 */
export const DEFAULT_COALESCE_MS = 0;

/** How often the bus is checked for a missing, older or invalid stored snapshot. */
export const DEFAULT_RECONCILE_MS = 5_000;

/**
 * The periodic check leaves the lazy full snapshot for later while publications keep being asked
 * for: building, signing and storing it (4 MB with 10,000 keys) took 0.2-0.5 s on a loaded
 * machine, and a mutation arriving meanwhile waited behind it (issue 12: the mutation's p99).
 * It is written once no publication was asked for this long, or at the latest this long after
 * the first version that went out as its delta alone. Data planes need it only to start (the log
 * of 64 deltas carries them from an older full snapshot) and for their copy on disk.
 */
const FULL_SNAPSHOT_QUIET_MS = 1_000;
const FULL_SNAPSHOT_MAX_DELAY_MS = 30_000;

export interface SnapshotPublisherDeps {
  prisma: PrismaClient;
  bus: Bus;
  /** Signs every stored snapshot; verifies what the bus holds before trusting it. */
  signer: SnapshotSigner & SnapshotVerifier;
  live?: LiveEvents;
  coalesceMs?: number;
  /** 0 turns the periodic check off (tests that want a broken bus to stay broken). */
  reconcileIntervalMs?: number;
  /** Where alerts go besides the metric; default console.error. */
  logError?: (message: string, detail: Record<string, unknown>) => void;
}

/**
 * Compiles, signs, stores and announces snapshots. Runs are serialised and coalesced: requests
 * made within a short window, or while a run is in flight, share one next run, and every caller's
 * promise settles after a run that started after its change was committed. Each run compiles
 * one consistent state, so no snapshot holds part of a transaction.
 *
 * The result of every store on the bus is checked. When the bus keeps what it holds, that is
 * judged (stored-snapshot-check.ts): an equal or legitimately newer snapshot is fine; an
 * invalid, unsigned or conflicting one is overwritten; a validly signed newer one this database
 * never made (a restored database) is moved past. Each heal is an alert: an error log line and
 * `tollgate_snapshot_heals_total{reason}`. Every `reconcileIntervalMs` the bus is checked for a
 * missing, older or foreign stored snapshot (a Redis restarted empty), and healed the same way.
 */
export function createSnapshotPublisher(deps: SnapshotPublisherDeps) {
  const { prisma, bus, signer } = deps;
  const coalesceMs = deps.coalesceMs ?? DEFAULT_COALESCE_MS;
  const logError = deps.logError ?? ((message, detail) => console.error(message, JSON.stringify(detail)));
  const heals = new Map<HealReason, number>();
  let healCounter: Counter<'reason'> | null = null;
  let running: Promise<unknown> | null = null;
  let queued: Promise<PublishedSnapshot> | null = null;
  let timer: NodeJS.Timeout | null = null;
  let reconciler: NodeJS.Timeout | null = null;
  let closed = false;
  // A validly signed stored version this database does not have: the next version goes past it.
  let versionFloor = 0;
  // The newest version we stored and the signature of what stored it (its full snapshot or its
  // delta): the periodic check compares it with the bus's head instead of reading any body.
  let lastSigned: { version: number; signature: string } | null = null;
  // The compile of the database at `config.version`, kept between runs: a run reads only the rows
  // the versions since then changed (compile-changes.ts). Null until the first, whole, compile.
  let config: CompiledConfig | null = null;
  // Compile the whole configuration on the next run (at start, and when a price takes effect).
  let compileWhole = true;
  // The delta to `config.version` from the version before it, as published (without its envelope).
  let lastDelta: { from: number; to: number; changes: SnapshotDelta['changes'] } | null = null;
  // Audit entries of versions after `config.version` that mutations on this replica committed
  // (publish's argument): a run whose versions are all here reads no audit entry back. Versions
  // taken elsewhere (another replica, the publisher itself) are read from the database.
  const committed = new Map<number, CommittedChange>();
  // A publication was asked for without a change (start, a retry, a catch-up, applyConfig): the
  // next run reads the database's version, whatever mutations handed over.
  let catchUpAsked = false;
  // When publish was last asked for, and since when the bus's newest version lacks its full snapshot.
  let lastRequestAt = 0;
  let deltaOnlySince: number | null = null;

  function alert(reason: HealReason, detail: Record<string, unknown>) {
    heals.set(reason, (heals.get(reason) ?? 0) + 1);
    healCounter?.inc({ reason });
    logError(`snapshot store healed (${reason})`, { reason, ...detail });
  }

  /** Compiles again when a future price version takes effect, though no row changes then. */
  async function scheduleNext(now: Date) {
    const next = await nextScheduledChange(prisma, now);
    if (timer) clearTimeout(timer);
    timer = null;
    if (!next || closed) return;
    timer = setTimeout(
      () => {
        timer = null;
        // No row changes when a price takes effect: only a whole compile sees it.
        compileWhole = true;
        publish().catch((error: unknown) => console.error('scheduled snapshot publication failed', error));
      },
      Math.min(Math.max(next.getTime() - Date.now(), 0) + 5, MAX_TIMER_MS),
    );
    timer.unref();
  }

  /** The full snapshot of `row`, signed; it becomes what we last stored. */
  function signedFull(row: StoredRow): StoredSnapshot {
    const json = row.body();
    const signature = signer.sign(json);
    lastSigned = { version: row.version, signature };
    deltaOnlySince = null;
    return { version: row.version, json, signature };
  }

  /** What the bus holds at its newest version: the full snapshot, or the delta that published it. */
  async function storedHead(): Promise<StoredHead | null> {
    const head = await bus.loadSnapshotHead();
    if (!head) return null;
    if (head.fullVersion < head.version) {
      const delta = (await bus.loadSnapshotDeltas(head.version - 1))?.deltas.at(-1);
      return { version: head.version, json: delta?.json ?? '', signature: delta?.signature ?? null, kind: 'delta' };
    }
    const full = await bus.loadSnapshot();
    return full && { ...full, kind: 'full' };
  }

  /**
   * Puts `row` (the newest snapshot of the database) on the bus, and makes sure the bus then
   * holds it or a legitimately newer one. A small delta from the bus's newest version goes out
   * alone, into the bus's delta log: the full snapshot (4 MB with 10,000 keys) is neither built,
   * signed nor sent. Otherwise (`full`: a whole compile; no delta; the bus at another version; the
   * log full) the full snapshot goes out, with its delta. Returns false when the version must
   * move past the stored one (a new run is needed).
   */
  async function store(row: StoredRow, delta: { from: number; json: string } | null, full: boolean): Promise<boolean> {
    const logged = delta && delta.json.length <= MAX_LOGGED_DELTA_BYTES ? delta : null;
    if (logged && !full) {
      const signature = signer.sign(logged.json);
      lastSigned = { version: row.version, signature };
      const outcome = await bus.publishSnapshotDelta({ from: logged.from, to: row.version, json: logged.json, signature });
      if (outcome === 'stored') {
        deltaOnlySince ??= Date.now();
        return true;
      }
      if (outcome === 'newer') return settleRefusal(row);
    }
    const ours = signedFull(row);
    const withDelta = logged ? { ...ours, delta: { json: logged.json, signature: signer.sign(logged.json) } } : ours;
    if (await bus.publishSnapshot(withDelta)) return true;
    return settleRefusal(row);
  }

  /** The bus kept what it holds instead of `row`: judge it (stored-snapshot-check.ts) and heal. */
  async function settleRefusal(row: StoredRow): Promise<boolean> {
    const stored = await storedHead();
    const verdict = await judgeStoredSnapshot(stored, row, {
      verifier: signer,
      knownHash: async (version) => (await prisma.snapshot.findUnique({ where: { version }, select: { hash: true } }))?.hash ?? null,
    });
    if (verdict.action === 'keep') return true;
    if (verdict.action === 'move_past') {
      alert(verdict.reason, { storedVersion: stored?.version ?? null, ourVersion: row.version });
      versionFloor = Math.max(versionFloor, verdict.storedVersion);
      return false;
    }
    // Overwrite: what is stored was never served by a data plane (they refuse it too).
    alert(verdict.reason, { storedVersion: stored?.version ?? null, ourVersion: row.version });
    await bus.publishSnapshot(signedFull(row), { replace: true });
    return true;
  }

  /**
   * One consistent state and its config version: the repeatable-read transaction sees every
   * mutation up to the version it reads and none after (each mutation takes its version in its own
   * transaction, under the version row's lock), so equal versions always compile equal content,
   * on any replica. From a kept compile at an earlier version, only the rows that the versions
   * since changed are read (their audit entries name them); otherwise the whole configuration.
   */
  async function compileAtVersion(now: Date, whole: boolean) {
    return prisma.$transaction(
      async (tx) => {
        const version = await readConfigVersion(tx);
        if (!whole && config && config.version <= version) {
          if (config.version === version) return { version, kind: 'same' as const };
          const entries =
            handedOver(config.version, version) ??
            (await tx.auditLogEntry.findMany({
              where: { configVersion: { gt: config.version, lte: version } },
              select: { entity: true, entityId: true, teamId: true, configVersion: true },
            }));
          const changes = changesOf(entries, config.version, version);
          if (changes) return { version, kind: 'patch' as const, catalog: changes.catalog, patch: await compileChanges(tx, config, changes, now) };
        }
        return { version, kind: 'whole' as const, content: await compileSnapshot(tx, now) };
      },
      { isolationLevel: 'RepeatableRead', maxWait: 15_000, timeout: 30_000 },
    );
  }

  /**
   * The next version as its mutation compiled it (compileWithin), when that is all this run must
   * publish: no version after it was handed over, no catch-up was asked for, and the kept compile
   * is still the one the patch was made from. The run then needs no transaction of its own.
   */
  function preparedNext() {
    if (!config || versionFloor > 0) return null;
    const version = config.version + 1;
    const prepared = committed.get(version)?.patch;
    if (!prepared || prepared.base !== config) return null;
    for (const later of committed.keys()) if (later > version) return null;
    return { version, kind: 'patch' as const, catalog: prepared.catalog, patch: prepared.patch, now: prepared.now };
  }

  /** The handed-over audit entries of versions `from + 1` to `to`, or null unless every one was handed over. */
  function handedOver(from: number, to: number): VersionedAuditEntry[] | null {
    const entries: VersionedAuditEntry[] = [];
    for (let version = from + 1; version <= to; version++) {
      const some = committed.get(version);
      if (!some) return null;
      entries.push(...some.entries);
    }
    return entries;
  }

  /**
   * Brings `config` to what was compiled, and sets `lastDelta` to the delta from the version it
   * held before: from the patch itself, or, after a whole compile, by comparing entry hashes.
   */
  function advance(compiled: Awaited<ReturnType<typeof compileAtVersion>>): { current: CompiledConfig; whole: boolean } {
    const previous = config;
    if (compiled.kind === 'same' && previous) return { current: previous, whole: false };
    let current: CompiledConfig;
    let changes: SnapshotDelta['changes'] | null = null;
    const from = previous?.version ?? 0;
    if (compiled.kind === 'patch' && previous) {
      changes = previous.apply(compiled.version, compiled.patch);
      current = previous;
    } else {
      if (compiled.kind !== 'whole') throw new Error('a patch needs a kept compile');
      current = CompiledConfig.of(compiled.version, compiled.content);
      if (previous && previous.version < current.version) {
        const envelope = (c: CompiledConfig) => ({ version: c.version, hash: '', createdAt: '' });
        changes = diffSnapshots(previous.toSnapshot(envelope(previous)), current.toSnapshot(envelope(current)), {
          prev: previous.digest,
          next: current.digest,
        }).changes;
      }
    }
    config = current;
    for (const version of committed.keys()) if (version <= current.version) committed.delete(version);
    lastDelta = changes ? { from, to: current.version, changes } : null;
    return { current, whole: compiled.kind === 'whole' };
  }

  /**
   * Inserts the `Snapshot` row of a new version; false when the version is stored already (then
   * nothing is written). The whole body only after a whole compile; a replica rebuilds from rows.
   * A `create`, not `createMany` with skipDuplicates: Prisma caches no query plan for createMany,
   * so every call ran its query compiler (WebAssembly) again, on every mutation.
   */
  async function insertSnapshot(row: { version: number; hash: string; createdAt: Date; body: string | null; delta: string | null }): Promise<boolean> {
    try {
      await prisma.snapshot.create({ data: row, select: { version: true } });
      return true;
    } catch (error) {
      if ((error as { code?: string }).code === 'P2002') return false;
      throw error;
    }
  }

  async function run(): Promise<PublishedSnapshot> {
    for (let round = 0; ; round++) {
      if (round > 3) throw new Error('the configuration keeps changing without taking a version');
      const now = new Date();
      if (versionFloor > 0) {
        await prisma.$transaction(async (tx) => {
          if ((await readConfigVersion(tx)) <= versionFloor) await raiseConfigVersion(tx, versionFloor + 1);
        });
        versionFloor = 0;
      }
      const whole = compileWhole;
      compileWhole = false;
      const catchUp = catchUpAsked;
      catchUpAsked = false;
      const prepared = round === 0 && !whole && !catchUp ? preparedNext() : null;
      const compiled = prepared ?? (await compileAtVersion(now, whole));
      // Only a catalog change (prices among it) or a whole compile can move the next price change.
      if (compiled.kind === 'whole' || (compiled.kind === 'patch' && compiled.catalog)) await scheduleNext(prepared?.now ?? now);
      const { version } = compiled;
      const { current, whole: wasWhole } = advance(compiled);
      const hash = current.hash;
      const logged = lastDelta?.to === version ? lastDelta : null;
      let createdAt = new Date();
      let body = fullBody(current, { version, hash, createdAt: createdAt.toISOString() });
      let delta = logged && { from: logged.from, json: deltaJson(logged, { hash, schemaVersion: current.schemaVersion, createdAt }) };
      // Stored first: the database is the truth, the bus message only a hint to re-read. A patched
      // version is new unless another replica stored it first: it is inserted at once, without a
      // look-up before it (the insert skips a stored version, which is read only then). A whole
      // compile (start, a price taking effect) is looked up first: its row carries the 4 MB body.
      let inserted = version > 0 && compiled.kind === 'patch' && (await insertSnapshot({ version, hash, createdAt, body: null, delta: delta?.json ?? null }));
      const existing = version > 0 && !inserted ? await prisma.snapshot.findUnique({ where: { version }, select: { hash: true, createdAt: true } }) : null;
      if (existing && existing.hash !== hash) {
        if (!wasWhole) {
          // Not what the replica that stored this version compiled: trust only a whole compile.
          compileWhole = true;
          continue;
        }
        // Changed without a mutation taking a version (the first start's seed, a price version
        // taking effect, a hand edit): take one now and compile again.
        await prisma.$transaction((tx) => takeConfigVersion(tx));
        compileWhole = true;
        continue;
      }
      if (version === 0) {
        await prisma.$transaction((tx) => takeConfigVersion(tx));
        compileWhole = true;
        continue;
      }
      if (existing) {
        // Stored before (by an earlier run, or by another replica first: equal versions compile
        // equal content): published as stored.
        createdAt = existing.createdAt;
        body = fullBody(current, { version, hash, createdAt: createdAt.toISOString() });
        delta = logged && { from: logged.from, json: deltaJson(logged, { hash, schemaVersion: current.schemaVersion, createdAt }) };
      } else {
        if (!inserted) {
          inserted = await insertSnapshot({ version, hash, createdAt, body: wasWhole ? body() : null, delta: delta?.json ?? null });
          // Another replica stored this version since the look-up: compared on the next run.
          if (!inserted) continue;
        }
        deps.live?.publish('snapshot', { version, hash, createdAt });
      }
      if (await store({ version, hash, body }, delta, wasWhole)) return { version, hash, createdAt };
      // A validly signed newer snapshot this database never made: go past it.
    }
  }

  /**
   * The periodic check: the bus must hold our newest snapshot (or a legitimately newer one). It
   * also writes the full snapshot of the newest version when that version went out as deltas
   * only (the lazy full snapshot: new data planes and last-good copies on disk read it); when
   * `periodic`, not while publications keep being asked for (FULL_SNAPSHOT_QUIET_MS).
   */
  async function reconcile(periodic = false): Promise<void> {
    const latest = await prisma.snapshot.findFirst({ orderBy: { version: 'desc' }, select: { version: true, hash: true } });
    if (!latest) return;
    const head = await bus.loadSnapshotHead();
    const ours =
      head !== null &&
      lastSigned !== null &&
      head.version === latest.version &&
      head.signature === lastSigned.signature &&
      lastSigned.version === latest.version;
    if (ours && head.fullVersion === head.version) return;
    if (ours && periodic && !fullSnapshotDue(Date.now())) return;
    if (!ours && head && head.version > latest.version && (await prisma.snapshot.findUnique({ where: { version: head.version }, select: { version: true } })))
      return;
    // The body comes from the kept compile: behind the database's version, a publication catches up.
    if (!config || config.version !== latest.version) {
      void publish().catch(() => undefined);
      return;
    }
    const createdAt = (await prisma.snapshot.findUnique({ where: { version: latest.version }, select: { createdAt: true } }))?.createdAt ?? new Date();
    const row = {
      version: latest.version,
      hash: latest.hash,
      body: fullBody(config, { version: latest.version, hash: latest.hash, createdAt: createdAt.toISOString() }),
    };
    if (ours) {
      // Completes the newest version; refused only if a newer one or its full snapshot is stored.
      await bus.publishSnapshot(signedFull(row));
      return;
    }
    if (!head) alert('missing', { ourVersion: row.version });
    else if (head.version < row.version) alert('older', { storedVersion: head.version, ourVersion: row.version });
    if (!(await store(row, null, true))) void publish().catch(() => undefined);
  }

  function fullSnapshotDue(now: number): boolean {
    return now - lastRequestAt >= FULL_SNAPSHOT_QUIET_MS || deltaOnlySince === null || now - deltaOnlySince >= FULL_SNAPSHOT_MAX_DELAY_MS;
  }

  function serialised<T>(work: () => Promise<T>): Promise<T> {
    const previous = running ? running.catch(() => undefined) : Promise.resolve();
    const next = previous.then(work);
    // The caller handles `next`'s failure; the tracking promise never rejects, or a failed run
    // (Redis down during a check, say) would also surface as an unhandled rejection.
    const tracked: Promise<unknown> = next.then(
      () => undefined,
      () => undefined,
    );
    void tracked.finally(() => {
      if (running === tracked) running = null;
    });
    running = tracked;
    return next;
  }

  function start(): Promise<PublishedSnapshot> {
    const result = serialised(run);
    // A failed run (the bus down, say) is retried until one succeeds: the change is committed,
    // and the data planes must get it without waiting for the next mutation.
    result.catch((error: unknown) => {
      console.error('snapshot publication failed; retrying', error instanceof Error ? error.message : error);
      if (closed) return;
      setTimeout(() => void publish().catch(() => undefined), RETRY_MS).unref();
    });
    return result;
  }

  /**
   * Called by a mutation in its transaction, once it took its config version (the version row
   * stays locked until it commits) and wrote its audit entries. When the kept compile is at the
   * version just before and nothing else is pending, the rows the mutation changed are read here:
   * this transaction sees every earlier version committed and no later one, so the patch is the
   * one a run would compile, and the run that publishes it needs no transaction of its own
   * (begin, isolation level, version read, commit: 4 of a lone mutation's 13 statements). A
   * burst's later mutations find the kept compile behind and leave the work to the run.
   */
  async function compileWithin(tx: SnapshotSource, version: number, entries: readonly VersionedAuditEntry[]): Promise<PreparedPatch | null> {
    const base = config;
    if (closed || !base || compileWhole || catchUpAsked || versionFloor > 0 || base.version !== version - 1 || committed.size > 0) return null;
    const changes = changesOf(entries, base.version, version);
    if (!changes) return null;
    const now = new Date();
    try {
      return { base, catalog: changes.catalog, patch: await compileChanges(tx, base, changes, now), now };
    } catch {
      // Left to the run, as before: a configuration that does not compile fails (and retries) the
      // publication, never the committed mutation. (A failed statement has aborted the transaction
      // anyway: the database is failing.)
      return null;
    }
  }

  /** `change`: the committed mutation that asks (its audit entries are then not read back). */
  function publish(change?: CommittedChange): Promise<PublishedSnapshot> {
    lastRequestAt = Date.now();
    if (!change) catchUpAsked = true;
    if (change && (config === null || change.version > config.version)) committed.set(change.version, change);
    if (queued) return queued;
    const previous = running ? running.catch(() => undefined) : Promise.resolve();
    queued = previous
      .then(() => new Promise((resolve) => (coalesceMs > 0 ? setTimeout(resolve, coalesceMs) : setImmediate(resolve))))
      .then(() => {
        queued = null;
        return start();
      });
    return queued;
  }

  const reconcileMs = deps.reconcileIntervalMs ?? DEFAULT_RECONCILE_MS;
  if (reconcileMs > 0) {
    reconciler = setInterval(() => {
      if (queued || closed) return;
      serialised(() => reconcile(true)).catch((error: unknown) => console.error('snapshot check failed', error instanceof Error ? error.message : error));
    }, reconcileMs);
    reconciler.unref();
  }

  return {
    /** Publishes the current configuration; resolves once the bus holds it. */
    publish,
    /** A mutation's own patch, compiled in its transaction (see the function). */
    compileWithin,
    /** Checks the bus now (as the periodic check does) and heals what it finds. */
    reconcile: () => serialised(reconcile),
    /** The version the newest publication stored: the target data planes converge on. */
    publishedVersion: (): number | null => lastSigned?.version ?? null,
    /** Heals so far, by reason. */
    heals: (): Record<string, number> => Object.fromEntries(heals),
    /** Registers `tollgate_snapshot_heals_total{reason}` on the control plane's registry. */
    registerMetrics(registry: Registry) {
      healCounter = new Counter({
        name: 'tollgate_snapshot_heals_total',
        help: 'Times the stored snapshot on the bus was found missing, older, invalid, unsigned, conflicting or foreign, and healed (alert on any increase).',
        labelNames: ['reason'] as const,
        registers: [registry],
      });
      for (const [reason, count] of heals) healCounter.inc({ reason }, count);
    },
    /** Stops the scheduled re-compile and the periodic check; waits for a run in flight. */
    async close(): Promise<void> {
      closed = true;
      if (timer) clearTimeout(timer);
      if (reconciler) clearInterval(reconciler);
      await Promise.allSettled([running, queued]);
    },
  };
}

export type SnapshotPublisher = ReturnType<typeof createSnapshotPublisher>;

/** A version to store: the full snapshot's JSON is built only if it is needed. */
interface StoredRow {
  version: number;
  hash: string;
  body: () => string;
}

/** The delta as published (JSON), with the envelope of the version it leads to. */
function deltaJson(
  delta: { from: number; to: number; changes: SnapshotDelta['changes'] },
  envelope: { hash: string; schemaVersion: string; createdAt: Date },
): string {
  const { hash, schemaVersion, createdAt } = envelope;
  const published: SnapshotDelta = { from: delta.from, to: delta.to, hash, createdAt: createdAt.toISOString(), schemaVersion, changes: delta.changes };
  return JSON.stringify(published);
}

/** The full snapshot's JSON of `config` as it is now, built at most once (4 MB with 10,000 keys). */
function fullBody(config: CompiledConfig, envelope: { version: number; hash: string; createdAt: string }): () => string {
  let json: string | null = null;
  return () => {
    json ??= config.toJson(envelope);
    return json;
  };
}
