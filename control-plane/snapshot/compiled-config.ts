import { ContentDigest, entryKey, omittedWhenEmpty, SECTIONS, type Section } from '../../shared/snapshot/content-digest.ts';
import type { SectionChange, SnapshotDelta } from '../../shared/snapshot/delta.ts';
import type { ConfigSnapshot, SnapshotContent } from '../../shared/snapshot/schema.ts';

/** Entries to put (whole, replacing the entry with the same key) and keys to remove, per section. */
export type SnapshotPatch = Partial<Record<Section, { put: readonly object[]; remove: readonly string[] }>>;

type Entries = Map<string, object>;

/**
 * The control plane's compiled snapshot, kept in memory between publications: each section as a
 * map by entry key, the per-entry hashes (shared/snapshot/content-digest.ts), and each entry's
 * JSON, so a patch re-serialises and re-hashes only what it changed.
 */
export class CompiledConfig {
  private constructor(
    public version: number,
    readonly schemaVersion: string,
    private readonly sections: ReadonlyMap<Section, Entries>,
    private readonly json: ReadonlyMap<Section, Map<string, string>>,
    readonly digest: ContentDigest,
  ) {}

  static of(version: number, content: SnapshotContent): CompiledConfig {
    const sections = new Map<Section, Entries>();
    const json = new Map<Section, Map<string, string>>();
    for (const section of SECTIONS) {
      const entries: Entries = new Map();
      const texts = new Map<string, string>();
      for (const entry of content[section] as object[]) {
        const key = entryKey(section, entry);
        entries.set(key, entry);
        texts.set(key, JSON.stringify(entry));
      }
      sections.set(section, entries);
      json.set(section, texts);
    }
    return new CompiledConfig(version, content.schemaVersion, sections, json, ContentDigest.of(content));
  }

  get hash(): string {
    return this.digest.hash({ schemaVersion: this.schemaVersion });
  }

  entries<T extends object>(section: Section): ReadonlyMap<string, T> {
    return this.sections.get(section) as unknown as ReadonlyMap<string, T>;
  }

  /**
   * Applies `patch`, now at `version`, and returns the delta's changes: entries whose hash did not
   * change are left out, and removed keys that were not there. New entries go at the end of their
   * section, at the index the delta gives them. In place: the publisher is serialised, and this
   * always holds the compile of the database at `version`, published or not.
   */
  apply(version: number, patch: SnapshotPatch): SnapshotDelta['changes'] {
    const changes: SnapshotDelta['changes'] = {};
    for (const section of SECTIONS) {
      const change = patch[section];
      if (!change) continue;
      const entries = this.sections.get(section) as Entries;
      const texts = this.json.get(section) as Map<string, string>;
      const remove: string[] = [];
      for (const key of change.remove) {
        if (!entries.has(key)) continue;
        entries.delete(key);
        texts.delete(key);
        this.digest.remove(section, key);
        remove.push(key);
      }
      const put: SectionChange['put'] = [];
      for (const entry of change.put) {
        const key = entryKey(section, entry);
        const before = this.digest.hashOf(section, key);
        this.digest.put(section, entry);
        if (this.digest.hashOf(section, key) === before) continue;
        // An update keeps its place; a new entry is appended, so its index is the size before it.
        put.push({ index: before === undefined ? entries.size : -1, value: entry });
        entries.set(key, entry);
        texts.set(key, JSON.stringify(entry));
      }
      if (put.length > 0 || remove.length > 0) changes[section] = { put, remove };
    }
    this.version = version;
    return changes;
  }

  /** The full snapshot's JSON, from the cached entry JSON: no whole-snapshot serialisation. */
  toJson(envelope: { version: number; hash: string; createdAt: string }): string {
    const parts = [`{"schemaVersion":${JSON.stringify(this.schemaVersion)}`];
    for (const section of SECTIONS) {
      const texts = this.json.get(section) as Map<string, string>;
      // A section newer than 2.0 with no entries is left out: the JSON reads as 2.0's did.
      if (!omittedWhenEmpty(section, texts.size)) parts.push(`,"${section}":[${[...texts.values()].join(',')}]`);
    }
    parts.push(`,"version":${envelope.version},"hash":${JSON.stringify(envelope.hash)},"createdAt":${JSON.stringify(envelope.createdAt)}}`);
    return parts.join('');
  }

  toSnapshot(envelope: { version: number; hash: string; createdAt: string }): ConfigSnapshot {
    const snapshot: Record<string, unknown> = { schemaVersion: this.schemaVersion };
    for (const section of SECTIONS) snapshot[section] = [...(this.sections.get(section) as Entries).values()];
    return { ...snapshot, ...envelope } as ConfigSnapshot;
  }
}
