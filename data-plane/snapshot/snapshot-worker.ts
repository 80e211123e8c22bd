/**
 * The data plane's snapshot worker thread (started lazily by snapshot-loader.ts, one per data
 * plane): a full snapshot's read from Redis, signature check, JSON.parse, schema validation and
 * per-entry content digest, off the event loop that serves requests (issue 12 item 3). It holds
 * the last snapshot it read or was sent, checks it, and writes it to the last good snapshot file
 * when asked: on Redis the snapshot's megabytes never reach the main thread. It answers a check
 * with the validated snapshot as JSON text in slices of `SLICE_ENTRIES` entries, each with its
 * entries' hashes, which the main thread parses one slice per macrotask: a structured clone of
 * the parsed object would be deserialized in one block on the main thread before the message
 * event even fires. The API keys, most of a snapshot, are packed into typed arrays instead
 * (packed-keys.ts) and transferred: the main thread never builds them as objects.
 */
import path from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import type { Bus, StoredSnapshot } from '../../shared/bus/bus.ts';
import type { SecretKey } from '../../shared/crypto/secret-box.ts';
import { ContentDigest, entryKey, SECTIONS, type Section } from '../../shared/snapshot/content-digest.ts';
import { parseSnapshot } from '../../shared/snapshot/schema.ts';
import { createSnapshotSigner } from '../../shared/snapshot/signature.ts';
import { packSnapshotKeys } from './compile-snapshot.ts';
import { type PackedKeys, transferablesOf } from './packed-keys.ts';
import { createSnapshotFile } from './snapshot-file.ts';

/** Entries per slice (as COMPILE_SLICE_KEYS): 250 API keys parse in about half a millisecond on the main thread. */
export const SLICE_ENTRIES = 250;

/** What the worker is started with: the keys that verify signatures, and the Redis bus to read from (none in-process). */
export interface SnapshotWorkerData {
  keys: SecretKey[];
  bus: Bus['connection'] | null;
}

/**
 * What the main thread asks: `read` the bus's stored full snapshot (held here; answered with its
 * version and signature), `check` the held one or the one sent along (then held), or `persist`
 * the held one to the last good snapshot file at `file`.
 */
export type SnapshotWorkerAsk = { type: 'read' } | { type: 'check'; stored: StoredSnapshot | null } | { type: 'persist'; file: string };
export type SnapshotWorkerRequest = SnapshotWorkerAsk & { id: number };

/** One slice of a section: its entries' JSON (an array) and their SHA-256 digests, hex, in order. */
export interface SnapshotSlice {
  json: string;
  hashes: string;
}

/** A check's answer: why the held snapshot is refused, or its content for the main thread. */
export type SnapshotCheck =
  | { ok: false; kind: 'signature' | 'invalid'; reason: string }
  | {
      ok: true;
      /** The snapshot's fields other than its entry sections (version, hash, createdAt, ...), as JSON. */
      envelope: string;
      /** Every entry section but the API keys. */
      sections: { section: Section; slices: SnapshotSlice[]; sum: string }[];
      /** The API keys, packed (transferred), with their section's sum and the warnings compiling them gives. */
      keys: { packed: PackedKeys; sum: string; warnings: string[] };
    };

/** The version and signature of a stored snapshot, without its body. */
export type SnapshotHead = Pick<StoredSnapshot, 'version' | 'signature'>;

export type SnapshotWorkerReply = { id: number } & (
  | { type: 'read'; head: SnapshotHead | null }
  | { type: 'check'; check: SnapshotCheck }
  | { type: 'persist' }
  /** The bus could not be read, the file not written, or nothing is held to check. */
  | { type: 'failed'; reason: string }
);

// The secret keys only verify the control plane's signature here; they are never logged.
const data = workerData as SnapshotWorkerData;
const verifier = createSnapshotSigner(data.keys);
const port = parentPort!;
// Its own connection, opened on the first read; it ends with the thread.
let bus: Bus | null = null;
let held: StoredSnapshot | null = null;

// One request at a time, in order: a check or persist works on what the read before it held.
let queue: Promise<void> = Promise.resolve();
port.on('message', (request: SnapshotWorkerRequest) => {
  queue = queue.then(() =>
    answer(request).then(
      (reply) => port.postMessage(reply, reply.type === 'check' && reply.check.ok ? transferablesOf(reply.check.keys.packed) : []),
      (error: unknown) =>
        port.postMessage({ id: request.id, type: 'failed', reason: (error as Error)?.message ?? String(error) } satisfies SnapshotWorkerReply),
    ),
  );
});

async function answer(request: SnapshotWorkerRequest): Promise<SnapshotWorkerReply> {
  const { id } = request;
  if (request.type === 'read') {
    if (!data.bus) throw new Error('no bus to read from in this thread');
    // Imported on the first read: an in-process plane's worker never loads the Redis client.
    bus ??= (await import('../../shared/bus/create-bus.ts')).createBus(data.bus);
    held = await bus.loadSnapshot();
    return { id, type: 'read', head: held && { version: held.version, signature: held.signature } };
  }
  if (request.type === 'check' && request.stored) held = request.stored;
  if (!held) throw new Error('no snapshot read or sent');
  if (request.type === 'check') return { id, type: 'check', check: check(held) };
  await createSnapshotFile(path.dirname(request.file)).write(held);
  return { id, type: 'persist' };
}

function check({ json, signature }: StoredSnapshot): SnapshotCheck {
  // Origin first: nothing unsigned is even parsed.
  const unsigned = verifier.check(json, signature);
  if (unsigned) return { ok: false, kind: 'signature', reason: unsigned };
  const parsed = parseSnapshot(json);
  if (!parsed.ok) return { ok: false, kind: 'invalid', reason: parsed.reason };
  const { snapshot } = parsed;
  // A 1.x snapshot hashes its whole content; its entries are hashed here for the deltas of 2.x.
  const digest = parsed.digest ?? ContentDigest.of(snapshot);
  const envelope: Record<string, unknown> = {};
  const sections: Extract<SnapshotCheck, { ok: true }>['sections'] = [];
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
    ok: true,
    envelope: JSON.stringify({ ...envelope, apiKeys: [] }),
    sections,
    keys: { packed: keys.keys, sum: digest.sumOf('apiKeys').toString(16), warnings: keys.warnings },
  };
}
