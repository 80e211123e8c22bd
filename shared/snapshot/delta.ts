import { canonicalJson } from './canonical-json.ts';
import { type ConfigSnapshot, hashSnapshotContent } from './schema.ts';

/**
 * A snapshot delta: how to turn snapshot `from` into snapshot `to`, with the resulting content
 * hash. Published beside the full snapshot (signed like it); a data plane serving `from` applies
 * it, checks the hash, and otherwise (another version, a hash mismatch, a lost delta) reads the
 * full snapshot. Entries are keyed by id (routing profiles by name); `put` entries carry their
 * index in the resulting array, so the order (which is meaning) comes out the same.
 */
export interface SnapshotDelta {
  from: number;
  to: number;
  hash: string;
  createdAt: string;
  schemaVersion: string;
  changes: Partial<Record<Collection, { put: { index: number; value: unknown }[]; remove: string[] }>>;
}

const KEYS = {
  teams: 'id',
  apiKeys: 'id',
  providers: 'id',
  models: 'id',
  plans: 'id',
  budgets: 'id',
  fallbackChains: 'id',
  routingProfiles: 'name',
  cachePolicies: 'id',
} as const;
type Collection = keyof typeof KEYS;
const COLLECTIONS = Object.keys(KEYS) as Collection[];

type Entry = Record<string, unknown>;
const keyOf = (collection: Collection, entry: unknown) => String((entry as Entry)[KEYS[collection]]);

/** The delta from `prev` to `next` (control plane). */
export function diffSnapshots(prev: ConfigSnapshot, next: ConfigSnapshot): SnapshotDelta {
  const changes: SnapshotDelta['changes'] = {};
  for (const collection of COLLECTIONS) {
    const before = new Map<string, string>();
    for (const entry of prev[collection] as unknown[]) before.set(keyOf(collection, entry), canonicalJson(entry));
    const put: { index: number; value: unknown }[] = [];
    (next[collection] as unknown[]).forEach((entry, index) => {
      const key = keyOf(collection, entry);
      const old = before.get(key);
      before.delete(key);
      if (old === undefined || old !== canonicalJson(entry)) put.push({ index, value: entry });
    });
    const remove = [...before.keys()];
    if (put.length > 0 || remove.length > 0) changes[collection] = { put, remove };
  }
  return { from: prev.version, to: next.version, hash: next.hash, createdAt: next.createdAt, schemaVersion: next.schemaVersion, changes };
}

/**
 * `base` with `delta` applied, or null when it does not apply: another base version, or a result
 * whose content hash is not the delta's (then the caller reads the full snapshot).
 */
export function applyDelta(base: ConfigSnapshot, delta: SnapshotDelta): ConfigSnapshot | null {
  if (delta.from !== base.version || delta.to <= base.version) return null;
  const result = { ...base, version: delta.to, hash: delta.hash, createdAt: delta.createdAt, schemaVersion: delta.schemaVersion } as Record<string, unknown>;
  for (const collection of COLLECTIONS) {
    const change = delta.changes[collection];
    if (!change) continue;
    const removed = new Set(change.remove);
    const updates = new Map<string, unknown>();
    const existing = new Set((base[collection] as unknown[]).map((entry) => keyOf(collection, entry)));
    const inserts: { index: number; value: unknown }[] = [];
    for (const item of change.put) {
      const key = keyOf(collection, item.value);
      if (existing.has(key)) updates.set(key, item.value);
      else inserts.push(item);
    }
    const array = (base[collection] as unknown[])
      .filter((entry) => !removed.has(keyOf(collection, entry)))
      .map((entry) => updates.get(keyOf(collection, entry)) ?? entry);
    // Survivors keep their relative order; new entries go to their final index, lowest first.
    for (const item of inserts.sort((a, b) => a.index - b.index)) array.splice(item.index, 0, item.value);
    result[collection] = array;
  }
  if (hashSnapshotContent(result) !== delta.hash) return null;
  return result as ConfigSnapshot;
}
