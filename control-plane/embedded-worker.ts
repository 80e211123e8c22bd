/**
 * The control plane of `npm start`, in a worker thread of the one process (main.ts starts it):
 * Prisma on PGlite, usage ingestion and GraphQL run on this thread's event loop, never on the
 * data plane's. It talks to the data plane through the Bus contract only: the in-process bus
 * served by the main thread over a MessagePort (shared/bus/port-bus.ts), or Redis when REDIS_URL
 * is set, exactly as when the planes run as separate processes.
 */
import { getHeapStatistics } from 'node:v8';
import { type MessagePort, parentPort, workerData } from 'node:worker_threads';
import { createBus } from '../shared/bus/create-bus.ts';
import { createPortBus } from '../shared/bus/port-bus.ts';
import { returnMemoryWhenIdle } from '../shared/runtime/idle-memory-return.ts';
import { readControlPlaneEnv } from './env.ts';
import { startControlPlaneFromEnv } from './start.ts';
import { describeStartupFailure } from './startup-errors.ts';

/** What the worker tells the main thread. */
export type EmbeddedWorkerMessage =
  | { type: 'ready'; url: string; databaseKind: 'postgres' | 'pglite'; createdAdminKey: string | null; createdDemoKey: string | null }
  | { type: 'failed'; reason: string }
  | { type: 'stopped' }
  /** The answer to `{ type: 'memory' }` (the bench reads it): this thread's V8 heap, in bytes. */
  | { type: 'memory'; heapUsedBytes: number; heapCommittedBytes: number };

const port = parentPort!;
const env = readControlPlaneEnv();
const bus = env.REDIS_URL
  ? createBus({ redisUrl: env.REDIS_URL, prefix: env.TOLLGATE_BUS_PREFIX })
  : createPortBus((workerData as { busPort: MessagePort }).busPort);
const post = (message: EmbeddedWorkerMessage) => port.postMessage(message);

try {
  // The main thread names its data plane once it listens: the console's playground forwards there.
  let dataPlaneUrl: string | undefined;
  const control = await startControlPlaneFromEnv(env, bus, () => dataPlaneUrl);
  const idleMemory = env.TOLLGATE_IDLE_MEMORY_RETURN === 'on' ? returnMemoryWhenIdle() : null;
  post({
    type: 'ready',
    url: control.controlPlane.url,
    databaseKind: control.databaseKind,
    createdAdminKey: control.firstRun.createdAdminKey ?? null,
    createdDemoKey: control.firstRun.createdDemoKey ?? null,
  });
  port.on('message', (message: { type: 'stop' } | { type: 'data-plane'; url: string } | { type: 'memory' }) => {
    if (message.type === 'data-plane') dataPlaneUrl = message.url;
    if (message.type === 'memory') post({ type: 'memory', ...heapBytes() });
    if (message.type !== 'stop') return;
    void (async () => {
      try {
        idleMemory?.stop();
        await control.close();
      } finally {
        await bus.close();
        post({ type: 'stopped' });
        port.close();
      }
    })();
  });
} catch (error) {
  await bus.close();
  post({ type: 'failed', reason: describeStartupFailure(error) });
  port.close();
}

function heapBytes() {
  const heap = getHeapStatistics();
  return { heapUsedBytes: heap.used_heap_size, heapCommittedBytes: heap.total_heap_size };
}
