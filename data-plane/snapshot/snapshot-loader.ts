import { setImmediate as nextMacrotask } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import type { StoredSnapshot } from '../../shared/bus/bus.ts';
import type { SecretKey } from '../../shared/crypto/secret-box.ts';
import { ContentDigest, entryKey, type Section } from '../../shared/snapshot/content-digest.ts';
import type { ConfigSnapshot } from '../../shared/snapshot/schema.ts';
import type { SnapshotWorkerReply, SnapshotWorkerRequest } from './snapshot-worker.ts';

/** A full snapshot checked as `parseSnapshot` checks it (signature first), or why it is refused. */
export type LoadedSnapshot =
  | { ok: true; snapshot: ConfigSnapshot; digest: ContentDigest | null }
  | { ok: false; kind: 'signature' | 'invalid'; reason: string };

export interface SnapshotLoader {
  /**
   * Verifies, parses, validates and hashes `stored` in the worker thread; this thread only parses
   * the worker's slices, one per macrotask, so requests in flight are not stalled. Rejects when
   * the worker fails (the next load starts a new one).
   */
  load(stored: StoredSnapshot): Promise<LoadedSnapshot>;
  close(): Promise<void>;
}

/** One worker per data plane, started on the first load and kept (it holds no snapshot between loads). */
export function createSnapshotLoader(keys: readonly SecretKey[]): SnapshotLoader {
  let worker: Worker | null = null;
  let nextId = 0;
  const pending = new Map<number, { resolve: (reply: SnapshotWorkerReply) => void; reject: (error: Error) => void }>();

  function started(): Worker {
    if (worker) return worker;
    // Beside this file's compiled form: .js when built. The .ts source (tsx, vitest) is loaded
    // through tsx's API: `--import tsx` in a worker's execArgv is not honoured under vitest.
    const typescript = import.meta.url.endsWith('.ts');
    const file = new URL(`./snapshot-worker.${typescript ? 'ts' : 'js'}`, import.meta.url);
    const source = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(file.href)}); });`;
    const thread = typescript ? new Worker(source, { eval: true, workerData: { keys } }) : new Worker(file, { workerData: { keys } });
    const fail = (error: Error) => {
      if (worker === thread) worker = null;
      for (const waiting of pending.values()) waiting.reject(error);
      pending.clear();
    };
    thread.on('message', (reply: SnapshotWorkerReply) => {
      const waiting = pending.get(reply.id);
      pending.delete(reply.id);
      // Idle, it must not keep the process alive.
      if (pending.size === 0) thread.unref();
      waiting?.resolve(reply);
    });
    thread.on('error', fail);
    thread.on('exit', (code) => fail(new Error(`snapshot worker exited with code ${code}`)));
    worker = thread;
    return thread;
  }

  return {
    async load(stored) {
      const thread = started();
      const id = nextId++;
      const reply = await new Promise<SnapshotWorkerReply>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        thread.ref();
        thread.postMessage({ id, json: stored.json, signature: stored.signature } satisfies SnapshotWorkerRequest);
      });
      if (!reply.ok) return { ok: false, kind: reply.kind, reason: reply.reason };
      return { ok: true, ...(await assemble(reply)) };
    },
    async close() {
      const thread = worker;
      worker = null;
      await thread?.terminate();
    },
  };
}

/** The snapshot and its digest from the worker's slices, one slice parsed per macrotask. */
async function assemble(reply: Extract<SnapshotWorkerReply, { ok: true }>): Promise<{ snapshot: ConfigSnapshot; digest: ContentDigest | null }> {
  const snapshot = JSON.parse(reply.envelope) as Record<string, unknown>;
  const digests = new Map<Section, { hashes: Map<string, bigint>; sum: bigint }>();
  for (const { section, slices, sum } of reply.sections) {
    const entries: unknown[] = [];
    const hashes = new Map<string, bigint>();
    for (const slice of slices) {
      await nextMacrotask();
      const parsed = JSON.parse(slice.json) as unknown[];
      for (let i = 0; i < parsed.length; i++) {
        entries.push(parsed[i]);
        if (slice.hashes !== null) hashes.set(entryKey(section, parsed[i]), BigInt(`0x${slice.hashes.slice(i * 64, i * 64 + 64)}`));
      }
    }
    snapshot[section] = entries;
    if (sum !== null) digests.set(section, { hashes, sum: BigInt(`0x${sum}`) });
  }
  return { snapshot: snapshot as unknown as ConfigSnapshot, digest: reply.perEntryHashes ? ContentDigest.fromHashes(digests) : null };
}
