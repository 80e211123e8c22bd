import type { Registry } from 'prom-client';
import type { PrismaClient } from '../../generated/prisma/client.ts';
import type { Bus } from '../../shared/bus/bus.ts';
import type { SnapshotSigner, SnapshotVerifier } from '../../shared/snapshot/signature.ts';
import type { LiveEvents } from '../usage/live-events.ts';
import type { VersionedAuditEntry } from './compile-changes.ts';
import { nextScheduledChange, type SnapshotSource } from './compile-snapshot.ts';
import { takeConfigVersion } from './config-version.ts';
import { type CommittedChange, createKeptCompile, type PreparedPatch } from './kept-compile.ts';
import { DEFAULT_RECONCILE_MS, reconcile } from './snapshot-reconcile.ts';
import { createSnapshotStore, deltaJson, fullBody } from './snapshot-store.ts';

// setTimeout's limit is about 24.8 days; a later change is re-checked when this one fires.
const MAX_TIMER_MS = 2_147_000_000;
const RETRY_MS = 1000;

export interface PublishedSnapshot {
  version: number;
  hash: string;
  createdAt: Date;
}

/**
 * How long a publication request waits for others to join it. None by default: a request made
 * while a run is in flight waits for that run anyway and shares the next one with every other
 * request made meanwhile, so a burst still yields few versions; a lone mutation is not delayed
 * (its wait was most of the 20 ms a mutation may take, issue 12). 0 still lets the requests of
 * one event-loop turn share a run.
 */
export const DEFAULT_COALESCE_MS = 0;

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
 * one consistent state, so no snapshot holds part of a transaction (kept-compile.ts).
 *
 * The result of every store on the bus is checked. When the bus keeps what it holds, that is
 * judged (stored-snapshot-check.ts): an equal or legitimately newer snapshot is fine; an
 * invalid, unsigned or conflicting one is overwritten; a validly signed newer one this database
 * never made (a restored database) is moved past. Each heal is an alert: an error log line and
 * `tollgate_snapshot_heals_total{reason}` (snapshot-store.ts). Every `reconcileIntervalMs` the
 * bus is checked for a missing, older or foreign stored snapshot (a Redis restarted empty), and
 * healed the same way (snapshot-reconcile.ts).
 */
export function createSnapshotPublisher(deps: SnapshotPublisherDeps) {
  const { prisma, bus } = deps;
  const coalesceMs = deps.coalesceMs ?? DEFAULT_COALESCE_MS;
  const logError = deps.logError ?? ((message, detail) => console.error(message, JSON.stringify(detail)));
  const store = createSnapshotStore({ prisma, bus, signer: deps.signer, logError });
  const kept = createKeptCompile(prisma);
  let running: Promise<unknown> | null = null;
  let queued: Promise<PublishedSnapshot> | null = null;
  let timer: NodeJS.Timeout | null = null;
  let reconciler: NodeJS.Timeout | null = null;
  let closed = false;
  // When publish was last asked for (the periodic check leaves the lazy full snapshot until quiet).
  let lastRequestAt = 0;
  const reconcileDeps = { prisma, bus, store, kept, publish: () => publish(), lastRequestAt: () => lastRequestAt };

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
        kept.askWhole();
        publish().catch((error: unknown) => console.error('scheduled snapshot publication failed', error));
      },
      Math.min(Math.max(next.getTime() - Date.now(), 0) + 5, MAX_TIMER_MS),
    );
    timer.unref();
  }

  async function run(): Promise<PublishedSnapshot> {
    for (let round = 0; ; round++) {
      if (round > 3) throw new Error('the configuration keeps changing without taking a version');
      const now = new Date();
      await store.goPastVersionFloor();
      const { whole, prepared } = kept.plan(round === 0);
      const compiled = prepared ?? (await kept.compileAtVersion(now, whole));
      // Only a catalog change (prices among it) or a whole compile can move the next price change.
      if (compiled.kind === 'whole' || (compiled.kind === 'patch' && compiled.catalog)) await scheduleNext(prepared?.now ?? now);
      const { version } = compiled;
      const { current, whole: wasWhole } = kept.advance(compiled);
      const hash = current.hash;
      const lastDelta = kept.lastDelta();
      const logged = lastDelta?.to === version ? lastDelta : null;
      let createdAt = new Date();
      let body = fullBody(current, { version, hash, createdAt: createdAt.toISOString() });
      let delta = logged && { from: logged.from, json: deltaJson(logged, { hash, schemaVersion: current.schemaVersion, createdAt }) };
      // Stored first: the database is the truth, the bus message only a hint to re-read. A patched
      // version is new unless another replica stored it first: it is inserted at once, without a
      // look-up before it (the insert skips a stored version, which is read only then). A whole
      // compile (start, a price taking effect) is looked up first: its row carries the 4 MB body.
      let inserted =
        version > 0 && compiled.kind === 'patch' && (await store.insertSnapshot({ version, hash, createdAt, body: null, delta: delta?.json ?? null }));
      const existing = version > 0 && !inserted ? await prisma.snapshot.findUnique({ where: { version }, select: { hash: true, createdAt: true } }) : null;
      if (existing && existing.hash !== hash) {
        if (!wasWhole) {
          // Not what the replica that stored this version compiled: trust only a whole compile.
          kept.askWhole();
          continue;
        }
        // Changed without a mutation taking a version (the first start's seed, a price version
        // taking effect, a hand edit): take one now and compile again.
        await prisma.$transaction((tx) => takeConfigVersion(tx));
        kept.askWhole();
        continue;
      }
      if (version === 0) {
        await prisma.$transaction((tx) => takeConfigVersion(tx));
        kept.askWhole();
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
          inserted = await store.insertSnapshot({ version, hash, createdAt, body: wasWhole ? body() : null, delta: delta?.json ?? null });
          // Another replica stored this version since the look-up: compared on the next run.
          if (!inserted) continue;
        }
        deps.live?.publish('snapshot', { version, hash, createdAt });
      }
      if (await store.store({ version, hash, body }, delta, wasWhole)) return { version, hash, createdAt };
      // A validly signed newer snapshot this database never made: go past it.
    }
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
      setTimeout(() => void (closed || publish().catch(() => undefined)), RETRY_MS).unref();
    });
    return result;
  }

  /** A mutation's own patch, compiled in its transaction (kept-compile.ts); none while a version floor is pending. */
  async function compileWithin(tx: SnapshotSource, version: number, entries: readonly VersionedAuditEntry[]): Promise<PreparedPatch | null> {
    if (closed || store.pastFloorPending()) return null;
    return kept.compileWithin(tx, version, entries);
  }

  /** `change`: the committed mutation that asks (its audit entries are then not read back). */
  function publish(change?: CommittedChange): Promise<PublishedSnapshot> {
    lastRequestAt = Date.now();
    if (!change) kept.askCatchUp();
    else kept.handOver(change);
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
      serialised(() => reconcile(reconcileDeps, true)).catch((error: unknown) =>
        console.error('snapshot check failed', error instanceof Error ? error.message : error),
      );
    }, reconcileMs);
    reconciler.unref();
  }

  return {
    /** Publishes the current configuration; resolves once the bus holds it. */
    publish,
    /** A mutation's own patch, compiled in its transaction (see the function). */
    compileWithin,
    /** Checks the bus now (as the periodic check does) and heals what it finds. */
    reconcile: () => serialised(() => reconcile(reconcileDeps)),
    /** The version the newest publication stored: the target data planes converge on. */
    publishedVersion: (): number | null => store.lastSigned()?.version ?? null,
    /** Heals so far, by reason. */
    heals: store.heals,
    /** Registers `tollgate_snapshot_heals_total{reason}` on the control plane's registry. */
    registerMetrics: (registry: Registry) => store.registerMetrics(registry),
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
