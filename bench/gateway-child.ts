/**
 * The gateway under test, in its own process so its CPU and RSS can be read from /proc and the
 * load generator never shares its event loop. Started by bench/main.ts with `fork` (IPC), config
 * in BENCH_GATEWAY (JSON). It is the real data plane (startDataPlane); only the wiring differs from
 * data-plane/main.ts: the bench hands it the snapshot (a file) and, on the in-process bus, drains
 * usage events as a control plane would.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';
import { MessageChannel, Worker } from 'node:worker_threads';
import { embeddedWorkerOptions } from '../control-plane/embedded-worker-options.ts';
import { startDataPlane } from '../data-plane/app.ts';
import { silentLogger } from '../data-plane/logger.ts';
import { createRedisCooldownStore } from '../data-plane/routing/redis-cooldown-store.ts';
import { prepareTokenizer } from '../data-plane/tokenizer/count-tokens.ts';
import { createBus } from '../shared/bus/create-bus.ts';
import { serveBus } from '../shared/bus/port-bus.ts';
import { createSecretBox, parseSecretKeys } from '../shared/crypto/secret-box.ts';
import { returnMemoryWhenIdle } from '../shared/runtime/idle-memory-return.ts';
import { createSnapshotSigner } from '../shared/snapshot/signature.ts';

export interface GatewayChildConfig {
  snapshotFile: string;
  secretKey: string;
  redisUrl?: string;
  busPrefix: string;
  upstreamConnections?: number;
  /** The version the file's snapshot is published at (default 1). */
  snapshotVersion?: number;
  /**
   * The embedded default (npm start's wiring): the real control plane in a worker thread
   * (control-plane/embedded-worker.ts) on PGlite in `dataDir`, served the in-process bus over a
   * MessagePort, storing every usage event. Its own snapshot (a lower version) never replaces
   * the bench's.
   */
  embedded?: { dataDir: string; adminKey: string };
}

/** IPC messages the child understands. */
export type GatewayCommand =
  | { type: 'apply'; file: string | null; version: number }
  | { type: 'stop' }
  | { type: 'usage' }
  | { type: 'profile-start' }
  | { type: 'profile-stop'; file: string }
  | { type: 'heap-start' }
  | { type: 'heap-stop'; file: string }
  | { type: 'memory' };

const config = JSON.parse(process.env.BENCH_GATEWAY ?? '{}') as GatewayChildConfig;
const bus = createBus({ redisUrl: config.redisUrl, prefix: config.busPrefix });
let usageEvents = 0;
const consumer =
  bus.kind === 'memory' && !config.embedded
    ? bus.consumeUsage('bench', async (events) => {
        usageEvents += events.length;
      })
    : null;

// Signed as the control plane signs: data planes refuse anything else.
const signer = createSnapshotSigner(parseSecretKeys(config.secretKey));
{
  // In a block: the bench's gateway must not keep the 4 MB text alive (a data plane does not).
  const initial = await readFile(config.snapshotFile, 'utf8');
  await bus.publishSnapshot({ version: config.snapshotVersion ?? 1, json: initial, signature: signer.sign(initial) });
}
// On Redis a data plane admits only once a control plane has seeded the money counters (the
// epoch key; docs/money.md); until then it runs on its local share, in memory. The bench has no
// control plane and a fresh prefix, so it seeds them as one would with an empty ledger:
// without this the "Redis" gateway counted limits and budgets in memory.
await bus.moneyEpoch?.reseed([]);
const embedded = config.embedded ? await startEmbeddedControlPlane(config.embedded) : null;

async function startEmbeddedControlPlane(options: { dataDir: string; adminKey: string }) {
  const channel = new MessageChannel();
  // The control plane's own (empty) config must not replace the bench's snapshot: its publications
  // are accepted and dropped; everything else (usage, heartbeats) is the real bus.
  const served = serveBus({ ...bus, publishSnapshot: async () => true }, channel.port1);
  const file = new URL(`../control-plane/embedded-worker.${import.meta.url.endsWith('.ts') ? 'ts' : 'js'}`, import.meta.url);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TOLLGATE_DATA_DIR: options.dataDir,
    CONTROL_PLANE_PORT: '0',
    TOLLGATE_ADMIN_KEY: options.adminKey,
    TOLLGATE_SECRET_KEY: config.secretKey,
  };
  for (const name of ['DATABASE_URL', 'REDIS_URL']) delete env[name];
  const worker = new Worker(file, embeddedWorkerOptions(channel.port2, env));
  const ready = await new Promise<{ type: string; reason?: string }>((resolve) =>
    worker.on('message', (m: { type: string }) => (m.type === 'ready' || m.type === 'failed') && resolve(m)),
  );
  if (ready.type !== 'ready') throw new Error(`embedded control plane failed: ${ready.reason}`);
  return {
    /** The worker's V8 heap, in bytes (embedded-worker.ts answers `memory`). */
    heap() {
      return new Promise<{ heapUsedBytes: number; heapCommittedBytes: number }>((resolve) => {
        const onMessage = (m: { type: string; heapUsedBytes: number; heapCommittedBytes: number }) => {
          if (m.type !== 'memory') return;
          worker.off('message', onMessage);
          resolve(m);
        };
        worker.on('message', onMessage);
        worker.postMessage({ type: 'memory' });
      });
    },
    async stop() {
      const stopped = new Promise((resolve) => worker.on('message', (m: { type: string }) => m.type === 'stopped' && resolve(m)));
      worker.postMessage({ type: 'stop' });
      await Promise.race([stopped, new Promise((resolve) => worker.once('exit', resolve))]);
      await served.close();
    },
  };
}
const plane = await startDataPlane({
  bus,
  host: '127.0.0.1',
  port: 0,
  secretBox: createSecretBox(parseSecretKeys(config.secretKey)),
  maxBodyBytes: 4 * 1024 * 1024,
  snapshotPollIntervalMs: 0,
  // Limits, budgets and credits on Redis too (as every data plane of a fleet has them), not in memory.
  redisUrl: config.redisUrl,
  keyPrefix: config.busPrefix,
  upstream: config.upstreamConnections ? { connectionsPerOrigin: config.upstreamConnections } : undefined,
  // Cooldowns shared through Redis, as data-plane/main.ts wires them (options-from-config.ts).
  routing: config.redisUrl
    ? { cooldownStore: createRedisCooldownStore({ redis: config.redisUrl, prefix: config.busPrefix, logger: silentLogger }) }
    : undefined,
});
// As data-plane/main.ts and main.ts run it (TOLLGATE_IDLE_MEMORY_RETURN, on by default).
if (process.env.TOLLGATE_IDLE_MEMORY_RETURN !== 'off') returnMemoryWhenIdle();
// As data-plane/main.ts and main.ts prepare the tokenizer: in slices, once listening.
prepareTokenizer().catch((error: unknown) => console.error('tokenizer not prepared:', error));
process.send!({ type: 'ready', port: plane.port, bus: bus.kind, snapshotVersion: plane.snapshotVersion() });

process.on('message', (message: GatewayCommand) => {
  if (message.type === 'stop') void stop();
  else if (message.type === 'memory') void memory();
  else if (message.type === 'usage') process.send!({ type: 'usage', events: usageEvents });
  else if (message.type === 'apply') void apply(message.file, message.version);
  else if (message.type === 'profile-start') void cpuProfile.start();
  else if (message.type === 'profile-stop') void cpuProfile.stop(message.file);
  else if (message.type === 'heap-start') void heapProfile.start();
  else if (message.type === 'heap-stop') void heapProfile.stop(message.file);
});

/**
 * A profile recorded through the inspector between a start and a stop command, written to a file:
 * the steady state only, not start-up, module loading and the snapshot's compile.
 */
function inspectorRecording(
  begin: (session: Session) => Promise<void>,
  end: (session: Session) => Promise<{ profile: unknown }>,
  replies: { started: string; written: string },
) {
  let session: Session | null = null;
  return {
    async start(): Promise<void> {
      session = new Session();
      session.connect();
      await begin(session);
      process.send!({ type: replies.started });
    },
    async stop(file: string): Promise<void> {
      const { profile } = await end(session!);
      session!.disconnect();
      session = null;
      await writeFile(file, JSON.stringify(profile));
      process.send!({ type: replies.written, file });
    },
  };
}

/** V8's sampling profiler, what `node --cpu-prof` uses (bench/profile.ts). */
const cpuProfile = inspectorRecording(
  async (session) => {
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 100 });
    await session.post('Profiler.start');
  },
  (session) => session.post('Profiler.stop'),
  { started: 'profiling', written: 'profiled' },
);

/**
 * V8's sampling heap profiler, counting what minor and major collections reclaimed too: the bytes
 * each function allocates per request, whatever the machine's load (bench/heap-profile.ts).
 */
const heapProfile = inspectorRecording(
  async (session) => {
    await session.post('HeapProfiler.enable');
    await session.post('HeapProfiler.startSampling', {
      samplingInterval: 4096,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: true,
    });
  },
  (session) => session.post('HeapProfiler.stopSampling'),
  { started: 'heap-sampling', written: 'heap-sampled' },
);

/**
 * Times a snapshot apply until the plane serves `version`, with the event loop's longest block
 * over that window (what any request in flight waited at most) and over the second before it
 * (the noise floor: the same load without an apply). With `file`, the snapshot is published here,
 * on the plane's own in-process bus; without, the bench publishes it on Redis once this child
 * says `apply-ready`: a data plane never writes the snapshot it reads, and 4 MB written to Redis
 * from this event loop would be counted as the plane's stall.
 */
async function apply(file: string | null, version: number): Promise<void> {
  // Read and signed before the window: signing is the control plane's work, not the data plane's.
  const json = file ? await readFile(file, 'utf8') : null;
  const signature = json ? signer.sign(json) : null;
  const control = monitorEventLoopDelay({ resolution: 1 });
  control.enable();
  await new Promise((resolve) => setTimeout(resolve, 1000));
  control.disable();
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  // The histogram records from its second tick on: let it tick before the apply can block.
  await new Promise((resolve) => setTimeout(resolve, 20));
  const started = performance.now();
  process.send!({ type: 'apply-ready', version });
  if (json) await bus.publishSnapshot({ version, json, signature });
  // Polled on a timer, not spun on setImmediate: a spinning wait keeps busy the very loop it measures.
  while (plane.snapshotVersion() !== version) await new Promise((resolve) => setTimeout(resolve, 1));
  const applyMs = performance.now() - started;
  // One more turn so the block that ended the apply is recorded.
  await new Promise((resolve) => setTimeout(resolve, 5));
  delay.disable();
  process.send!({ type: 'applied', version, applyMs, maxLoopDelayMs: delay.max / 1e6, controlLoopDelayMs: control.max / 1e6 });
}

/** Each thread's V8 heap (committed bytes): the rest of the RSS is native (PGlite, code, malloc). */
async function memory(): Promise<void> {
  const heap = getHeapStatistics();
  const worker = await embedded?.heap();
  process.send!({
    type: 'memory',
    mainHeapBytes: heap.total_heap_size,
    mainHeapUsedBytes: heap.used_heap_size,
    workerHeapBytes: worker?.heapCommittedBytes ?? null,
    workerHeapUsedBytes: worker?.heapUsedBytes ?? null,
  });
}

async function stop(): Promise<void> {
  await plane.close();
  await consumer?.stop();
  await embedded?.stop();
  await bus.close();
  // process.exit (not a signal) so --cpu-prof writes its profile.
  process.exit(0);
}
process.on('SIGTERM', () => void stop());
