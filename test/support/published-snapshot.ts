import type { Bus } from '../../shared/bus/bus.ts';
import { entryKey, SECTIONS } from '../../shared/snapshot/content-digest.ts';
import type { SnapshotDelta } from '../../shared/snapshot/delta.ts';

/**
 * The newest snapshot a control plane published, as its JSON: the full snapshot on the bus
 * (written lazily, so it may be older) with the logged deltas after it applied, entries as sent.
 * `texts` is every JSON the bus holds for it (full snapshot and deltas), for tests that look for
 * what must never be there. Throws when the log does not lead to the newest version.
 */
export async function publishedSnapshot(bus: Pick<Bus, 'loadSnapshot' | 'loadSnapshotDeltas'>): Promise<{ json: string; texts: string[] }> {
  const full = await bus.loadSnapshot();
  if (!full) throw new Error('no snapshot on the bus');
  const log = await bus.loadSnapshotDeltas(full.version);
  const snapshot = JSON.parse(full.json) as Record<string, unknown>;
  for (const stored of log?.deltas ?? []) {
    const delta = JSON.parse(stored.json) as SnapshotDelta;
    if (delta.from !== snapshot.version) throw new Error(`the delta to ${delta.to} is from ${delta.from}, not ${String(snapshot.version)}`);
    for (const section of SECTIONS) {
      const change = delta.changes[section];
      if (!change) continue;
      // A section newer than 2.0 is absent from the JSON while empty.
      const entries = ((snapshot[section] as object[] | undefined) ?? []).filter((entry) => !change.remove.includes(entryKey(section, entry)));
      for (const { value } of change.put) {
        const at = entries.findIndex((entry) => entryKey(section, entry) === entryKey(section, value));
        if (at >= 0) entries[at] = value as object;
        else entries.push(value as object);
      }
      snapshot[section] = entries;
    }
    Object.assign(snapshot, { version: delta.to, hash: delta.hash, createdAt: delta.createdAt, schemaVersion: delta.schemaVersion });
  }
  if (log && snapshot.version !== log.version) throw new Error(`the bus is at ${log.version}; its full snapshot and log lead to ${String(snapshot.version)}`);
  return { json: JSON.stringify(snapshot), texts: [full.json, ...(log?.deltas ?? []).map((delta) => delta.json)] };
}
