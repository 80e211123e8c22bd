import type { MessagePort, WorkerOptions } from 'node:worker_threads';

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
    resourceLimits: { maxYoungGenerationSizeMb: 6 },
    ...(env ? { env } : {}),
  };
}
