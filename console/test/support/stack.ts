import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';

const root = path.resolve(import.meta.dirname, '../../..');
export const STACK_ADMIN_KEY = 'tga_console-browser-tests-admin-key';

export interface Stack {
  /** The console (and GraphQL at `${consoleUrl}graphql`). */
  consoleUrl: string;
  /** The OpenAI-compatible base URL (`.../v1`). */
  dataUrl: string;
  gql<T = any>(query: string, variables?: Record<string, unknown>, token?: string): Promise<T>;
  output(): string;
  stop(): Promise<void>;
}

/**
 * `npm start` itself (it builds, then runs dist/main.js: both planes in one process) on ports 0:
 * PGlite with the in-process bus, or a fresh PostgreSQL database with Redis under a unique prefix.
 */
export async function startStack(options: { postgresUrl?: string; redisUrl?: string } = {}): Promise<Stack> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'tollgate-console-'));
  let databaseUrl: string | undefined;
  let dropDatabase: (() => Promise<void>) | undefined;
  if (options.postgresUrl) {
    const name = `console_${randomBytes(5).toString('hex')}`;
    const admin = new pg.Client({ connectionString: options.postgresUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = new URL(options.postgresUrl);
    url.pathname = `/${name}`;
    databaseUrl = url.toString();
    dropDatabase = async () => {
      const client = new pg.Client({ connectionString: options.postgresUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    };
  }
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/^(DATABASE_URL|REDIS_URL|TOLLGATE_|CONTROL_PLANE_|DATA_PLANE_|NODE_ENV)/.test(name)),
  ) as Record<string, string>;
  const env: Record<string, string> = {
    ...inherited,
    CONTROL_PLANE_PORT: '0',
    DATA_PLANE_PORT: '0',
    TOLLGATE_DATA_DIR: dataDir,
    TOLLGATE_ADMIN_KEY: STACK_ADMIN_KEY,
    LOG_LEVEL: 'warn',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    ...(options.redisUrl ? { REDIS_URL: options.redisUrl, TOLLGATE_BUS_PREFIX: `console-${randomBytes(4).toString('hex')}` } : {}),
  };
  const child: ChildProcess = spawn('npm', ['start', '--silent'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // The first start of a checkout compiles it (tsc into dist/, incremental afterwards).
  const deadline = Date.now() + 150_000;
  let consoleUrl = '';
  let dataUrl = '';
  while (!consoleUrl || !dataUrl) {
    consoleUrl = /Web console:\s+(\S+)/.exec(output)?.[1] ?? '';
    dataUrl = /OpenAI-compatible API:\s+(\S+)/.exec(output)?.[1] ?? '';
    if (child.exitCode !== null) throw new Error(`npm start stack exited early (${child.exitCode}):\n${output}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`npm start stack did not start:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    consoleUrl,
    dataUrl,
    output: () => output,
    async gql(query, variables, token = STACK_ADMIN_KEY) {
      const response = await fetch(`${consoleUrl}graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as { data?: unknown; errors?: { message: string }[] };
      if (body.errors) throw new Error(`GraphQL: ${body.errors.map((error) => error.message).join('; ')}`);
      return body.data as never;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await dropDatabase?.();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
