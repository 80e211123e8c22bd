import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isReachable, postgresUrl, redisUrl, requireOrSkip } from '../support/services.ts';

// The control plane's start-up failures the operator can fix are told as the fix, quickly, with
// no stack: a port in use, a database that is missing or unreachable.

const root = path.resolve(import.meta.dirname, '../..');
const servicesUp = (await requireOrSkip('PostgreSQL', isReachable(postgresUrl()))) && (await requireOrSkip('Redis', isReachable(redisUrl())));

function run(env: Record<string, string>, timeoutMs = 25_000): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'control-plane/main.ts'], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', REDIS_URL: redisUrl(), TOLLGATE_BUS_PREFIX: `startup-${process.pid}`, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return new Promise((resolve) => child.once('exit', (code) => (clearTimeout(timer), resolve({ code, output }))));
}

describe.skipIf(!servicesUp)('control-plane start-up failures', () => {
  const blocker = createServer();
  let busyPort = 0;
  beforeAll(async () => {
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    busyPort = (blocker.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((resolve) => blocker.close(() => resolve())));

  it('a port in use: exits at once with the reason and the variable to change', async () => {
    // "At once": it exits by itself (code 1) rather than retrying until the kill at 25 s; how fast
    // that is depends on the machine's load, so it is not timed here.
    const { code, output } = await run({ DATABASE_URL: postgresUrl(), CONTROL_PLANE_PORT: String(busyPort), HOST: '127.0.0.1' });
    expect(code).toBe(1);
    expect(output).toMatch(new RegExp(`cannot listen on 127\\.0\\.0\\.1:${busyPort}: the port is already in use \\(EADDRINUSE\\).*CONTROL_PLANE_PORT`));
    expect(output).not.toMatch(/\n\s+at /);
  });

  const url = new URL(postgresUrl());
  const cases: [string, string, RegExp][] = [
    [
      'a missing database',
      Object.assign(new URL(url), { pathname: '/tollgate_missing_db_x' }).toString(),
      /database "tollgate_missing_db_x" does not exist .*createdb tollgate_missing_db_x/,
    ],
    ['nothing listening', Object.assign(new URL(url), { port: '1' }).toString(), /cannot connect to PostgreSQL at 127\.0\.0\.1:1: connection refused/],
  ];
  for (const [name, databaseUrl, hint] of cases) {
    it(`${name}: a hint, not a stack`, async () => {
      const { code, output } = await run({ DATABASE_URL: databaseUrl, CONTROL_PLANE_PORT: '0' });
      expect(code).toBe(1);
      expect(output).toMatch(hint);
      expect(output).not.toMatch(/\n\s+at /);
    });
  }
});
