import { createBus } from '../shared/bus/create-bus.ts';
import { returnMemoryWhenIdle } from '../shared/runtime/idle-memory-return.ts';
import { readControlPlaneEnv } from './env.ts';
import { startControlPlaneFromEnv } from './start.ts';
import { describeStartupFailure } from './startup-errors.ts';

// The control plane alone, as compose.yaml runs it. Without REDIS_URL no data plane could reach
// it, so the standalone form requires Redis; `npm start` runs both planes in one process instead.
const env = readControlPlaneEnv();
if (!env.REDIS_URL) {
  console.error('npm run control-plane needs REDIS_URL (the data planes talk to it over Redis). Use `npm start` for the embedded single-process setup.');
  process.exit(1);
}
let lastBusError = '';
const bus = createBus({
  redisUrl: env.REDIS_URL,
  prefix: env.TOLLGATE_BUS_PREFIX,
  claimIdleMs: env.TOLLGATE_USAGE_CLAIM_IDLE_MS,
  // ioredis reconnects by itself; report each distinct error once instead of every retry.
  onConnectionError: (error) => {
    if (error.message !== lastBusError) console.error(`redis connection error: ${(lastBusError = error.message)}`);
  },
});
const started = await startControlPlaneFromEnv(env, bus).catch(async (error: unknown) => {
  console.error(`control plane failed to start: ${describeStartupFailure(error)}`);
  await bus.close();
  process.exit(1);
});
console.log(`Tollgate control plane: GraphQL at ${started.controlPlane.url} (${started.databaseKind})`);
if (started.firstRun.createdAdminKey) console.log(`Admin key (shown once): ${started.firstRun.createdAdminKey}`);
if (started.firstRun.createdDemoKey) console.log(`Demo team API key (shown once): ${started.firstRun.createdDemoKey}`);
if (env.TOLLGATE_IDLE_MEMORY_RETURN === 'on') returnMemoryWhenIdle();

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, async () => {
    await started.close();
    await bus.close();
    process.exit(0);
  });
}
