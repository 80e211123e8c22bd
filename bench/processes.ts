import { type ChildProcess, execFileSync, fork, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { createInterface } from 'node:readline';

export const ROOT = path.resolve(import.meta.dirname, '..');
const TSX = ['--import', 'tsx'];

/**
 * The gateway runs as production does: the JavaScript `npm run build` compiled into dist/, not
 * through tsx (whose source maps make every Error costly). The bench builds before it starts.
 */
export function buildDist(): void {
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });
}

export interface Child {
  process: ChildProcess;
  pid: number;
  stop(): Promise<void>;
}

/** Ends a child we started, by its own pid: SIGTERM, then SIGKILL after `graceMs`. */
async function stopChild(child: ChildProcess, graceMs = 5000, message?: unknown): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  if (message !== undefined && child.connected) child.send(message as never);
  else child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** The fake upstream (bench/upstream-server.ts): resolves with its port once it listens. */
export async function startUpstream(env: { latencyMs: number; chunkMs: number }): Promise<Child & { port: number }> {
  const child = spawn(process.execPath, [...TSX, path.join(ROOT, 'bench/upstream-server.ts')], {
    cwd: ROOT,
    env: { ...process.env, BENCH_UPSTREAM_LATENCY_MS: String(env.latencyMs), BENCH_UPSTREAM_CHUNK_MS: String(env.chunkMs) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  const [line] = (await Promise.race([
    once(lines, 'line'),
    once(child, 'exit').then(() => {
      throw new Error('fake upstream exited at start');
    }),
  ])) as [string];
  const { port } = JSON.parse(line) as { port: number };
  return { process: child, pid: child.pid!, port, stop: () => stopChild(child) };
}

/**
 * How package.json's script `name` runs node: the variables it sets before node (glibc malloc's
 * mmap threshold) and node's own flags (npm start's young generation), read from the script
 * itself, so that the bench's gateways run as `npm start` / `npm run data-plane` do
 * (docs/performance.md).
 */
export function npmScriptRuntime(name: 'start' | 'data-plane'): { env: Record<string, string>; nodeArgs: string[] } {
  const script: string = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts[name];
  const parts = /^((?:\w+=\S+\s+)*)exec node\s+((?:--\S+\s+)*)\S+$/.exec(script);
  if (!parts) throw new Error(`package.json script ${name} is not "VAR=value ... exec node --flag ... file": ${script}`);
  const words = (text: string) => text.trim().split(/\s+/).filter(Boolean);
  return { env: Object.fromEntries(words(parts[1]).map((pair) => pair.split('=') as [string, string])), nodeArgs: words(parts[2]) };
}

export interface GatewayChild extends Child {
  port: number;
  bus: 'redis' | 'memory';
  /** Sends a command and resolves with the first message of `replyType`. */
  request<T>(message: object, replyType: string): Promise<T>;
}

/**
 * The gateway under test (bench/gateway-child.ts), optionally under --cpu-prof, with the
 * variables and node flags of the script users start it with: `npm start` for the embedded
 * default, `npm run data-plane` otherwise.
 */
export async function startGateway(config: object, options: { cpuProfDir?: string } = {}): Promise<GatewayChild> {
  const runtime = npmScriptRuntime('embedded' in config ? 'start' : 'data-plane');
  const execArgv = [...runtime.nodeArgs, ...(options.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfDir}`] : [])];
  const child = fork(path.join(ROOT, 'dist/bench/gateway-child.js'), [], {
    cwd: ROOT,
    execArgv,
    env: { ...process.env, ...runtime.env, BENCH_GATEWAY: JSON.stringify(config), LOG_LEVEL: 'silent' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ready = await waitForMessage<{ port: number; bus: 'redis' | 'memory' }>(child, 'ready');
  return {
    process: child,
    pid: child.pid!,
    port: ready.port,
    bus: ready.bus,
    request(message, replyType) {
      const reply = waitForMessage<any>(child, replyType);
      child.send(message);
      return reply;
    },
    stop: () => stopChild(child, 10_000, { type: 'stop' }),
  };
}

export function waitForMessage<T>(child: ChildProcess, type: string, timeoutMs = 120_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(new Error(`no '${type}' message from child ${child.pid} in ${timeoutMs} ms`)), timeoutMs);
    const onMessage = (message: { type?: string }) => {
      if (message?.type === type) done(null, message as T);
    };
    const onExit = (code: number | null) => done(new Error(`child ${child.pid} exited (${code}) before '${type}'`));
    function done(error: Error | null, value?: T) {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      if (error) reject(error);
      else resolve(value!);
    }
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

/** A port that was free a moment ago (for processes that need a fixed port, like data-plane/main.ts). */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

export { TSX };
