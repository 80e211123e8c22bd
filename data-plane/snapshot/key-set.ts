import { type ContentDigest, type EntryHashes, entryHash } from '../../shared/snapshot/content-digest.ts';
import type { SectionChange } from '../../shared/snapshot/delta.ts';
import { SnapshotApiKey } from '../../shared/snapshot/schema.ts';
import { candidates, entryHashAt, gracedPreviousHash, idTag, keyAt, type PackedKeys, secretTag } from './packed-keys.ts';

/**
 * The API keys of a snapshot version: the packed keys of the last full load, under the keys that
 * deltas changed since (a small map by id; null: removed). A new full load packs everything again.
 */
export class KeySet {
  /** The changed keys by secret hash (and graced previous hash). */
  private readonly changedBySecret = new Map<string, SnapshotApiKey>();

  private constructor(
    private readonly packed: PackedKeys,
    private readonly changed: ReadonlyMap<string, SnapshotApiKey | null>,
  ) {
    for (const key of changed.values()) {
      if (!key) continue;
      this.changedBySecret.set(key.hash, key);
      const previous = gracedPreviousHash(key);
      if (previous !== null) this.changedBySecret.set(previous, key);
    }
  }

  static of(packed: PackedKeys): KeySet {
    return new KeySet(packed, new Map());
  }

  /** How many keys deltas changed or removed since the keys were packed. */
  get changedCount(): number {
    return this.changed.size;
  }

  /** The key whose secret, or graced previous secret, hashes to `hash`. */
  bySecret(hash: string): SnapshotApiKey | undefined {
    const changed = this.changedBySecret.get(hash);
    if (changed) return changed;
    for (const record of candidates(this.packed.bySecret, secretTag(hash))) {
      const key = keyAt(this.packed, record);
      if (key.hash !== hash && gracedPreviousHash(key) !== hash) continue;
      // A key a delta changed is found above, under its new hashes, or not at all.
      return this.changed.has(key.id) ? undefined : key;
    }
    return undefined;
  }

  byId(id: string): SnapshotApiKey | undefined {
    if (this.changed.has(id)) return this.changed.get(id) ?? undefined;
    const record = recordOf(this.packed, id);
    return record === undefined ? undefined : keyAt(this.packed, record);
  }

  /** This set with `put` added or replacing (by id) and the ids in `removed` gone. */
  with(put: readonly SnapshotApiKey[], removed: readonly string[]): KeySet {
    const changed = new Map(this.changed);
    for (const key of put) changed.set(key.id, key);
    for (const id of removed) changed.set(id, null);
    return new KeySet(this.packed, changed);
  }

  /** The entry hashes of the packed keys, for the content digest (a delta updates them in place). */
  hashes(): EntryHashes {
    return new KeyHashes(this.packed);
  }
}

function recordOf(packed: PackedKeys, id: string): number | undefined {
  for (const record of candidates(packed.byId, idTag(id))) if (keyAt(packed, record).id === id) return record;
  return undefined;
}

/** The content digest's API key section: hashes read from the packed keys, changes in a map. */
class KeyHashes implements EntryHashes {
  private readonly changed = new Map<string, bigint | null>();
  size: number;

  constructor(private readonly packed: PackedKeys) {
    this.size = packed.count;
  }

  get(id: string): bigint | undefined {
    const changed = this.changed.get(id);
    if (changed !== undefined) return changed ?? undefined;
    const record = recordOf(this.packed, id);
    return record === undefined ? undefined : entryHashAt(this.packed, record);
  }

  has(id: string): boolean {
    return this.get(id) !== undefined;
  }

  set(id: string, hash: bigint): void {
    if (!this.has(id)) this.size++;
    this.changed.set(id, hash);
  }

  delete(id: string): boolean {
    if (!this.has(id)) return false;
    this.size--;
    this.changed.set(id, null);
    return true;
  }
}

/**
 * A delta's change to the API keys, applied to `keys` and to `digest` (as applyDelta applies the
 * other sections, whose result then checks the content hash over both). null, with `digest` left
 * as it was, when an entry is not a valid key; `undo` restores `digest` when the hash check fails.
 */
export function changeKeys(keys: KeySet, change: SectionChange, digest: ContentDigest): { keys: KeySet; undo: () => void } | null {
  const undo: (() => void)[] = [];
  const restore = () => {
    for (let i = undo.length - 1; i >= 0; i--) undo[i]();
  };
  const put: SnapshotApiKey[] = [];
  for (const item of change.put) {
    const parsed = SnapshotApiKey.safeParse(item.value);
    if (!parsed.success) {
      restore();
      return null;
    }
    put.push(parsed.data);
    const previous = digest.hashOf('apiKeys', parsed.data.id);
    undo.push(() => (previous === undefined ? digest.remove('apiKeys', parsed.data.id) : digest.putHash('apiKeys', parsed.data.id, previous)));
    // Hashed as sent: fields of a newer minor version are covered too.
    digest.putHash('apiKeys', parsed.data.id, entryHash(item.value));
  }
  for (const id of new Set(change.remove)) {
    const previous = digest.hashOf('apiKeys', id);
    if (previous === undefined) continue;
    undo.push(() => digest.putHash('apiKeys', id, previous));
    digest.remove('apiKeys', id);
  }
  return { keys: keys.with(put, change.remove), undo: restore };
}
