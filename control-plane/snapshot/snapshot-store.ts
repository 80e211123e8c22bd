import { Counter, type Registry } from 'prom-client';
import type { PrismaClient } from '../../generated/prisma/client.ts';
import type { Bus, StoredSnapshot } from '../../shared/bus/bus.ts';
import type { SnapshotDelta } from '../../shared/snapshot/delta.ts';
import type { SnapshotSigner, SnapshotVerifier } from '../../shared/snapshot/signature.ts';
import type { CompiledConfig } from './compiled-config.ts';
import { raiseConfigVersion, readConfigVersion } from './config-version.ts';
import { type HealReason, judgeStoredSnapshot, type StoredHead } from './stored-snapshot-check.ts';

/**
 * A delta larger than this goes out with the full snapshot instead of alone: it costs a data
 * plane about as much as a full load, and the delta log stays small.
 */
const MAX_LOGGED_DELTA_BYTES = 256 * 1024;

/** A version to store: the full snapshot's JSON is built only if it is needed. */
export interface StoredRow {
  version: number;
  hash: string;
  body: () => string;
}

export interface SnapshotStoreDeps {
  prisma: PrismaClient;
  bus: Bus;
  /** Signs every stored snapshot; verifies what the bus holds before trusting it. */
  signer: SnapshotSigner & SnapshotVerifier;
  /** Where alerts go besides the metric. */
  logError: (message: string, detail: Record<string, unknown>) => void;
}

/**
 * Stores versions: the `Snapshot` row in the database (the truth), then the signed snapshot or
 * delta on the bus (a hint to re-read), and heals what the bus keeps instead (alerts included).
 */
export function createSnapshotStore(deps: SnapshotStoreDeps) {
  const { prisma, bus, signer, logError } = deps;
  const heals = new Map<HealReason, number>();
  let healCounter: Counter<'reason'> | null = null;
  // A validly signed stored version this database does not have: the next version goes past it.
  let versionFloor = 0;
  // The newest version we stored and the signature of what stored it (its full snapshot or its
  // delta): the periodic check compares it with the bus's head instead of reading any body.
  let lastSigned: { version: number; signature: string } | null = null;
  // Since when the bus's newest version lacks its full snapshot.
  let deltaOnlySince: number | null = null;

  function alert(reason: HealReason, detail: Record<string, unknown>) {
    heals.set(reason, (heals.get(reason) ?? 0) + 1);
    healCounter?.inc({ reason });
    logError(`snapshot store healed (${reason})`, { reason, ...detail });
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
   * Inserts the `Snapshot` row of a new version; false when the version is stored already (then
   * nothing is written). The whole body only after a whole compile; a replica rebuilds from rows.
   * Raw SQL: `createMany` with skipDuplicates runs Prisma's query compiler (WebAssembly) on every
   * call (no plan cache for that action), and a `create` costs a model query's client-side work
   * plus, for a stored version, a thrown unique violation; this is one plain statement (issue 12).
   * `createdAt` in UTC, as Prisma writes it.
   */
  async function insertSnapshot(row: { version: number; hash: string; createdAt: Date; body: string | null; delta: string | null }): Promise<boolean> {
    const inserted = await prisma.$executeRaw`
      INSERT INTO "Snapshot" ("version", "hash", "body", "delta", "createdAt")
      VALUES (${row.version}, ${row.hash}, ${row.body}, ${row.delta}, ${row.createdAt}::timestamp(3))
      ON CONFLICT ("version") DO NOTHING`;
    return inserted === 1;
  }

  /** Moves the config version past a foreign stored version the bus kept, if there is one. */
  async function goPastVersionFloor(): Promise<void> {
    if (versionFloor > 0) {
      await prisma.$transaction(async (tx) => {
        if ((await readConfigVersion(tx)) <= versionFloor) await raiseConfigVersion(tx, versionFloor + 1);
      });
      versionFloor = 0;
    }
  }

  return {
    store,
    signedFull,
    insertSnapshot,
    goPastVersionFloor,
    alert,
    /** A foreign stored version is still to be moved past (the next run does it). */
    pastFloorPending: (): boolean => versionFloor > 0,
    /** The newest version we stored and the signature of what stored it. */
    lastSigned: () => lastSigned,
    /** Since when the bus's newest version lacks its full snapshot; null when it has it. */
    deltaOnlySince: () => deltaOnlySince,
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
  };
}

export type SnapshotStore = ReturnType<typeof createSnapshotStore>;

/** The delta as published (JSON), with the envelope of the version it leads to. */
export function deltaJson(
  delta: { from: number; to: number; changes: SnapshotDelta['changes'] },
  envelope: { hash: string; schemaVersion: string; createdAt: Date },
): string {
  const { hash, schemaVersion, createdAt } = envelope;
  const published: SnapshotDelta = { from: delta.from, to: delta.to, hash, createdAt: createdAt.toISOString(), schemaVersion, changes: delta.changes };
  return JSON.stringify(published);
}

/** The full snapshot's JSON of `config` as it is now, built at most once (4 MB with 10,000 keys). */
export function fullBody(config: CompiledConfig, envelope: { version: number; hash: string; createdAt: string }): () => string {
  let json: string | null = null;
  return () => {
    json ??= config.toJson(envelope);
    return json;
  };
}
