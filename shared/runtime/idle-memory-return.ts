import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { z } from 'zod';

/**
 * Memory given back once a thread goes quiet after load.
 *
 * Under load V8 lets its heap grow to several times what is live, and glibc's malloc keeps what
 * V8 and the buffers freed (the ArrayBuffers a GC releases are malloc'd). Both stay after the load
 * ends: a data plane measured 193 MB after the bench's matrix with 25 MB of it live. Once the
 * thread has been quiet for 15 s after being busy (and once after start), this runs one full
 * collection on the thread (its isolate only) and then glibc's `malloc_trim(0)` on a libuv pool
 * thread, through koffi: 193 -> 96-142 MB in that measurement. The JVM's G1 does the same when
 * idle (G1PeriodicGCInterval). Quiet means the event loop was busy under 5 % of the last 15 s on
 * average (a periodic second of work, a sweep or a heartbeat, does not reset the wait), so
 * the collection (a compacting one: 54-80 ms with 10,000 keys) meets at most the rare request that arrives during
 * it, and pauses shorter than 15 s never trigger it: the pages it returns are faulted in again
 * when load comes back. A steady light load never triggers it either (V8's own memory reducer
 * works there). `TOLLGATE_IDLE_MEMORY_RETURN=off` turns it off.
 */
export const idleMemoryReturnSetting = z.enum(['on', 'off']).default('on');

export interface IdleMemoryReturn {
  rssBeforeBytes: number;
  rssAfterBytes: number;
  /** How long the full collection held the thread. */
  collectMs: number;
  /** False where malloc_trim is not available (not glibc): only V8's heap was returned. */
  trimmed: boolean;
}

export interface IdleMemoryReturnOptions {
  /** How often the event loop's busy share is read. */
  checkIntervalMs?: number;
  /** The busy share of an interval below which the thread counts as quiet. */
  quietUtilization?: number;
  /** How long the thread must stay quiet before memory is returned. */
  quietForMs?: number;
  /** Told of each return at debug level. */
  logger?: { debug(fields: object, message: string): void };
}

export function returnMemoryWhenIdle(options: IdleMemoryReturnOptions = {}): { stop(): void } {
  const { checkIntervalMs = 1_000, quietUtilization = 0.05, quietForMs = 15_000 } = options;
  let previous = performance.eventLoopUtilization();
  // True at start: the first quiet spell returns what starting (the snapshot's load) left.
  let busySinceLastReturn = true;
  // The busy share of each of the last intervals that make up `quietForMs`, oldest first.
  const window: number[] = [];
  const windowLength = Math.max(1, Math.round(quietForMs / checkIntervalMs));
  let returning = false;

  const check = () => {
    if (returning) return;
    const current = performance.eventLoopUtilization();
    window.push(performance.eventLoopUtilization(current, previous).utilization);
    previous = current;
    if (window.length > windowLength) window.shift();
    // On average over the window: a timer's second of work (a sweep, a heartbeat) neither
    // postpones the return nor counts as new load.
    const busy = window.reduce((sum, share) => sum + share, 0) / window.length >= quietUtilization;
    if (busy) busySinceLastReturn = true;
    if (busy || window.length < windowLength || !busySinceLastReturn) return;
    busySinceLastReturn = false;
    window.length = 0;
    returning = true;
    const rssBeforeBytes = process.memoryUsage.rss();
    const started = performance.now();
    fullCollection();
    const collectMs = performance.now() - started;
    const done = (trimmed: boolean) => {
      returning = false;
      // The next interval starts now: the collection's own time is not load.
      previous = performance.eventLoopUtilization();
      const report: IdleMemoryReturn = { rssBeforeBytes, rssAfterBytes: process.memoryUsage.rss(), collectMs, trimmed };
      options.logger?.debug(report, 'returned memory while quiet');
    };
    const trim = mallocTrim();
    if (trim) trim.async(0, () => done(true));
    else done(false);
  };
  const timer = setInterval(check, checkIntervalMs).unref();
  return { stop: () => clearInterval(timer) };
}

let collect: (() => void) | undefined;

/**
 * A full collection of this thread's isolate that compacts every page: V8's `gc`, exposed in a
 * context of its own, under `--compact-on-every-full-gc` for that one call. A plain full collection
 * evacuates only the pages its heuristics pick: a data plane thread after the bench's load kept
 * 46 MB of old space committed for 21 MB live, and with a page compacted all of it goes back
 * (a fragmented 78 MB heap with 12 MB live: 78 -> 13 MB committed, RSS 159 -> 91 MB).
 */
function fullCollection(): void {
  if (!collect) {
    setFlagsFromString('--expose-gc');
    collect = runInNewContext('gc') as () => void;
  }
  setFlagsFromString('--compact-on-every-full-gc');
  try {
    collect();
  } finally {
    setFlagsFromString('--no-compact-on-every-full-gc');
  }
}

interface MallocTrim {
  /** Runs on a libuv pool thread: the trim (about 2-8 ms) never holds the event loop. */
  async(pad: number, callback: (error: unknown, released: number) => void): void;
}

let trimFunction: MallocTrim | null | undefined;

/** glibc's malloc_trim through koffi, or null where there is none (musl, macOS, Windows). */
function mallocTrim(): MallocTrim | null {
  if (trimFunction === undefined) {
    trimFunction = null;
    if (process.platform === 'linux') {
      try {
        const koffi = createRequire(import.meta.url)('koffi') as { load(path: string): { func(signature: string): MallocTrim } };
        trimFunction = koffi.load('libc.so.6').func('int malloc_trim(size_t)');
      } catch {
        // Not glibc: its allocator keeps what it keeps; V8's heap is still returned.
      }
    }
  }
  return trimFunction;
}
