import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json.ts';

/**
 * The sections of a snapshot that are sets of entries, each entry keyed by its id (routing
 * profiles by name). Deltas put and remove entries by these keys.
 */
export const SECTION_KEYS = {
  teams: 'id',
  apiKeys: 'id',
  providers: 'id',
  models: 'id',
  plans: 'id',
  budgets: 'id',
  fallbackChains: 'id',
  routingProfiles: 'name',
  cachePolicies: 'id',
  guardrails: 'id',
  routingDefaults: 'scope',
} as const;

export type Section = keyof typeof SECTION_KEYS;
export const SECTIONS = Object.keys(SECTION_KEYS) as Section[];
const isSection = (name: string): name is Section => Object.hasOwn(SECTION_KEYS, name);
/**
 * Sections added after 2.0 enter the content hash only when they have entries: a snapshot that
 * does not use one hashes exactly as 2.0 did (its fixtures, and data planes that predate it).
 */
const SINCE_2_0: ReadonlySet<Section> = new Set<Section>(['routingDefaults']);

/** Whether a section is left out of the stored JSON and the hash when it has no entries (added after 2.0). */
export const omittedWhenEmpty = (section: Section, size: number): boolean => size === 0 && SINCE_2_0.has(section);

export const entryKey = (section: Section, entry: unknown): string => String((entry as Record<string, unknown>)[SECTION_KEYS[section]]);

const MODULUS = 1n << 256n;

/**
 * Where a section's entry hashes are kept, by entry key: a Map, or the data plane's packed API
 * keys (data-plane/snapshot/key-set.ts), which hold 10,000 hashes without 10,000 objects.
 */
export interface EntryHashes {
  get(key: string): bigint | undefined;
  has(key: string): boolean;
  set(key: string, hash: bigint): void;
  delete(key: string): boolean;
  readonly size: number;
}
const ENVELOPE = new Set(['version', 'hash', 'createdAt']);

/** SHA-256 of an entry's canonical JSON, as a number. */
export function entryHash(entry: unknown): bigint {
  return BigInt(`0x${createHash('sha256').update(canonicalJson(entry)).digest('hex')}`);
}

/**
 * The content hash of schema 2.x, kept up to date in O(change) (issue 12 item 3). Each section's
 * digest is the sum, modulo 2^256, of its entries' SHA-256 (an additive multiset hash), with its
 * entry count; the content hash is the SHA-256 of the canonical JSON of those digests and of the
 * remaining top-level fields (schemaVersion, fields a newer minor adds). Putting or removing an
 * entry adds or subtracts one entry hash, so both planes update the hash of a 10,000-key
 * snapshot by hashing only what changed.
 *
 * Section order is not part of the hash: sections are sets keyed by id (entries keep their own
 * array order inside, where order is meaning). The hash guards integrity against bugs and torn
 * writes; the HMAC signature over the published bytes (signature.ts) is what proves origin, so
 * the known weaknesses of additive hashes against chosen entries give an attacker nothing.
 */
export class ContentDigest {
  private readonly hashes = new Map<Section, EntryHashes>();
  private readonly sums = new Map<Section, bigint>();

  private constructor() {}

  /** The digest of whole content (a full snapshot; envelope fields are ignored). */
  static of(content: object): ContentDigest {
    const digest = new ContentDigest();
    for (const section of SECTIONS) {
      const entries = (content as Record<string, unknown>)[section];
      const hashes = new Map<string, bigint>();
      let sum = 0n;
      for (const entry of Array.isArray(entries) ? entries : []) {
        const hash = entryHash(entry);
        hashes.set(entryKey(section, entry), hash);
        sum += hash;
      }
      digest.hashes.set(section, hashes);
      digest.sums.set(section, sum % MODULUS);
    }
    return digest;
  }

  /**
   * A digest from entry hashes computed elsewhere (the data plane's snapshot worker) and each
   * section's sum as that side computed it: rebuilding it costs no hashing.
   */
  static fromHashes(sections: ReadonlyMap<Section, { hashes: EntryHashes; sum: bigint }>): ContentDigest {
    const digest = new ContentDigest();
    for (const [section, { hashes, sum }] of sections) {
      digest.hashes.set(section, hashes);
      digest.sums.set(section, sum);
    }
    return digest;
  }

  /** The section's sum modulo 2^256 (0 when it has no entries). */
  sumOf(section: Section): bigint {
    return this.sums.get(section) ?? 0n;
  }

  /** Adds `entry` to `section`, replacing the entry with the same key. */
  put(section: Section, entry: unknown): void {
    this.putHash(section, entryKey(section, entry), entryHash(entry));
  }

  putHash(section: Section, key: string, hash: bigint): void {
    const hashes = this.section(section);
    const previous = hashes.get(key) ?? 0n;
    hashes.set(key, hash);
    this.sums.set(section, ((((this.sums.get(section) ?? 0n) - previous + hash) % MODULUS) + MODULUS) % MODULUS);
  }

  remove(section: Section, key: string): void {
    const hashes = this.section(section);
    const previous = hashes.get(key);
    if (previous === undefined) return;
    hashes.delete(key);
    this.sums.set(section, ((((this.sums.get(section) ?? 0n) - previous) % MODULUS) + MODULUS) % MODULUS);
  }

  has(section: Section, key: string): boolean {
    return this.section(section).has(key);
  }

  /** The entry's hash as last put, if present. */
  hashOf(section: Section, key: string): bigint | undefined {
    return this.section(section).get(key);
  }

  /** The content hash, given the content's other top-level fields (sections and envelope are skipped). */
  hash(topLevel: object): string {
    const rest: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(topLevel)) if (!ENVELOPE.has(name) && !isSection(name)) rest[name] = value;
    const sections: Record<string, { count: number; sum: string }> = {};
    for (const section of SECTIONS) {
      if (omittedWhenEmpty(section, this.section(section).size)) continue;
      sections[section] = { count: this.section(section).size, sum: (this.sums.get(section) ?? 0n).toString(16).padStart(64, '0') };
    }
    return createHash('sha256')
      .update(canonicalJson({ ...rest, sections }))
      .digest('hex');
  }

  private section(section: Section): EntryHashes {
    let hashes = this.hashes.get(section);
    if (!hashes) {
      hashes = new Map();
      this.hashes.set(section, hashes);
    }
    return hashes;
  }
}
