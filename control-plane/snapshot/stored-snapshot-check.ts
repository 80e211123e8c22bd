import type { StoredSnapshot } from '../../shared/bus/bus.ts';
import { parseSnapshot } from '../../shared/snapshot/schema.ts';
import type { SnapshotVerifier } from '../../shared/snapshot/signature.ts';

/** Why the publisher had to heal the bus's stored snapshot (the label of the heal metric). */
export type HealReason = 'missing' | 'older' | 'unsigned' | 'invalid' | 'conflict' | 'foreign';

/** What the bus holds at its newest version: the full snapshot, or the delta that published it. */
export type StoredHead = StoredSnapshot & { kind: 'full' | 'delta' };

export type StoredVerdict =
  | { action: 'keep' }
  | { action: 'overwrite'; reason: HealReason }
  | { action: 'move_past'; reason: HealReason; storedVersion: number };

/**
 * The bus refused our snapshot `ours` because it holds one of the same or a newer version (as a
 * full snapshot, or as the delta that published it): decide what to do with it.
 * - ours again (same version and hash, validly signed), or a newer one this database made
 *   (another control plane replica was quicker): keep it;
 * - unsigned or wrongly signed (forged), unreadable, or another snapshot under our version:
 *   overwrite it with ours; no data plane accepted it, so none is ahead of us;
 * - validly signed, newer, but unknown to this database (restored from a backup, say): data
 *   planes may serve it already, so the next version must go past it.
 */
export async function judgeStoredSnapshot(
  stored: StoredHead | null,
  ours: { version: number; hash: string },
  deps: { verifier: SnapshotVerifier; knownHash: (version: number) => Promise<string | null> },
): Promise<StoredVerdict> {
  // Gone between the two calls (a FLUSHALL): store ours.
  if (!stored) return { action: 'overwrite', reason: 'missing' };
  if (deps.verifier.check(stored.json, stored.signature) !== null) return { action: 'overwrite', reason: 'unsigned' };
  const parsed = stored.kind === 'full' ? parseSnapshot(stored.json) : parseDeltaHead(stored.json, stored.version);
  if (!parsed.ok) return { action: 'overwrite', reason: 'invalid' };
  const { version, hash } = parsed.snapshot;
  if (version === ours.version) return hash === ours.hash ? { action: 'keep' } : { action: 'overwrite', reason: 'conflict' };
  if (version < ours.version) return { action: 'overwrite', reason: 'older' };
  const known = await deps.knownHash(version);
  if (known === hash) return { action: 'keep' };
  return { action: 'move_past', reason: 'foreign', storedVersion: version };
}

/** The version and content hash a stored delta leads to; not ok unless it leads to `version`. */
function parseDeltaHead(json: string, version: number): { ok: true; snapshot: { version: number; hash: string } } | { ok: false } {
  try {
    const delta = JSON.parse(json) as { to?: unknown; hash?: unknown };
    if (delta.to === version && typeof delta.hash === 'string') return { ok: true, snapshot: { version, hash: delta.hash } };
  } catch {
    // Unreadable: invalid, as below.
  }
  return { ok: false };
}
