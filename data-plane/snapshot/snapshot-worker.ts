/**
 * The data plane's snapshot worker thread (started lazily by snapshot-loader.ts, one per data
 * plane): a full snapshot's signature check, JSON.parse, schema validation and per-entry content
 * digest, off the event loop that serves requests (issue 12 item 3). It answers with the validated
 * snapshot as JSON text in slices of `SLICE_ENTRIES` entries, each with its entries' hashes, which
 * the main thread parses one slice per macrotask: a structured clone of the parsed object would
 * be deserialized in one block on the main thread before the message event even fires. The API
 * keys, most of a snapshot, are packed into typed arrays instead (packed-keys.ts) and transferred:
 * the main thread never builds them as objects.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { SecretKey } from '../../shared/crypto/secret-box.ts';
import { ContentDigest, entryKey, SECTIONS, type Section } from '../../shared/snapshot/content-digest.ts';
import { parseSnapshot } from '../../shared/snapshot/schema.ts';
import { createSnapshotSigner } from '../../shared/snapshot/signature.ts';
import { packSnapshotKeys } from './compile-snapshot.ts';
import { type PackedKeys, transferablesOf } from './packed-keys.ts';

/** Entries per slice (as COMPILE_SLICE_KEYS): 250 API keys parse in about half a millisecond on the main thread. */
export const SLICE_ENTRIES = 250;

/** What the main thread asks: a stored snapshot as published (its JSON and signature). */
export interface SnapshotWorkerRequest {
  id: number;
  json: string;
  signature: string | null;
}

/** One slice of a section: its entries' JSON (an array) and their SHA-256 digests, hex, in order. */
export interface SnapshotSlice {
  json: string;
  hashes: string;
}

export type SnapshotWorkerReply =
  | { id: number; ok: false; kind: 'signature' | 'invalid'; reason: string }
  | {
      id: number;
      ok: true;
      /** The snapshot's fields other than its entry sections (version, hash, createdAt, ...), as JSON. */
      envelope: string;
      /** Every entry section but the API keys. */
      sections: { section: Section; slices: SnapshotSlice[]; sum: string }[];
      /** The API keys, packed (transferred), with their section's sum and the warnings compiling them gives. */
      keys: { packed: PackedKeys; sum: string; warnings: string[] };
    };

// The secret keys only verify the control plane's signature here; they are never logged.
const verifier = createSnapshotSigner((workerData as { keys: SecretKey[] }).keys);
const port = parentPort!;

port.on('message', (request: SnapshotWorkerRequest) => {
  const reply = check(request);
  port.postMessage(reply, reply.ok ? transferablesOf(reply.keys.packed) : []);
});

function check({ id, json, signature }: SnapshotWorkerRequest): SnapshotWorkerReply {
  // Origin first: nothing unsigned is even parsed.
  const unsigned = verifier.check(json, signature);
  if (unsigned) return { id, ok: false, kind: 'signature', reason: unsigned };
  const parsed = parseSnapshot(json);
  if (!parsed.ok) return { id, ok: false, kind: 'invalid', reason: parsed.reason };
  const { snapshot } = parsed;
  // A 1.x snapshot hashes its whole content; its entries are hashed here for the deltas of 2.x.
  const digest = parsed.digest ?? ContentDigest.of(snapshot);
  const envelope: Record<string, unknown> = {};
  const sections: Extract<SnapshotWorkerReply, { ok: true }>['sections'] = [];
  for (const [name, value] of Object.entries(snapshot)) {
    const section = SECTIONS.find((candidate) => candidate === name);
    if (!section || !Array.isArray(value)) {
      envelope[name] = value;
      continue;
    }
    if (section === 'apiKeys') continue;
    const slices: SnapshotSlice[] = [];
    for (let start = 0; start < value.length; start += SLICE_ENTRIES) {
      const entries = value.slice(start, start + SLICE_ENTRIES);
      // By key, as the digest holds them: entries with the same key get the last one's hash, as when hashed here.
      const hashes = entries.map((entry) => digest.hashOf(section, entryKey(section, entry))!.toString(16).padStart(64, '0')).join('');
      slices.push({ json: JSON.stringify(entries), hashes });
    }
    sections.push({ section, slices, sum: digest.sumOf(section).toString(16) });
  }
  const keys = packSnapshotKeys(snapshot, (key) => digest.hashOf('apiKeys', key.id)!);
  return {
    id,
    ok: true,
    envelope: JSON.stringify({ ...envelope, apiKeys: [] }),
    sections,
    keys: { packed: keys.keys, sum: digest.sumOf('apiKeys').toString(16), warnings: keys.warnings },
  };
}
