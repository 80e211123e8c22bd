/**
 * One control plane replica for the scale-out ingestion phase (bench/ingestion-replicas.ts), in its
 * own process (fork, IPC; config in BENCH_INGEST_REPLICA). It starts the real control plane on
 * the shared PostgreSQL schema and Redis, holds its usage consumer back until the parent says
 * `go` (so that every replica starts draining the pre-filled stream at once), and reports its
 * CPU time when told to `stop`.
 */
import { openDatabase } from '../control-plane/db/open-database.ts';
import { startControlPlane } from '../control-plane/server.ts';
import type { Bus, UsageConsumer } from '../shared/bus/bus.ts';
import { createRedisBus } from '../shared/bus/redis-bus.ts';
import { createSecretBox, parseSecretKeys } from '../shared/crypto/secret-box.ts';
import { hashSecret } from '../shared/keys/api-key.ts';

export interface IngestReplicaConfig {
  name: string;
  databaseUrl: string;
  schema: string;
  redisUrl: string;
  busPrefix: string;
  secretKey: string;
  adminKey: string;
}

const config = JSON.parse(process.env.BENCH_INGEST_REPLICA ?? '{}') as IngestReplicaConfig;
const database = await openDatabase({ databaseUrl: config.databaseUrl, schema: config.schema });
const bus = createRedisBus({ url: config.redisUrl, prefix: config.busPrefix });

let go: () => void = () => undefined;
const released = new Promise<void>((resolve) => (go = resolve));
/** The bus with its usage consumer started only on `go`. */
const gated: Bus = {
  ...bus,
  consumeUsage(name, handler, hooks) {
    let consumer: UsageConsumer | null = null;
    let stopped = false;
    void released.then(() => {
      if (!stopped) consumer = bus.consumeUsage(name, handler, hooks);
    });
    return {
      async stop() {
        stopped = true;
        await consumer?.stop();
      },
      health: () => consumer?.health?.() ?? { failing: false, groupRecreatedAt: null },
    };
  },
};

const controlPlane = await startControlPlane({
  prisma: database.prisma,
  ledger: database.ledger,
  bus: gated,
  secretBox: createSecretBox(parseSecretKeys(config.secretKey)),
  adminKeyHash: hashSecret(config.adminKey),
  host: '127.0.0.1',
  port: 0,
  consumerName: config.name,
});
const cpuAtStart = process.cpuUsage();
process.send!({ type: 'ready' });

process.on('message', (message: { type: string }) => {
  if (message.type === 'go') go();
  if (message.type === 'stop') void stop();
});

async function stop(): Promise<void> {
  const cpu = process.cpuUsage(cpuAtStart);
  await controlPlane.close();
  await bus.close();
  await database.close();
  process.send!({ type: 'stopped', cpuMicros: cpu.user + cpu.system }, () => process.exit(0));
}
