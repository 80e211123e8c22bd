/**
 * A control plane for the propagation and ingestion measurements, in its own process (fork, IPC;
 * config in BENCH_CONTROL_PLANE). Its database holds a team with `keys` API keys, so every
 * snapshot it compiles and every data plane parses is 10,000-key sized. Without Redis it also
 * runs the one data plane that can share its in-process bus.
 */
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { ensureFirstRun } from '../control-plane/bootstrap/first-run.ts';
import { openDatabase } from '../control-plane/db/open-database.ts';
import { startControlPlane } from '../control-plane/server.ts';
import { startDataPlane } from '../data-plane/app.ts';
import { createBus } from '../shared/bus/create-bus.ts';
import { createSecretBox, parseSecretKeys } from '../shared/crypto/secret-box.ts';
import { hashSecret } from '../shared/keys/api-key.ts';
import { cpuMicros, machineBusyMicros } from './proc-stats.ts';
import { ROOT, waitForMessage } from './processes.ts';
import type { UsagePublisherConfig } from './usage-publisher-child.ts';
import { benchUsageEvents, publishInBatches } from './usage-publishing.ts';

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

/**
 * Publishes `count` usage events as data planes would and waits until the consumer has stored
 * every one in the database. On Redis the events come from their own process
 * (usage-publisher-child.ts), as they come from data planes; the in-process bus can only be
 * published to from here. The clock runs from the first publish to the last stored row. Stored is
 * watched on the bus, not in the database: the backlog (pending + undelivered) reaching zero means
 * every event was acknowledged, which happens after its commit; one count(*) then confirms it.
 * (Polling count(*) every few ms made PostgreSQL count a growing table beside the inserts it was
 * timing.)
 */
async function ingest(count: number): Promise<void> {
  const before = await database.prisma.usageEvent.count();
  const publishing = bus.kind === 'redis' ? await publisherProcess(count) : publishHere(count);
  const databaseBefore = await databaseCpu();
  const cpuBefore = process.cpuUsage();
  const machineBefore = machineBusyMicros();
  const started = performance.now();
  const published = publishing.go();
  for (;;) {
    const backlog = await bus.usageBacklog();
    // lag is null where Redis cannot tell (before 7.0): the count decides alone then.
    if (backlog.pending === 0 && (backlog.lag ?? 0) === 0 && (await database.prisma.usageEvent.count()) >= before + count) break;
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  const totalMs = performance.now() - started;
  const machineBusyMs = (machineBusyMicros() - machineBefore) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  let databaseMicros = 0;
  for (const [pid, after] of await databaseCpu()) databaseMicros += after - (databaseBefore.get(pid) ?? 0);
  const { publishMs } = await published;
  const perThousand = (micros: number) => micros / 1000 / (count / 1000);
  process.send!({
    type: 'ingested',
    count,
    publishMs,
    totalMs,
    eventsPerSecond: count / (totalMs / 1000),
    controlPlaneCpuMs: perThousand(cpu.user + cpu.system),
    databaseCpuMs: config.databaseUrl ? perThousand(databaseMicros) : null,
    machineBusyShare: machineBusyMs / (totalMs * availableParallelism()),
  });
}

/** User + system CPU (us) of the PostgreSQL backends serving this database, by pid (none on PGlite: it runs in this process). */
async function databaseCpu(): Promise<Map<number, number>> {
  if (!config.databaseUrl) return new Map();
  const rows = await database.prisma.$queryRawUnsafe<{ pid: number }[]>(
    `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND backend_type = 'client backend'`,
  );
  return new Map(rows.map((r) => [r.pid, cpuMicros(r.pid)]));
}

type Publishing = { go(): Promise<{ publishMs: number }> };

function publishHere(count: number): Publishing {
  const events = benchUsageEvents(team.id, count);
  return { go: () => publishInBatches(bus, events) };
}

async function publisherProcess(count: number): Promise<Publishing> {
  const publisherConfig: UsagePublisherConfig = { redisUrl: config.redisUrl!, prefix: config.busPrefix, teamId: team.id, count };
  const child = fork(path.join(ROOT, 'bench/usage-publisher-child.ts'), [], {
    cwd: ROOT,
    env: { ...process.env, BENCH_USAGE_PUBLISHER: JSON.stringify(publisherConfig) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  await waitForMessage(child, 'ready');
  return {
    go() {
      child.send({ type: 'go' });
      return waitForMessage<{ publishMs: number }>(child, 'published');
    },
  };
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
