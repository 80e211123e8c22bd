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
const ADMIN_KEY = 'tga_bench-admin-key-0123456789';

function redisAnswers(): boolean {
  try {
    return execFileSync('redis-cli', ['-p', String(redisPort), 'ping'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() === 'PONG';
  } catch {
    return false;
  }
}

execFileSync('redis-server', ['--port', String(redisPort), '--save', '', '--appendonly', 'no', '--daemonize', 'yes']);
for (let tries = 0; !redisAnswers(); tries++) {
  if (tries > 100) throw new Error(`redis-server on port ${redisPort} did not start`);
  await new Promise((resolve) => setTimeout(resolve, 50));
}
let child: ChildProcess | null = null;
try {
  child = fork(path.join(root, 'bench/control-plane-child.ts'), [], {
    cwd: root,
    execArgv: [...TSX, '--import', path.join(ROOT, 'bench/mutation-probe.ts')],
    env: {
      ...process.env,
      BENCH_CONTROL_PLANE: JSON.stringify({
        adminKey: ADMIN_KEY,
        secretKey: Buffer.alloc(32, 7).toString('base64'),
        busPrefix: `mutcost-${process.pid}`,
        keys,
        redisUrl: `redis://127.0.0.1:${redisPort}`,
        databaseUrl: process.env.DATABASE_URL || undefined,
      }),
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ready = await waitForMessage<{ url: string }>(child, 'ready', 300_000);
  const mutate = async (label: string) => {
    const started = performance.now();
    const response = await fetch(ready.url, {
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
  for (let i = 0; i < warmUp; i++) await mutate(`w${i}`);
  const probeStarted = waitForMessage(child, 'probe-started');
  child.send({ type: 'probe-start', profile });
  await probeStarted;
  const cpuBefore = cpuMicros(child.pid!);
  const threadsBefore = threadCpuMicros(child.pid!);
  const walls: number[] = [];
  for (let i = 0; i < mutations; i++) walls.push(await mutate(String(i)));
  const cpuAfter = cpuMicros(child.pid!);
  const threadsAfter = threadCpuMicros(child.pid!);
  const stopped = waitForMessage<{ cpuMicros: number; statements: Record<string, number> }>(child, 'probe-stopped');
  child.send({ type: 'probe-stop', profile: profile && path.resolve(profile) });
  const probe = await stopped;
  const total = Object.values(probe.statements).reduce((a, b) => a + b, 0);
  console.log(
    `${mutations} createTeam mutations, ${keys} keys, ${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'}, root ${root}:\n` +
      `  round trip p50 ${percentile(walls, 50).toFixed(1)} ms, p90 ${percentile(walls, 90).toFixed(1)} ms, min ${Math.min(...walls).toFixed(1)} ms\n` +
      `  control plane CPU per mutation: ${(probe.cpuMicros / 1000 / mutations).toFixed(2)} ms (process.cpuUsage), ${((cpuAfter - cpuBefore) / 1000 / mutations).toFixed(1)} ms (/proc, 10 ms ticks), of which ${((threadsAfter.main - threadsBefore.main) / 1000 / mutations).toFixed(1)} ms on the main thread, ${((threadsAfter.others - threadsBefore.others) / 1000 / mutations).toFixed(1)} ms on the others (GC, compiler, libuv)\n` +
      `  SQL statements per mutation: ${(total / mutations).toFixed(2)}`,
  );
  for (const [sql, n] of Object.entries(probe.statements).sort((a, b) => b[1] - a[1])) console.log(`    ${(n / mutations).toFixed(2).padStart(5)}  ${sql}`);
} finally {
  if (child && child.exitCode === null) {
    child.send({ type: 'stop' });
    await once(child, 'exit');
  }
  execFileSync('redis-cli', ['-p', String(redisPort), 'shutdown', 'nosave']);
  while (redisAnswers()) await new Promise((resolve) => setTimeout(resolve, 50));
}
