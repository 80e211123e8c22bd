import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { TEST_ADMIN_KEY, TEST_SECRET_KEY } from './control-plane-harness.ts';
import { redisUrl } from './services.ts';

const root = path.resolve(import.meta.dirname, '../..');

export interface PlaneProcess {
  child: ChildProcess;
  /** Everything the process printed so far (stdout and stderr). */
  output(): string;
  /** The port from the "listening" log line, once it appeared. */
  port: number;
  url: string;
  /** SIGTERM (or `signal`), then the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  exited(): Promise<number | null>;
}

/** A control plane process's environment on `databaseUrl` and the test Redis under `prefix`, on a free port; `extra` on top. */
export function controlPlaneProcessEnv(databaseUrl: string, prefix: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl(),
    TOLLGATE_BUS_PREFIX: prefix,
    TOLLGATE_SECRET_KEY: TEST_SECRET_KEY,
    TOLLGATE_ADMIN_KEY: TEST_ADMIN_KEY,
    CONTROL_PLANE_PORT: '0',
    ...extra,
  };
}

/**
 * Runs a plane's main.ts as a real process with only the given environment (plus PATH), and waits
 * for its "listening" line (JSON logs) to learn the port.
 */
export async function spawnPlane(
  entry: 'data-plane/main.ts' | 'control-plane/main.ts',
  env: Record<string, string>,
  timeoutMs = 30_000,
): Promise<PlaneProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const pattern = entry === 'data-plane/main.ts' ? /"port":(\d+)[^\n]*"msg":"data plane listening"/ : /GraphQL at http:\/\/[^:]+:(\d+)\//;
  const deadline = Date.now() + timeoutMs;
  let port = 0;
  while (!port) {
    const match = pattern.exec(output);
    if (match) port = Number(match[1]);
    else if (child.exitCode !== null) throw new Error(`${entry} exited early (${child.exitCode}):\n${output}`);
    else if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${entry} did not start:\n${output}`);
    } else await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return {
    child,
    output: () => output,
    port,
    url: `http://127.0.0.1:${port}`,
    exited: () => exit,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exit;
    },
  };
}

/** Polls `probe` until it returns a truthy value (or throws after `timeoutMs`). */
export async function waitUntil<T>(
  probe: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  timeoutMs = 5_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
