import type { MessagePort, WorkerOptions } from 'node:worker_threads';

/**
 * The control plane worker's old generation limit, in MB. Far above what it holds (about 60 MB
 * live after the bench's runs: module code, Prisma's query compiler, PGlite's JavaScript side),
 * and it is what V8 sizes the heap's growth by: under a limit of 2 GB or more (node's default on
 * a machine with 8 GB or more) V8 lets the heap grow to up to 4x the live size between full
 * collections, under 512 MB to about 1.4x. The ingestion's promoted garbage then stops at about
 * 70 MB committed instead of 140-150 MB (docs/performance.md). Reaching it ends the worker with
 * ERR_WORKER_OUT_OF_MEMORY, which stops `npm start` with that error.
 */
export const CONTROL_PLANE_WORKER_OLD_GENERATION_MB = 512;

/**
 * How the embedded control plane's worker thread (embedded-worker.ts) is started, by `npm start`
 * (main.ts) and by the bench's embedded gateway alike. Its young generation is kept small: V8
 * gives every isolate 32 MB of semi-spaces by default, and this thread allocates little per
 * second (usage batches, GraphQL), so a scavenge every few MB costs nothing visible while the
 * process keeps about 20 MB less resident (docs/performance.md).
 */
export function embeddedWorkerOptions(busPort: MessagePort, env?: NodeJS.ProcessEnv): WorkerOptions {
  return {
    workerData: { busPort },
    transferList: [busPort],
    resourceLimits: { maxYoungGenerationSizeMb: 6, maxOldGenerationSizeMb: CONTROL_PLANE_WORKER_OLD_GENERATION_MB },
    ...(env ? { env } : {}),
  };
}
