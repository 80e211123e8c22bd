/**
 * `npm start`: both planes in one process on the embedded defaults (PGlite under .tollgate/,
 * the in-process bus), or on PostgreSQL / Redis when DATABASE_URL / REDIS_URL are set. The data
 * plane runs on this thread; the control plane (database, ingestion, GraphQL) in a worker thread
 * (control-plane/embedded-worker.ts), so request handling never waits behind database work. The
 * planes talk through the Bus contract: the in-process bus lives here and is served to the
 * worker over a MessagePort (shared/bus/port-bus.ts), or both use Redis.
 */
import { MessageChannel, Worker } from 'node:worker_threads';
import type { EmbeddedWorkerMessage } from './control-plane/embedded-worker.ts';
import { embeddedWorkerOptions } from './control-plane/embedded-worker-options.ts';
import { readControlPlaneEnv } from './control-plane/env.ts';
import { startDataPlane } from './data-plane/app.ts';
import { loadDataPlaneEnv } from './data-plane/env.ts';
import { createLogger } from './data-plane/logger.ts';
import { dataPlaneOptionsFrom } from './data-plane/options-from-config.ts';
import { prepareTokenizer } from './data-plane/tokenizer/count-tokens.ts';
import { createBus } from './shared/bus/create-bus.ts';
import { serveBus } from './shared/bus/port-bus.ts';
import { createSecretBox } from './shared/crypto/secret-box.ts';
import { resolveSecretKeys } from './shared/crypto/secret-key-file.ts';
import { returnMemoryWhenIdle } from './shared/runtime/idle-memory-return.ts';

const controlEnv = readControlPlaneEnv();
const dataEnv = loadDataPlaneEnv();
const logger = createLogger(dataEnv.logLevel);
const bus = createBus({ redisUrl: controlEnv.REDIS_URL, prefix: controlEnv.TOLLGATE_BUS_PREFIX });

const channel = new MessageChannel();
const served = serveBus(bus, channel.port1);
// The worker's file sits beside this one's compiled form: .js when built, .ts under tsx (tests).
const workerFile = new URL(`./control-plane/embedded-worker.${import.meta.url.endsWith('.ts') ? 'ts' : 'js'}`, import.meta.url);
const worker = new Worker(workerFile, embeddedWorkerOptions(channel.port2));
const workerMessage = (type: EmbeddedWorkerMessage['type']) =>
  new Promise<EmbeddedWorkerMessage>((resolve) => {
    const onMessage = (message: EmbeddedWorkerMessage) => {
      if (message.type !== type && message.type !== 'failed') return;
      worker.off('message', onMessage);
      resolve(message);
    };
    worker.on('message', onMessage);
  });
let stopping = false;
worker.on('exit', (code) => {
  if (stopping) return;
  console.error(`control plane stopped unexpectedly (worker exit code ${code})`);
  process.exit(1);
});
worker.on('error', (error) => {
  console.error(`control plane failed: ${error.stack ?? String(error)}`);
  process.exit(1);
});
const ready = await workerMessage('ready');
if (ready.type !== 'ready') {
  console.error(`control plane failed to start: ${ready.type === 'failed' ? ready.reason : 'unknown'}`);
  process.exit(1);
}
const data = await startDataPlane({
  ...dataPlaneOptionsFrom(dataEnv, {
    bus,
    secretBox: createSecretBox(resolveSecretKeys(controlEnv.TOLLGATE_SECRET_KEY, controlEnv.TOLLGATE_DATA_DIR, controlEnv.TOLLGATE_SECRET_KEY_KDF)),
    logger: logger.child({ plane: 'data' }),
  }),
  // The control plane runs in this very process: there is no outage of it for a disk copy to outlive.
  snapshotDir: undefined,
});
// This thread's heap; the control plane's worker returns its own (embedded-worker.ts).
if (dataEnv.idleMemoryReturn) returnMemoryWhenIdle({ logger });
prepareTokenizer().catch((error: unknown) => logger.warn({ err: error }, 'tokenizer not prepared: the first count builds it'));

const dataPlaneBase = `http://${dataEnv.host}:${data.port}`;
const dataUrl = `${dataPlaneBase}/v1`;
// The console's playground (control plane) forwards chats to this data plane.
worker.postMessage({ type: 'data-plane', url: dataPlaneBase });
const consoleUrl = ready.url.replace(/\/graphql$/, '/');
const { createdAdminKey, createdDemoKey } = ready;
const lines = [
  '',
  'Tollgate is running',
  `  Web console:             ${consoleUrl}`,
  `  GraphQL (control plane): ${ready.url}   [${ready.databaseKind}, ${bus.kind} bus]`,
  `  OpenAI-compatible API:   ${dataUrl}`,
  createdAdminKey
    ? `  Admin key (shown once, keep it): ${createdAdminKey}`
    : controlEnv.TOLLGATE_ADMIN_KEY
      ? '  Admin key: the value of TOLLGATE_ADMIN_KEY'
      : '  Admin key: printed at the first start (only its hash is stored); set TOLLGATE_ADMIN_KEY to choose one',
];
if (createdDemoKey) {
  lines.push(
    `  Demo team API key (shown once): ${createdDemoKey}`,
    '',
    '  Try it:',
    `  curl ${dataUrl}/chat/completions -H "Authorization: Bearer ${createdDemoKey}" -H "Content-Type: application/json" -d '{"model":"demo","messages":[{"role":"user","content":"Hello"}]}'`,
  );
} else {
  lines.push(
    '',
    '  Try it (with the demo key printed at the first start, or one from createApiKey):',
    `  curl ${dataUrl}/chat/completions -H "Authorization: Bearer $TOLLGATE_API_KEY" -H "Content-Type: application/json" -d '{"model":"demo","messages":[{"role":"user","content":"Hello"}]}'`,
  );
}
console.log(`${lines.join('\n')}\n`);

async function stop(signal: string) {
  if (stopping) return;
  stopping = true;
  logger.info({ signal, drainTimeoutMs: dataEnv.drainTimeoutMs }, 'draining');
  try {
    // Requests finish (or end at the deadline) and their usage reaches the bus while the control
    // plane still runs, so its consumer stores them before it stops.
    await data.drain(dataEnv.drainTimeoutMs);
    // The in-process bus holds events in memory: let the consumer store them before it stops.
    if (bus.kind === 'memory') {
      const deadline = Date.now() + 5_000;
      while (Date.now() < deadline) {
        const backlog = await bus.usageBacklog();
        if (backlog.pending + (backlog.lag ?? 0) === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    }
  } finally {
    await data.close();
    const stopped = workerMessage('stopped');
    worker.postMessage({ type: 'stop' });
    await Promise.race([stopped, new Promise((resolve) => worker.once('exit', resolve))]);
    await served.close();
    await bus.close();
  }
  process.exit(0);
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
