import { createBus } from '../shared/bus/create-bus.ts';
import { createSecretBox } from '../shared/crypto/secret-box.ts';
import { resolveSecretKeys } from '../shared/crypto/secret-key-file.ts';
import { returnMemoryWhenIdle } from '../shared/runtime/idle-memory-return.ts';
import { startDataPlane } from './app.ts';
import { loadDataPlaneEnv } from './env.ts';
import { createLogger } from './logger.ts';
import { dataPlaneOptionsFrom } from './options-from-config.ts';
import { prepareTokenizer } from './tokenizer/count-tokens.ts';

/** Wiring only: environment -> bus -> data plane, and a clean stop on SIGINT/SIGTERM. */
async function main(): Promise<void> {
  const config = loadDataPlaneEnv();
  const logger = createLogger(config.logLevel, { plane: 'data' });
  let lastBusError = '';
  const bus = createBus({
    redisUrl: config.redisUrl,
    prefix: config.busPrefix,
    // Reconnects are ioredis's job; log each distinct error once, not every retry.
    onConnectionError: (error) => {
      if (error.message === lastBusError) return;
      lastBusError = error.message;
      logger.warn({ err: error }, 'redis connection error; serving from the current snapshot (degraded: redis_down)');
    },
  });
  if (bus.kind === 'memory') logger.warn('no REDIS_URL: using the in-process bus, which no separate control plane can reach');
  const plane = await startDataPlane(
    dataPlaneOptionsFrom(config, { bus, secretBox: createSecretBox(resolveSecretKeys(config.secretKey, config.dataDir, config.secretKeyKdf)), logger }),
  );
  if (config.idleMemoryReturn) returnMemoryWhenIdle({ logger });
  prepareTokenizer().catch((error: unknown) => logger.warn({ err: error }, 'tokenizer not prepared: the first count builds it'));

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    // Drain: /readyz turns 503 now, new requests are refused, in-flight ones finish up to the
    // deadline, and every usage event is handed to the bus before the bus closes.
    logger.info({ signal, drainTimeoutMs: config.drainTimeoutMs }, 'data plane draining');
    try {
      await plane.drain(config.drainTimeoutMs);
    } finally {
      await plane.close();
      await bus.close();
    }
    logger.info('data plane stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error('data plane failed to start:', error);
  process.exit(1);
});
