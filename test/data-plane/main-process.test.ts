import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';

/** Runs data-plane/main.ts as the real process would run, with only the given environment. */
function startMain(env: Record<string, string>): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'data-plane/main.ts'], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  return { child, output: () => output };
}

async function exitCode(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  const [code] = await once(child, 'exit');
  return code as number | null;
}

describe('data-plane/main.ts', () => {
  it('starts on port 0, serves health, and stops cleanly on SIGTERM', async () => {
    const { child, output } = startMain({
      DATA_PLANE_PORT: '0',
      TOLLGATE_SECRET_KEY: 'k1:test-passphrase-of-enough-length',
      TOLLGATE_SECRET_KEY_KDF: 'scrypt',
      LOG_LEVEL: 'info',
    });
    let port = 0;
    const deadline = Date.now() + 20_000;
    while (!port && Date.now() < deadline && child.exitCode === null) {
      const match = /"port":(\d+).*"msg":"data plane listening"/.exec(output());
      if (match) port = Number(match[1]);
      else await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(port, output()).toBeGreaterThan(0);
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    // The in-process bus has no snapshot: up, but not ready.
    expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(503);
    child.kill('SIGTERM');
    expect(await exitCode(child)).toBe(0);
    expect(output()).not.toContain('test-passphrase');
  });

  it('returns memory once quiet after starting, unless TOLLGATE_IDLE_MEMORY_RETURN=off', async () => {
    const env = { DATA_PLANE_PORT: '0', TOLLGATE_SECRET_KEY: `k1:${Buffer.alloc(32, 1).toString('base64')}`, LOG_LEVEL: 'debug' };
    const on = startMain(env);
    const off = startMain({ ...env, TOLLGATE_IDLE_MEMORY_RETURN: 'off' });
    try {
      const returned = () => /^.*"msg":"returned memory while quiet".*$/m.exec(on.output())?.[0];
      // Once after start, when the process has been quiet for 15 s.
      const deadline = Date.now() + 30_000;
      while (!returned() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
      const report = JSON.parse(returned() ?? 'null') as { rssBeforeBytes: number; rssAfterBytes: number; trimmed: boolean } | null;
      expect(report, on.output()).not.toBeNull();
      expect(report!.trimmed).toBe(process.platform === 'linux');
      expect(report!.rssAfterBytes).toBeGreaterThan(0);
      expect(off.output()).toContain('data plane listening');
      expect(off.output()).not.toContain('returned memory');
    } finally {
      on.child.kill('SIGTERM');
      off.child.kill('SIGTERM');
      await Promise.all([exitCode(on.child), exitCode(off.child)]);
    }
  }, 60_000);

  it('prints every environment error and exits 1', async () => {
    const { child, output } = startMain({ DATA_PLANE_PORT: 'eighty', TOLLGATE_MAX_BODY_BYTES: '0', REDIS_URL: 'not a url' });
    expect(await exitCode(child)).toBe(1);
    expect(output()).toContain('DATA_PLANE_PORT');
    expect(output()).toContain('TOLLGATE_MAX_BODY_BYTES');
    expect(output()).toContain('REDIS_URL');
  });

  it('refuses to run on the uWS JS fallback', async () => {
    const { child, output } = startMain({ DATA_PLANE_PORT: '0', TOLLGATE_SECRET_KEY: `k1:${Buffer.alloc(32, 1).toString('base64')}`, UWS_USE_FALLBACK: '1' });
    expect(await exitCode(child)).toBe(1);
    expect(output()).toContain('refusing to run');
  });
});
