import type { PrismaClient } from '../../generated/prisma/client.ts';
import type { Bus } from '../../shared/bus/bus.ts';
import type { KeptCompile } from './kept-compile.ts';
import { fullBody, type SnapshotStore } from './snapshot-store.ts';

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

export interface ReconcileDeps {
  prisma: PrismaClient;
  bus: Bus;
  store: SnapshotStore;
  kept: KeptCompile;
  /** Asks for a publication (a catch-up); its outcome is not awaited. */
  publish: () => Promise<unknown>;
  /** When a publication was last asked for (ms since the epoch). */
  lastRequestAt: () => number;
}

/**
 * The periodic check: the bus must hold our newest snapshot (or a legitimately newer one). It
 * also writes the full snapshot of the newest version when that version went out as deltas
 * only (the lazy full snapshot: new data planes and last-good copies on disk read it); when
 * `periodic`, not while publications keep being asked for (FULL_SNAPSHOT_QUIET_MS).
 */
export async function reconcile(deps: ReconcileDeps, periodic = false): Promise<void> {
  const { prisma, bus, store, publish } = deps;
  const latest = await prisma.snapshot.findFirst({ orderBy: { version: 'desc' }, select: { version: true, hash: true } });
  if (!latest) return;
  const head = await bus.loadSnapshotHead();
  const lastSigned = store.lastSigned();
  const ours =
    head !== null && lastSigned !== null && head.version === latest.version && head.signature === lastSigned.signature && lastSigned.version === latest.version;
  if (ours && head.fullVersion === head.version) return;
  if (ours && periodic && !fullSnapshotDue(Date.now(), deps.lastRequestAt(), store.deltaOnlySince())) return;
  if (!ours && head && head.version > latest.version && (await prisma.snapshot.findUnique({ where: { version: head.version }, select: { version: true } })))
    return;
  // The body comes from the kept compile: behind the database's version, a publication catches up.
  const config = deps.kept.current();
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
    await bus.publishSnapshot(store.signedFull(row));
    return;
  }
  if (!head) store.alert('missing', { ourVersion: row.version });
  else if (head.version < row.version) store.alert('older', { storedVersion: head.version, ourVersion: row.version });
  if (!(await store.store(row, null, true))) void publish().catch(() => undefined);
}

function fullSnapshotDue(now: number, lastRequestAt: number, deltaOnlySince: number | null): boolean {
  return now - lastRequestAt >= FULL_SNAPSHOT_QUIET_MS || deltaOnlySince === null || now - deltaOnlySince >= FULL_SNAPSHOT_MAX_DELAY_MS;
}
