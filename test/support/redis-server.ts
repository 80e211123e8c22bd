import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { waitUntil } from './processes.ts';
import { isReachable } from './services.ts';

/** A TCP port nobody listens on right now (for a server the test starts itself). */
export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * A redis-server of the test's own on `port`, keeping nothing on disk (`--save '' --appendonly
 * no`), so that killing it and starting it again gives an empty Redis. `args` adds settings.
 */
export async function startRedisServer(port: number, args: readonly string[] = []): Promise<ChildProcess> {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...args], { stdio: 'ignore' });
  await waitUntil(() => isReachable(`redis://127.0.0.1:${port}`, 200), 5_000, 'redis-server');
  return child;
}

/** Kills it (SIGKILL: a crash, not a shutdown) and waits for the exit. */
export async function stopRedisServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}
