import { setImmediate as nextMacrotask } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import type { Bus, StoredSnapshot } from '../../shared/bus/bus.ts';
import type { SecretKey } from '../../shared/crypto/secret-box.ts';
import { ContentDigest, type EntryHashes, entryKey, type Section } from '../../shared/snapshot/content-digest.ts';
import type { ConfigSnapshot } from '../../shared/snapshot/schema.ts';
import type { LoadedKeys } from './compile-snapshot.ts';
import { KeySet } from './key-set.ts';
import type { SnapshotFile } from './snapshot-file.ts';
import type { SnapshotCheck, SnapshotWorkerAsk, SnapshotWorkerData, SnapshotWorkerReply, SnapshotWorkerRequest } from './snapshot-worker.ts';

/**
 * A full snapshot checked as `parseSnapshot` checks it (signature first), or why it is refused.
 * Its API keys are not in `snapshot.apiKeys` (empty) but in `keys`, packed; `digest` holds the
 * per-entry hashes of every section (a 1.x snapshot's are computed by the worker).
 */
export type LoadedSnapshot =
  | { ok: true; snapshot: ConfigSnapshot; keys: LoadedKeys; digest: ContentDigest }
  | { ok: false; kind: 'signature' | 'invalid'; reason: string };

/**
 * A stored full snapshot as read to be loaded: its JSON here (in-process bus, disk), or `held` by
 * the worker, which read it from Redis on its own connection.
 */
export type SnapshotSource = StoredSnapshot | { version: number; signature: string | null; held: true };

export interface SnapshotLoader {
  /**
   * The bus's stored full snapshot, or null when none was published. On Redis the worker reads it
   * and keeps it: only its version and signature come here.
   */
  read(): Promise<SnapshotSource | null>;
  /**
   * Verifies, parses, validates and hashes `source` in a worker thread; this thread only parses
   * the worker's slices, one per macrotask, so requests in flight are not stalled. Rejects when
   * the worker fails.
   */
  load(source: SnapshotSource): Promise<LoadedSnapshot>;
  /** Writes the snapshot loaded last to `file`, from the worker. */
  persist(file: SnapshotFile): Promise<void>;
  close(): Promise<void>;
}

/**
 * How long the worker thread stays after its last load. Full loads are rare (start, a lost
 * delta, a plane that fell behind the delta log) and come in bursts at most; an idle worker held
 * 40-50 MB of RSS (its V8 isolate and the heap it parsed 4 MB in), so it ends in between.
 */
export const SNAPSHOT_WORKER_IDLE_MS = 10_000;

/** One worker at a time, started by a request and ended after `idleMs` without one. */
export function createSnapshotLoader(
  keys: readonly SecretKey[],
  bus: Pick<Bus, 'loadSnapshot' | 'connection'>,
  idleMs = SNAPSHOT_WORKER_IDLE_MS,
): SnapshotLoader {
  let worker: LoaderThread | null = null;
  const running = new Set<LoaderThread>();
  const ask = (request: SnapshotWorkerAsk): Promise<SnapshotWorkerReply> => {
    if (!worker) {
      const thread = startThread({ keys: [...keys], bus: bus.connection ?? null }, idleMs, () => {
        running.delete(thread);
        if (worker === thread) worker = null;
      });
      running.add(thread);
      worker = thread;
    }
    return worker.ask(request);
  };
  return {
    async read() {
      // In-process, the bus is this thread's memory: the snapshot is sent along with its check.
      if (!bus.connection) return bus.loadSnapshot();
      const reply = expect(await ask({ type: 'read' }), 'read');
      return reply.head && { ...reply.head, held: true };
    },
    async load(source) {
      const { check } = expect(await ask({ type: 'check', stored: 'held' in source ? null : source }), 'check');
      if (!check.ok) return { ok: false, kind: check.kind, reason: check.reason };
      return { ok: true, ...(await assemble(check)) };
    },
    async persist(file) {
      expect(await ask({ type: 'persist', file: file.path }), 'persist');
    },
    async close() {
      worker = null;
      await Promise.all([...running].map((thread) => thread.terminate()));
    },
  };
}

/** The reply of the type asked for; a failure (bus unreachable, file not written) is thrown. */
function expect<T extends SnapshotWorkerReply['type']>(reply: SnapshotWorkerReply, type: T): Extract<SnapshotWorkerReply, { type: T }> {
  if (reply.type === 'failed') throw new Error(`snapshot worker: ${reply.reason}`);
  if (reply.type !== type) throw new Error(`snapshot worker answered ${reply.type} to ${type}`);
  return reply as Extract<SnapshotWorkerReply, { type: T }>;
}

interface LoaderThread {
  ask(request: SnapshotWorkerAsk): Promise<SnapshotWorkerReply>;
  terminate(): Promise<number>;
}

/** A snapshot worker; `gone` is called once it ended (idle, failed or terminated), its pending requests rejected. */
function startThread(workerData: SnapshotWorkerData, idleMs: number, gone: () => void): LoaderThread {
  // Beside this file's compiled form: .js when built. The .ts source (tsx, vitest) is loaded
  // through tsx's API: `--import tsx` in a worker's execArgv is not honoured under vitest.
  const typescript = import.meta.url.endsWith('.ts');
  const file = new URL(`./snapshot-worker.${typescript ? 'ts' : 'js'}`, import.meta.url);
  const source = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(file.href)}); });`;
  const thread = typescript ? new Worker(source, { eval: true, workerData }) : new Worker(file, { workerData });
  const pending = new Map<number, { resolve: (reply: SnapshotWorkerReply) => void; reject: (error: Error) => void }>();
  let nextId = 0;
  let idle: NodeJS.Timeout | undefined;
  const end = (error: Error) => {
    clearTimeout(idle);
    gone();
    for (const waiting of pending.values()) waiting.reject(error);
    pending.clear();
  };
  thread.on('message', (reply: SnapshotWorkerReply) => {
    const waiting = pending.get(reply.id);
    pending.delete(reply.id);
    if (pending.size === 0) {
      // Idle, it must not keep the process alive, nor its memory for long.
      thread.unref();
      idle = setTimeout(() => {
        gone();
        void thread.terminate();
      }, idleMs).unref();
    }
    waiting?.resolve(reply);
  });
  thread.on('error', end);
  thread.on('exit', (code) => end(new Error(`snapshot worker exited with code ${code}`)));
  return {
    ask(request) {
      clearTimeout(idle);
      const id = nextId++;
      return new Promise<SnapshotWorkerReply>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        thread.ref();
        thread.postMessage({ ...request, id } satisfies SnapshotWorkerRequest);
      });
    },
    terminate: () => thread.terminate(),
  };
}

/** The snapshot and its digest from the worker's slices, one slice parsed per macrotask, and its packed keys. */
async function assemble(reply: Extract<SnapshotCheck, { ok: true }>): Promise<Omit<Extract<LoadedSnapshot, { ok: true }>, 'ok'>> {
  const snapshot = JSON.parse(reply.envelope) as Record<string, unknown>;
  const keys = KeySet.of(reply.keys.packed);
  const digests = new Map<Section, { hashes: EntryHashes; sum: bigint }>([['apiKeys', { hashes: keys.hashes(), sum: BigInt(`0x${reply.keys.sum}`) }]]);
  for (const { section, slices, sum } of reply.sections) {
    const entries: unknown[] = [];
    const hashes = new Map<string, bigint>();
    for (const slice of slices) {
      await nextMacrotask();
      const parsed = JSON.parse(slice.json) as unknown[];
      for (let i = 0; i < parsed.length; i++) {
        entries.push(parsed[i]);
        hashes.set(entryKey(section, parsed[i]), BigInt(`0x${slice.hashes.slice(i * 64, i * 64 + 64)}`));
      }
    }
    snapshot[section] = entries;
    digests.set(section, { hashes, sum: BigInt(`0x${sum}`) });
  }
  // The caller compiles and swaps in the next macrotask, not after the last slice's parse.
  await nextMacrotask();
  return {
    snapshot: snapshot as unknown as ConfigSnapshot,
    keys: { keys, warnings: reply.keys.warnings },
    digest: ContentDigest.fromHashes(digests),
  };
}
