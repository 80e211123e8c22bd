/**
 * A control plane for the propagation and ingestion measurements, in its own process (fork, IPC;
 * config in BENCH_CONTROL_PLANE). Its database holds a team with `keys` API keys, so every
 * snapshot it compiles and every data plane parses is 10,000-key sized. Without Redis it also
 * runs the one data plane that can share its in-process bus.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { ensureFirstRun } from '../control-plane/bootstrap/first-run.ts';
import { openDatabase } from '../control-plane/db/open-database.ts';
import { startControlPlane } from '../control-plane/server.ts';
import { startDataPlane } from '../data-plane/app.ts';
import { createBus } from '../shared/bus/create-bus.ts';
import { createSecretBox, parseSecretKeys } from '../shared/crypto/secret-box.ts';
import { hashSecret } from '../shared/keys/api-key.ts';
import { usageEvent } from '../test/support/usage-events.ts';

export interface ControlPlaneChildConfig {
  adminKey: string;
  secretKey: string;
  busPrefix: string;
  keys: number;
  redisUrl?: string;
  databaseUrl?: string;
}

const config = JSON.parse(process.env.BENCH_CONTROL_PLANE ?? '{}') as ControlPlaneChildConfig;
const schema = config.databaseUrl ? `bench_${randomBytes(6).toString('hex')}` : undefined;
const database = await openDatabase(config.databaseUrl ? { databaseUrl: config.databaseUrl, schema } : { dataDir: 'memory://' });
const firstRun = await ensureFirstRun(database.prisma, config.adminKey);
const team = await database.prisma.team.create({ data: { name: 'Bench', slug: 'bench' } });
for (let from = 0; from < config.keys; from += 2000) {
  await database.prisma.apiKey.createMany({
    data: Array.from({ length: Math.min(2000, config.keys - from) }, (_, i) => ({
      teamId: team.id,
      name: `key ${from + i}`,
      prefix: `tg_bench${from + i}`,
      hash: hashSecret(`tg_bench_cp_${from + i}`),
      allowedModels: [],
    })),
  });
}
const bus = createBus({ redisUrl: config.redisUrl, prefix: config.busPrefix });
const secretBox = createSecretBox(parseSecretKeys(config.secretKey));
const controlPlane = await startControlPlane({
  prisma: database.prisma,
  ledger: database.ledger,
  bus,
  secretBox,
  adminKeyHash: firstRun.adminKeyHash,
  host: '127.0.0.1',
  port: 0,
  consumerName: 'bench',
});
const inProcess =
  bus.kind === 'memory' ? await startDataPlane({ bus, host: '127.0.0.1', port: 0, secretBox, maxBodyBytes: 1 << 20, snapshotPollIntervalMs: 0 }) : null;
process.send!({ type: 'ready', url: controlPlane.url, inProcessDataPlanePort: inProcess?.port ?? null, teamId: team.id });

process.on('message', (message: { type: string; count?: number }) => {
  if (message.type === 'ingest') void ingest(message.count ?? 10_000);
  if (message.type === 'stop') void stop();
});

/** Events per hand-over to the bus: one XADD pipeline each on Redis, as a data plane hands over a turn's events. */
const PUBLISH_BATCH = 500;

/**
 * Publishes `count` usage events as data planes would (a separate bus connection when on Redis,
 * batches of PUBLISH_BATCH) and waits until the consumer has stored every one in the database.
 * The clock runs from the first publish to the last stored row. Stored is watched on the bus, not
 * in the database: the backlog (pending + undelivered) reaching zero means every event was
 * acknowledged, which happens after its commit; one count(*) then confirms it. (Polling count(*)
 * every few ms made PostgreSQL count a growing table beside the inserts it was timing.)
 */
async function ingest(count: number): Promise<void> {
  const publisher = bus.kind === 'redis' ? createBus({ redisUrl: config.redisUrl, prefix: config.busPrefix }) : bus;
  const before = await database.prisma.usageEvent.count();
  const events = Array.from({ length: count }, () => usageEvent(team.id, 'bench-key'));
  const started = performance.now();
  for (let from = 0; from < count; from += PUBLISH_BATCH) await publisher.publishUsageBatch(events.slice(from, from + PUBLISH_BATCH));
  const publishMs = performance.now() - started;
  for (;;) {
    const backlog = await bus.usageBacklog();
    // lag is null where Redis cannot tell (before 7.0): the count decides alone then.
    if (backlog.pending === 0 && (backlog.lag ?? 0) === 0 && (await database.prisma.usageEvent.count()) >= before + count) break;
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  const totalMs = performance.now() - started;
  if (publisher !== bus) await publisher.close();
  process.send!({ type: 'ingested', count, publishMs, totalMs, eventsPerSecond: count / (totalMs / 1000) });
}

async function stop(): Promise<void> {
  await inProcess?.close();
  await controlPlane.close();
  await bus.close();
  await database.close();
  if (config.databaseUrl && schema) {
    const client = new pg.Client({ connectionString: config.databaseUrl });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
  }
  process.exit(0);
}
process.on('SIGTERM', () => void stop());
