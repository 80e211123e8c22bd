import { pino } from 'pino';
import { createBus } from '../shared/bus/create-bus.ts';
import { createSecretBox } from '../shared/crypto/secret-box.ts';
import { resolveSecretKeys } from '../shared/crypto/secret-key-file.ts';
import { startDataPlane } from './app.ts';
import { loadDataPlaneEnv } from './env.ts';

/** Wiring only: environment -> bus -> data plane, and a clean stop on SIGINT/SIGTERM. */
async function main(): Promise<void> {
  const config = loadDataPlaneEnv();
  const logger = pino({ level: config.logLevel, base: { plane: 'data' } });
  const bus = createBus({ redisUrl: config.redisUrl, prefix: config.busPrefix });
  if (bus.kind === 'memory') logger.warn('no REDIS_URL: using the in-process bus, which no separate control plane can reach');
  const plane = await startDataPlane({
    bus,
    host: config.host,
    port: config.port,
    secretBox: createSecretBox(resolveSecretKeys(config.secretKey, config.dataDir)),
    maxBodyBytes: config.maxBodyBytes,
    redisUrl: config.redisUrl,
    keyPrefix: config.busPrefix,
    limitsLocalShare: config.limitsLocalShare,
    logger,
  });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'data plane stopping');
    await plane.close();
    await bus.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error('data plane failed to start:', error);
  process.exit(1);
});
