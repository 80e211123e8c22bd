import type { z } from 'zod';
import { ContentDigest, entryHash, entryKey, SECTIONS, type Section } from './content-digest.ts';
import { SnapshotGuardrail } from './guardrail.ts';
import {
  type ConfigSnapshot,
  hashSnapshotContent,
  SnapshotApiKey,
  SnapshotBudget,
  SnapshotCachePolicy,
  SnapshotFallbackChain,
  SnapshotModel,
  SnapshotPlan,
  SnapshotProvider,
  SnapshotRoutingDefaults,
  SnapshotRoutingProfile,
  SnapshotTeam,
  schemaMajor,
} from './schema.ts';

/**
 * A snapshot delta: how to turn snapshot `from` into snapshot `to`, with the resulting content
 * hash. Published beside the full snapshot (signed like it); a data plane serving `from` applies
 * it, checks the hash, and otherwise (another version, a hash mismatch, a lost delta) reads the
 * full snapshot. Entries are keyed by id (routing profiles by name); a `put` of a new entry
 * carries its index in the resulting array, so the order comes out the same (an update keeps its
 * place; its index may be -1).
 */
export interface SnapshotDelta {
  from: number;
  to: number;
  hash: string;
  createdAt: string;
  schemaVersion: string;
  changes: Partial<Record<Section, SectionChange>>;
}

export interface SectionChange {
  put: { index: number; value: unknown }[];
  remove: string[];
}

const ENTRY_SCHEMAS: Record<Section, z.ZodType> = {
  teams: SnapshotTeam,
  apiKeys: SnapshotApiKey,
  providers: SnapshotProvider,
  models: SnapshotModel,
  plans: SnapshotPlan,
  budgets: SnapshotBudget,
  fallbackChains: SnapshotFallbackChain,
  routingProfiles: SnapshotRoutingProfile,
  cachePolicies: SnapshotCachePolicy,
  guardrails: SnapshotGuardrail,
  routingDefaults: SnapshotRoutingDefaults,
};

/**
 * The delta from `prev` to `next` (the control plane after a full compile, and tests). With the
 * digests of both, entries are compared by hash; without, by hashing them here.
 */
export function diffSnapshots(prev: ConfigSnapshot, next: ConfigSnapshot, digests?: { prev: ContentDigest; next: ContentDigest }): SnapshotDelta {
  const before = digests?.prev ?? ContentDigest.of(prev);
  const after = digests?.next ?? ContentDigest.of(next);
  const changes: SnapshotDelta['changes'] = {};
  for (const section of SECTIONS) {
    const put: SectionChange['put'] = [];
    const kept = new Set<string>();
    (next[section] as unknown[]).forEach((entry, index) => {
      const key = entryKey(section, entry);
      kept.add(key);
      if (before.hashOf(section, key) !== after.hashOf(section, key)) put.push({ index, value: entry });
    });
    const remove = (prev[section] as unknown[]).map((entry) => entryKey(section, entry)).filter((key) => !kept.has(key));
    if (put.length > 0 || remove.length > 0) changes[section] = { put, remove };
  }
  return { from: prev.version, to: next.version, hash: next.hash, createdAt: next.createdAt, schemaVersion: next.schemaVersion, changes };
}

/**
 * `base` with `delta` applied, or null when it does not apply: another base version, an entry
 * that does not match the schema, or a result whose content hash is not the delta's (then the
 * caller reads the full snapshot). For a 2.x delta, `digest` (the per-entry hashes of `base`) is
 * updated in place when the delta applies and left as it was when it does not: the work is in
 * proportion to the change, not to the snapshot.
 */
export function applyDelta(base: ConfigSnapshot, delta: SnapshotDelta, digest: ContentDigest): ConfigSnapshot | null {
  if (delta.from !== base.version || delta.to <= base.version) return null;
  const result = { ...base, version: delta.to, hash: delta.hash, createdAt: delta.createdAt, schemaVersion: delta.schemaVersion } as Record<string, unknown>;
  const undo: (() => void)[] = [];
  const rollback = () => {
    for (let i = undo.length - 1; i >= 0; i--) undo[i]();
    return null;
  };
  for (const section of SECTIONS) {
    const change = delta.changes[section];
    if (!change) continue;
    const updates = new Map<string, unknown>();
    const inserts: { index: number; value: unknown }[] = [];
    for (const item of change.put) {
      const parsed = ENTRY_SCHEMAS[section].safeParse(item.value);
      if (!parsed.success) return rollback();
      const key = entryKey(section, item.value);
      if (digest.has(section, key)) updates.set(key, parsed.data);
      else inserts.push({ index: item.index, value: parsed.data });
      const previous = digest.hashOf(section, key);
      undo.push(() => (previous === undefined ? digest.remove(section, key) : digest.putHash(section, key, previous)));
      // Hashed as sent: fields of a newer minor version are covered too.
      digest.putHash(section, key, entryHash(item.value));
    }
    const removed = new Set(change.remove);
    for (const key of removed) {
      const previous = digest.hashOf(section, key);
      if (previous === undefined) continue;
      undo.push(() => digest.putHash(section, key, previous));
      digest.remove(section, key);
    }
    let array = base[section] as unknown[];
    if (removed.size > 0 || updates.size > 0) {
      array = array.filter((entry) => !removed.has(entryKey(section, entry))).map((entry) => updates.get(entryKey(section, entry)) ?? entry);
    } else {
      array = array.slice();
    }
    // Survivors keep their relative order; new entries go to their final index, lowest first.
    for (const item of inserts.sort((a, b) => a.index - b.index)) array.splice(item.index < 0 ? array.length : item.index, 0, item.value);
    result[section] = array;
  }
  const hash = schemaMajor(delta) >= 2 ? digest.hash(result) : hashSnapshotContent(result);
  if (hash !== delta.hash) return rollback();
  return result as ConfigSnapshot;
}
