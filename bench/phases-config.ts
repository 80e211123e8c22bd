import { type ChildProcess, fork, spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { percentile } from './probes.ts';
import { cpuMicros } from './proc-stats.ts';
import { freePort, npmScriptRuntime, ROOT, TSX, waitForMessage } from './processes.ts';

export interface PropagationResult {
  dataPlanes: number;
  /** 'redis': separate data plane processes; 'in-process': one data plane on the control plane's bus. */
  topology: 'redis' | 'in-process';
  keysInDatabase: number;
  mutations: number;
  /** Mutation sent -> every data plane serving the new snapshot version. */
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** The mutation's own round trip (it returns once the snapshot is stored and announced). */
  mutationP50Ms: number;
  /** From the mutation's answer to every data plane serving the new version (receive, apply, swap). */
  dataPlaneHopP50Ms: number;
  dataPlaneHopP99Ms: number;
  /** The control plane's CPU (its process: GraphQL, database, publication) per measured mutation. */
  controlPlaneCpuMsPerMutation: number;
  /** Mutations made before the measured ones (not counted): a control plane just started runs cold code. */
  warmUpMutations: number;
}

/** Mutations made and not measured first: the first few of a fresh process pay for JIT compilation. */
const WARM_UP_MUTATIONS = 3;

export interface IngestionResult {
  events: number;
  bus: 'redis' | 'memory';
  database: 'postgres' | 'pglite';
  publishMs: number;
  totalMs: number;
  eventsPerSecond: number;
  /** CPU per 1,000 events stored: the control plane's process, and PostgreSQL's backends (null on PGlite, which runs in the control plane). */
  controlPlaneCpuMs: number;
  databaseCpuMs: number | null;
  /** Busy share of the machine's cores while the events were published and stored (every process). */
  machineBusyShare: number;
}

const ADMIN_KEY = 'tga_bench-admin-key-0123456789';

/**
 * The control plane (PGlite, or PostgreSQL when DATABASE_URL is set) with `keys` keys, and three
 * data planes as separate processes (data-plane/main.ts, the production entry) on Redis; without
 * Redis, the single data plane that can share the in-process bus. Then config propagation and
 * usage ingestion.
 */
export async function runConfigPhases(args: {
  redisUrl?: string;
  databaseUrl?: string;
  secretKey: string;
  busPrefix: string;
  keys: number;
  mutations: number;
  ingestEvents: number;
  skipPropagation: boolean;
  skipIngestion: boolean;
  log: (line: string) => void;
}): Promise<{ propagation: PropagationResult | null; ingestion: IngestionResult | null }> {
  const config = {
    adminKey: ADMIN_KEY,
    secretKey: args.secretKey,
    busPrefix: `${args.busPrefix}-cp`,
    keys: args.keys,
    redisUrl: args.redisUrl,
    databaseUrl: args.databaseUrl,
  };
  const controlPlane = fork(path.join(ROOT, 'bench/control-plane-child.ts'), [], {
    cwd: ROOT,
    execArgv: TSX,
    env: { ...process.env, BENCH_CONTROL_PLANE: JSON.stringify(config) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const dataPlanes: ChildProcess[] = [];
  try {
    const ready = await waitForMessage<{ url: string; inProcessDataPlanePort: number | null }>(controlPlane, 'ready');
    let ports: number[];
    if (ready.inProcessDataPlanePort !== null) {
      ports = [ready.inProcessDataPlanePort];
    } else {
      ports = [await freePort(), await freePort(), await freePort()];
      const runtime = npmScriptRuntime('data-plane');
      for (const port of ports) {
        dataPlanes.push(
          spawn(process.execPath, [...runtime.nodeArgs, path.join(ROOT, 'dist/data-plane/main.js')], {
            cwd: ROOT,
            env: {
              ...process.env,
              ...runtime.env,
              DATA_PLANE_PORT: String(port),
              REDIS_URL: args.redisUrl,
              TOLLGATE_BUS_PREFIX: config.busPrefix,
              TOLLGATE_SECRET_KEY: args.secretKey,
              LOG_LEVEL: 'warn',
            },
            stdio: ['ignore', 'ignore', 'inherit'],
          }),
        );
      }
    }
    for (const port of ports) await waitUntil(async () => (await version(port)) !== null, 60_000);

    let propagation: PropagationResult | null = null;
    if (!args.skipPropagation) {
      const total: number[] = [];
      const mutation: number[] = [];
      let cpuBefore = 0;
      for (let i = -WARM_UP_MUTATIONS; i < args.mutations; i++) {
        if (i === 0) cpuBefore = cpuMicros(controlPlane.pid!);
        const before = Math.max(...(await Promise.all(ports.map(version))).map((v) => v ?? 0));
        const started = performance.now();
        const response = await fetch(ready.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_KEY}` },
          body: JSON.stringify({
            query: `mutation($slug: String!) { createTeam(input: { name: $slug, slug: $slug }) { __typename } }`,
            variables: { slug: `prop-${i}-${Date.now()}` },
          }),
        });
        const body = (await response.json()) as { data?: { createTeam?: { __typename: string } } };
        if (body.data?.createTeam?.__typename !== 'MutationCreateTeamSuccess') throw new Error(`createTeam failed: ${JSON.stringify(body)}`);
        const answered = performance.now() - started;
        // Poll every data plane until each serves a newer version than before the mutation.
        const pending = new Set(ports);
        while (pending.size > 0) {
          for (const port of [...pending]) if (((await version(port)) ?? 0) > before) pending.delete(port);
        }
        if (i < 0) continue;
        mutation.push(answered);
        total.push(performance.now() - started);
      }
      const controlPlaneCpuMsPerMutation = (cpuMicros(controlPlane.pid!) - cpuBefore) / 1000 / args.mutations;
      const hop = total.map((ms, i) => ms - mutation[i]);
      propagation = {
        dataPlanes: ports.length,
        topology: ready.inProcessDataPlanePort !== null ? 'in-process' : 'redis',
        keysInDatabase: args.keys,
        mutations: args.mutations,
        p50Ms: percentile(total, 50),
        p99Ms: percentile(total, 99),
        maxMs: Math.max(...total),
        mutationP50Ms: percentile(mutation, 50),
        dataPlaneHopP50Ms: percentile(hop, 50),
        dataPlaneHopP99Ms: percentile(hop, 99),
        controlPlaneCpuMsPerMutation,
        warmUpMutations: WARM_UP_MUTATIONS,
      };
      args.log(
        `  propagation over ${ports.length} data plane(s), ${args.keys} keys: p50 ${propagation.p50Ms.toFixed(1)} ms, p99 ${propagation.p99Ms.toFixed(1)} ms (mutation itself p50 ${propagation.mutationP50Ms.toFixed(1)} ms, control plane CPU ${controlPlaneCpuMsPerMutation.toFixed(1)} ms per mutation; answer to every plane serving p50 ${propagation.dataPlaneHopP50Ms.toFixed(1)} ms, p99 ${propagation.dataPlaneHopP99Ms.toFixed(1)} ms; after ${WARM_UP_MUTATIONS} warm-up mutations)`,
      );
    }

    let ingestion: IngestionResult | null = null;
    if (!args.skipIngestion) {
      const result = await new Promise<Omit<IngestionResult, 'bus' | 'database'>>((resolve, reject) => {
        waitForMessage<Omit<IngestionResult, 'bus' | 'database'>>(controlPlane, 'ingested', 300_000).then(resolve, reject);
        controlPlane.send({ type: 'ingest', count: args.ingestEvents });
      });
      ingestion = { ...result, events: args.ingestEvents, bus: args.redisUrl ? 'redis' : 'memory', database: args.databaseUrl ? 'postgres' : 'pglite' };
      args.log(
        `  usage ingestion: ${args.ingestEvents} events (published in ${result.publishMs.toFixed(0)} ms) stored in ${result.totalMs.toFixed(0)} ms = ${result.eventsPerSecond.toFixed(0)} events/s (${ingestion.bus} bus, ${ingestion.database}); CPU per 1,000 events: control plane ${result.controlPlaneCpuMs.toFixed(1)} ms${result.databaseCpuMs === null ? '' : ` + PostgreSQL ${result.databaseCpuMs.toFixed(1)} ms`}; cores busy ${(result.machineBusyShare * 100).toFixed(0)} %`,
      );
    }
    return { propagation, ingestion };
  } finally {
    for (const child of dataPlanes) {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
    if (controlPlane.exitCode === null) {
      controlPlane.send({ type: 'stop' });
      await once(controlPlane, 'exit');
    }
  }
}

async function version(port: number): Promise<number | null> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/readyz`);
    const body = (await response.json()) as { snapshot: { version: number } | null };
    return body.snapshot?.version ?? null;
  } catch {
    return null;
  }
}

async function waitUntil(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out waiting for the data planes to be ready');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
