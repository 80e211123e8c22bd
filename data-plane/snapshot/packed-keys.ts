import type { SnapshotApiKey } from '../../shared/snapshot/schema.ts';

/**
 * A snapshot's API keys in a few typed arrays: each key's JSON, back to back, and two
 * open-addressing hash tables over it (by secret hash and by id). Built where the snapshot is
 * parsed (the snapshot worker) and transferred, not copied, to the thread that serves requests:
 * 10,000 keys are six objects there instead of tens of thousands, so the garbage collector has
 * next to nothing to promote or trace when a new snapshot is swapped in (issue 12). A key is
 * decoded when a request first looks it up (key-index.ts caches it per snapshot).
 */
export interface PackedKeys {
  /** Records: one per distinct id (the last entry wins, as in the content digest). */
  readonly count: number;
  /** UTF-8 JSON of each record, back to back. */
  readonly text: Uint8Array;
  /** Record i is text[offsets[i], offsets[i + 1]). */
  readonly offsets: Uint32Array;
  /** Each record's entry hash (the content digest's SHA-256, 32 bytes), in record order. */
  readonly entryHashes: Uint8Array;
  /**
   * Slots of (tag, record + 1), 0 when empty: the tag is the first 32 bits of a secret hash. A
   * key is in it under its hash and, while a rotation's grace period is set, its previous hash.
   */
  readonly bySecret: Uint32Array;
  /** Slots of (FNV-1a of the id, record + 1). */
  readonly byId: Uint32Array;
}

/** The buffers to list in postMessage's transfer list. */
export const transferablesOf = (packed: PackedKeys): ArrayBuffer[] =>
  [packed.text, packed.offsets, packed.entryHashes, packed.bySecret, packed.byId].map((array) => array.buffer as ArrayBuffer);

/** Whether a key's previous secret is indexed: only with a grace period's end (compile-snapshot.ts). */
export const gracedPreviousHash = (key: SnapshotApiKey): string | null =>
  key.previousHash !== null && key.previousHashExpiresAt !== null ? key.previousHash : null;

/** The tag a secret hash (hex SHA-256) is filed under. */
export const secretTag = (hash: string): number => Number.parseInt(hash.slice(0, 8), 16) >>> 0;

/** FNV-1a over UTF-16 code units: the tag an id is filed under. */
export function idTag(id: string): number {
  let tag = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) tag = Math.imul(tag ^ id.charCodeAt(i), 0x01000193);
  return tag >>> 0;
}

/** Packs `keys` (parsed and validated), with each one's entry hash. */
export function packKeys(keys: readonly SnapshotApiKey[], entryHashOf: (key: SnapshotApiKey) => bigint): PackedKeys {
  const lastById = new Map<string, number>();
  keys.forEach((key, i) => lastById.set(key.id, i));
  const records = [...lastById.values()].sort((a, b) => a - b).map((i) => keys[i]);
  const encoder = new TextEncoder();
  const encoded = records.map((key) => encoder.encode(JSON.stringify(key)));
  const offsets = new Uint32Array(records.length + 1);
  for (let i = 0; i < encoded.length; i++) offsets[i + 1] = offsets[i] + encoded[i].length;
  const text = new Uint8Array(offsets[records.length]);
  encoded.forEach((bytes, i) => text.set(bytes, offsets[i]));
  const entryHashes = new Uint8Array(records.length * 32);
  records.forEach((key, i) => entryHashes.set(hashBytes(entryHashOf(key)), i * 32));

  const byId = table(records.length);
  records.forEach((key, i) => insert(byId, idTag(key.id), i, () => false));
  // By secret, in snapshot order with the last writer winning, as a Map of the same entries would.
  const secrets: { hash: string; record: number }[] = [];
  records.forEach((key, record) => {
    secrets.push({ hash: key.hash, record });
    const previous = gracedPreviousHash(key);
    if (previous !== null) secrets.push({ hash: previous, record });
  });
  const bySecret = table(secrets.length);
  const hashAt = new Map<number, string>();
  for (const { hash, record } of secrets) {
    const slot = insert(bySecret, secretTag(hash), record, (slot) => hashAt.get(slot) === hash);
    hashAt.set(slot, hash);
  }
  return { count: records.length, text, offsets, entryHashes, bySecret, byId };
}

/** A table with at least twice as many slots as entries (a power of two: the probe masks). */
function table(entries: number): Uint32Array {
  let slots = 8;
  while (slots < entries * 2) slots *= 2;
  return new Uint32Array(slots * 2);
}

/** Linear probing; a slot for which `same` holds is overwritten. Returns the slot. */
function insert(slots: Uint32Array, tag: number, record: number, same: (slot: number) => boolean): number {
  const mask = slots.length / 2 - 1;
  let slot = tag & mask;
  while (slots[slot * 2 + 1] !== 0 && !(slots[slot * 2] === tag && same(slot))) slot = (slot + 1) & mask;
  slots[slot * 2] = tag;
  slots[slot * 2 + 1] = record + 1;
  return slot;
}

/** The records filed under `tag`, in probe order (callers check each record's real key). */
export function* candidates(slots: Uint32Array, tag: number): Generator<number> {
  const mask = slots.length / 2 - 1;
  for (let slot = tag & mask; slots[slot * 2 + 1] !== 0; slot = (slot + 1) & mask) if (slots[slot * 2] === tag) yield slots[slot * 2 + 1] - 1;
}

const hashBytes = (hash: bigint): Uint8Array => Buffer.from(hash.toString(16).padStart(64, '0'), 'hex');

/** A record's entry hash, as the content digest holds it. */
export const entryHashAt = (packed: PackedKeys, record: number): bigint =>
  BigInt(`0x${Buffer.from(packed.entryHashes.buffer, packed.entryHashes.byteOffset + record * 32, 32).toString('hex')}`);

const decoder = new TextDecoder();

/** Record `record`, parsed (it was validated when packed). */
export const keyAt = (packed: PackedKeys, record: number): SnapshotApiKey =>
  JSON.parse(decoder.decode(packed.text.subarray(packed.offsets[record], packed.offsets[record + 1]))) as SnapshotApiKey;
