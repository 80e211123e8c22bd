import { type ChildProcess, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import path from 'node:path';
import pg from 'pg';
import { ensureFirstRun } from '../control-plane/bootstrap/first-run.ts';
import { openDatabase } from '../control-plane/db/open-database.ts';
import type { Bus } from '../shared/bus/bus.ts';
import { createRedisBus } from '../shared/bus/redis-bus.ts';
import { connectRedis } from '../shared/bus/redis-client.ts';
import { busNames } from '../shared/events/bus-names.ts';
import { usageEvent } from '../test/support/usage-events.ts';
import type { IngestReplicaConfig } from './ingestion-replica-child.ts';
import { cpuMicros } from './proc-stats.ts';
import { ROOT, waitForMessage } from './processes.ts';

export interface ReplicaIngestionRun {
  replicas: number;
  events: number;
  /** From `go` (every replica started, the stream full) to the last event committed. */
  drainMs: number;
  eventsPerSecond: number;
  /** CPU time (user + system) of the replicas together, per event stored. */
  cpuMicrosPerEvent: number;
  /** CPU time of their PostgreSQL backends together, per event stored (same clock: go to drained). */
  databaseCpuMicrosPerEvent: number;
}

export interface ReplicaIngestionResult {
  teams: number;
  one: ReplicaIngestionRun;
  two: ReplicaIngestionRun;
  /** two.eventsPerSecond / one.eventsPerSecond; issue 17's target is >= 1.7. */
  ratio: number;
}

const TEAMS = 200;
const ADMIN_KEY = 'tga_bench-ingest-admin-key-0123456789';

/**
 * Scale-out of usage ingestion (issue 17): the usage stream in Redis is filled with `events`
 * events (200 teams, each with a monthly budget, so counters and budget alerts are real work),
 * then one, and in a second run two, control plane processes (the real control plane, compiled,
 * each with its usage consumer in one consumer group) drain it into a fresh PostgreSQL schema.
 */
export async function runIngestionReplicas(args: {
  redisUrl: string;
  databaseUrl: string;
  secretKey: string;
  events: number;
  log: (line: string) => void;
}): Promise<ReplicaIngestionResult> {
  const one = await drain(args, 1);
  args.log(`  1 control plane: ${describe(one)}`);
  const two = await drain(args, 2);
  args.log(`  2 control planes: ${describe(two)}`);
  const ratio = two.eventsPerSecond / one.eventsPerSecond;
  args.log(`  two / one: ${ratio.toFixed(2)}x (target >= 1.7)`);
  return { teams: TEAMS, one, two, ratio };
}

const describe = (run: ReplicaIngestionRun) =>
  `${f(run.eventsPerSecond)} events/s (${run.events} events in ${f(run.drainMs)} ms; CPU per event: control planes ${f(run.cpuMicrosPerEvent)} us, PostgreSQL ${f(run.databaseCpuMicrosPerEvent)} us)`;

/** CPU (us) of the PostgreSQL backends whose connections carry `applicationName`, by pid. */
async function backendCpu(client: pg.Client, applicationName: string): Promise<Map<number, number>> {
  const { rows } = await client.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE application_name = $1`, [applicationName]);
  const cpu = new Map<number, number>();
  for (const { pid } of rows) {
    try {
      cpu.set(pid, cpuMicros(pid));
    } catch {
      // The backend ended meanwhile.
    }
  }
  return cpu;
}

async function drain(args: { redisUrl: string; databaseUrl: string; secretKey: string; events: number }, replicas: number): Promise<ReplicaIngestionRun> {
  const schema = `bench_replicas_${randomBytes(4).toString('hex')}`;
  const busPrefix = `bench-replicas-${randomBytes(4).toString('hex')}`;
  const database = await openDatabase({ databaseUrl: args.databaseUrl, schema });
  // The replicas' connections are named, so their backends' CPU can be read (PostgreSQL on this host).
  const applicationName = `bench-replicas-${randomBytes(4).toString('hex')}`;
  const replicaUrl = `${args.databaseUrl}${args.databaseUrl.includes('?') ? '&' : '?'}application_name=${applicationName}`;
  const observer = new pg.Client({ connectionString: args.databaseUrl });
  await observer.connect();
  const watcher = createRedisBus({ url: args.redisUrl, prefix: busPrefix });
  const children: ChildProcess[] = [];
  try {
    await ensureFirstRun(database.prisma, ADMIN_KEY);
    const teams = Array.from({ length: TEAMS }, (_, i) => `bench-replica-team-${i}`);
    await database.prisma.team.createMany({ data: teams.map((id) => ({ id, name: id, slug: id })) });
    await database.prisma.budget.createMany({
      data: teams.map((id) => ({ scope: 'team', scopeId: id, teamId: id, period: 'monthly', amountMicroUsd: 1_000_000_000n, alertThresholds: [50, 80, 100] })),
    });
    await fill(args.redisUrl, busPrefix, teams, args.events);

    for (let i = 0; i < replicas; i++) {
      const config: IngestReplicaConfig = {
        name: `replica-${i}`,
        databaseUrl: replicaUrl,
        schema,
        redisUrl: args.redisUrl,
        busPrefix,
        secretKey: args.secretKey,
        adminKey: ADMIN_KEY,
      };
      children.push(
        fork(path.join(ROOT, 'dist/bench/ingestion-replica-child.js'), [], {
          cwd: ROOT,
          env: { ...process.env, BENCH_INGEST_REPLICA: JSON.stringify(config), LOG_LEVEL: 'warn' },
          stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
        }),
      );
    }
    await Promise.all(children.map((child) => waitForMessage(child, 'ready')));
    const backendsBefore = await backendCpu(observer, applicationName);
    const started = performance.now();
    for (const child of children) child.send({ type: 'go' });
    await drained(watcher, () => database.prisma.usageEvent.count(), args.events);
    const drainMs = performance.now() - started;
    let databaseCpu = 0;
    for (const [pid, after] of await backendCpu(observer, applicationName)) databaseCpu += after - (backendsBefore.get(pid) ?? 0);
    const stopped = await Promise.all(
      children.map((child) => {
        const reply = waitForMessage<{ cpuMicros: number }>(child, 'stopped', 30_000);
        child.send({ type: 'stop' });
        return reply;
      }),
    );
    const replicaCpu = stopped.reduce((sum, s) => sum + s.cpuMicros, 0);
    return {
      replicas,
      events: args.events,
      drainMs,
      eventsPerSecond: args.events / (drainMs / 1000),
      cpuMicrosPerEvent: replicaCpu / args.events,
      databaseCpuMicrosPerEvent: databaseCpu / args.events,
    };
  } finally {
    for (const child of children) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await once(child, 'exit');
      }
    }
    await observer.end();
    await watcher.close();
    await database.close();
    const client = new pg.Client({ connectionString: args.databaseUrl });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
    const redis = connectRedis(args.redisUrl);
    const names = busNames(busPrefix);
    // One key per DEL: in a cluster the two streams live in different slots.
    await redis.del(names.usageStream);
    await redis.del(names.usageDeadLetterStream);
    redis.disconnect();
  }
}

/**
 * Resolves once every event is stored: the consumer group's backlog (pending + undelivered) is
 * empty, so every entry was acknowledged after its commit, and one count(*) confirms it. Watched
 * on Redis, not by polling count(*): counting a growing table every few ms took PostgreSQL CPU
 * from the inserts being timed.
 */
async function drained(bus: Bus, count: () => Promise<number>, events: number): Promise<void> {
  for (;;) {
    const backlog = await bus.usageBacklog();
    // lag is null where Redis cannot tell (before 7.0): the count decides alone then.
    if (backlog.pending === 0 && (backlog.lag ?? 0) === 0 && (await count()) >= events) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Puts `count` usage events in the stream, 1 000 per round trip, before any consumer reads. */
async function fill(redisUrl: string, busPrefix: string, teams: string[], count: number): Promise<void> {
  const bus = createRedisBus({ url: redisUrl, prefix: busPrefix });
  try {
    for (let from = 0; from < count; from += 1000) {
      await bus.publishUsageBatch(
        Array.from({ length: Math.min(1000, count - from) }, (_, i) => usageEvent(teams[(from + i) % teams.length], `${teams[(from + i) % teams.length]}-key`)),
      );
    }
  } finally {
    await bus.close();
  }
}

const f = (n: number) => Math.round(n).toLocaleString('en');
