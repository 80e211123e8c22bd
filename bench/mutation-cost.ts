/**
 * The cost of one config mutation, outside load: the bench's control plane child (10,000 keys;
 * PostgreSQL in a throwaway schema when DATABASE_URL is set, PGlite otherwise; a private Redis
 * bus) answers `--mutations` createTeam mutations one after another, after warm-up ones.
 * Reported: the mutation's round trip, the control plane's CPU per mutation (and its main thread's
 * share), the SQL statements per mutation as Prisma sends them (bench/mutation-probe.ts), and with
 * `--profile FILE` a CPU profile of the measured mutations.
 *
 *   node --import tsx bench/mutation-cost.ts [--mutations 50] [--keys 10000] [--profile f.cpuprofile]
 *     [--redis-port 6391] [--root DIR: the tree whose control plane runs, for A/B]
 *     [--against DIR: a second tree's control plane beside it, mutations interleaved; its Redis on the next port]
 */
import { type ChildProcess, execFileSync, fork } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { percentile } from './probes.ts';
import { cpuMicros, threadCpuMicros } from './proc-stats.ts';
import { ROOT, TSX, waitForMessage } from './processes.ts';

const argv = process.argv.slice(2);
const option = (flag: string) => {
  const index = argv.indexOf(flag);
  return index >= 0 ? argv[index + 1] : undefined;
};
const mutations = Number(option('--mutations') ?? 50);
const warmUp = Number(option('--warm-up') ?? 10);
const keys = Number(option('--keys') ?? 10_000);
const profile = option('--profile');
const redisPort = Number(option('--redis-port') ?? 6391);
const root = path.resolve(option('--root') ?? ROOT);
const against = option('--against');
// With --against, both control planes run at once and the mutations alternate between them (A B,
// then B A): on a loaded machine that is the fair comparison, where runs one after another swing
// by a third with the load.
const roots = against ? [root, path.resolve(against)] : [root];
const ADMIN_KEY = 'tga_bench-admin-key-0123456789';

function redisAnswers(port: number): boolean {
  try {
    return execFileSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() === 'PONG';
  } catch {
    return false;
  }
}

interface Plane {
  root: string;
  redisPort: number;
  child: ChildProcess | null;
  url: string;
  walls: number[];
}
const planes: Plane[] = roots.map((root, i) => ({ root, redisPort: redisPort + i, child: null, url: '', walls: [] }));
try {
  for (const plane of planes) {
    execFileSync('redis-server', ['--port', String(plane.redisPort), '--save', '', '--appendonly', 'no', '--daemonize', 'yes']);
    for (let tries = 0; !redisAnswers(plane.redisPort); tries++) {
      if (tries > 100) throw new Error(`redis-server on port ${plane.redisPort} did not start`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    plane.child = fork(path.join(plane.root, 'bench/control-plane-child.ts'), [], {
      cwd: plane.root,
      execArgv: [...TSX, '--import', path.join(ROOT, 'bench/mutation-probe.ts')],
      env: {
        ...process.env,
        BENCH_CONTROL_PLANE: JSON.stringify({
          adminKey: ADMIN_KEY,
          secretKey: Buffer.alloc(32, 7).toString('base64'),
          busPrefix: `mutcost-${process.pid}`,
          keys,
          redisUrl: `redis://127.0.0.1:${plane.redisPort}`,
          databaseUrl: process.env.DATABASE_URL || undefined,
        }),
      },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    plane.url = (await waitForMessage<{ url: string }>(plane.child, 'ready', 300_000)).url;
  }
  const mutate = async (plane: Plane, label: string) => {
    const started = performance.now();
    const response = await fetch(plane.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_KEY}` },
      body: JSON.stringify({
        query: 'mutation($slug: String!) { createTeam(input: { name: $slug, slug: $slug }) { __typename } }',
        variables: { slug: `mut-${label}-${Date.now()}` },
      }),
    });
    const body = (await response.json()) as { data?: { createTeam?: { __typename: string } } };
    if (body.data?.createTeam?.__typename !== 'MutationCreateTeamSuccess') throw new Error(`createTeam failed: ${JSON.stringify(body)}`);
    return performance.now() - started;
  };
  for (let i = 0; i < warmUp; i++) for (const plane of planes) await mutate(plane, `w${i}`);
  // The profile is of the first plane only.
  for (const [i, plane] of planes.entries()) {
    const probeStarted = waitForMessage(plane.child!, 'probe-started');
    plane.child!.send({ type: 'probe-start', profile: i === 0 ? profile : undefined });
    await probeStarted;
  }
  const before = planes.map((plane) => ({ cpu: cpuMicros(plane.child!.pid!), threads: threadCpuMicros(plane.child!.pid!) }));
  for (let i = 0; i < mutations; i++) {
    for (const plane of i % 2 === 0 ? planes : [...planes].reverse()) plane.walls.push(await mutate(plane, String(i)));
  }
  const after = planes.map((plane) => ({ cpu: cpuMicros(plane.child!.pid!), threads: threadCpuMicros(plane.child!.pid!) }));
  for (const [i, plane] of planes.entries()) {
    const stopped = waitForMessage<{ cpuMicros: number; statements: Record<string, number> }>(plane.child!, 'probe-stopped');
    plane.child!.send({ type: 'probe-stop', profile: i === 0 && profile ? path.resolve(profile) : undefined });
    const probe = await stopped;
    const total = Object.values(probe.statements).reduce((a, b) => a + b, 0);
    const perMutation = (micros: number) => (micros / 1000 / mutations).toFixed(1);
    const { walls } = plane;
    console.log(
      `${mutations} createTeam mutations, ${keys} keys, ${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'}, root ${plane.root}${against ? ' (interleaved)' : ''}:\n` +
        `  round trip p50 ${percentile(walls, 50).toFixed(1)} ms, p90 ${percentile(walls, 90).toFixed(1)} ms, min ${Math.min(...walls).toFixed(1)} ms\n` +
        `  control plane CPU per mutation: ${(probe.cpuMicros / 1000 / mutations).toFixed(2)} ms (process.cpuUsage), ${perMutation(after[i].cpu - before[i].cpu)} ms (/proc, 10 ms ticks), ` +
        `of which ${perMutation(after[i].threads.main - before[i].threads.main)} ms on the main thread, ${perMutation(after[i].threads.others - before[i].threads.others)} ms on the others (GC, compiler, libuv)\n` +
        `  SQL statements per mutation: ${(total / mutations).toFixed(2)}`,
    );
    for (const [sql, n] of Object.entries(probe.statements).sort((a, b) => b[1] - a[1])) console.log(`    ${(n / mutations).toFixed(2).padStart(5)}  ${sql}`);
  }
} finally {
  for (const plane of planes) {
    if (plane.child && plane.child.exitCode === null) {
      plane.child.send({ type: 'stop' });
      await once(plane.child, 'exit');
    }
    if (redisAnswers(plane.redisPort)) execFileSync('redis-cli', ['-p', String(plane.redisPort), 'shutdown', 'nosave']);
    while (redisAnswers(plane.redisPort)) await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
