import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDataPlaneEnv } from '../../data-plane/env.ts';
import { createSecretBox, parseSecretKeys } from '../../shared/crypto/secret-box.ts';

// TOLLGATE_SECRET_KEY must be 32 random bytes (or, behind TOLLGATE_SECRET_KEY_KDF=scrypt, a
// passphrase of at least 20 characters), and in production neither plane starts with the key or
// admin key published in compose.yaml / deploy/kubernetes/secret.yaml. Checked through the real
// entry points (both exit 1 with every problem named, before opening anything) and the data
// plane's environment parser for the whole list of shapes.

const root = path.resolve(import.meta.dirname, '../..');
const PUBLISHED_KEY = 'k1:MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=';
const PUBLISHED_ADMIN = 'tga_change-me-please-0000000000';
const GOOD_KEY = `k1:${Buffer.from('8f1c2d3e4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d', 'hex').toString('base64')}`;
type Entry = 'data-plane/main.ts' | 'control-plane/main.ts';

/** Runs an entry point until it exits or prints that it is listening; returns its code (null: it started) and output. */
function run(entry: Entry, env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', DATA_PLANE_PORT: '0', CONTROL_PLANE_PORT: '0', REDIS_URL: 'redis://127.0.0.1:1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    const onData = (chunk: Buffer) => {
      output += chunk;
      if (/data plane listening/.test(output)) {
        child.kill('SIGKILL');
        clearTimeout(timer);
        resolve({ code: null, output });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

const refused: [string, Record<string, string>, RegExp][] = [
  ['a value that is not a key', { TOLLGATE_SECRET_KEY: 'garbage' }, /TOLLGATE_SECRET_KEY.*not 32 random bytes/],
  ['16 bytes', { TOLLGATE_SECRET_KEY: `k1:${Buffer.alloc(16, 9).toString('base64')}` }, /key "k1" is not 32 random bytes/],
  ['33 bytes, second entry', { TOLLGATE_SECRET_KEY: `${GOOD_KEY},k0:${Buffer.alloc(33, 9).toString('base64')}` }, /key "k0" is not 32 random bytes/],
  ['a short passphrase with the KDF', { TOLLGATE_SECRET_KEY: 'k1:too-short', TOLLGATE_SECRET_KEY_KDF: 'scrypt' }, /passphrase needs at least 20 characters/],
  ['the published key in production', { TOLLGATE_SECRET_KEY: PUBLISHED_KEY, NODE_ENV: 'production' }, /publicly known example/],
  ['the published key under another id', { TOLLGATE_SECRET_KEY: `mine:${PUBLISHED_KEY.slice(3)}`, NODE_ENV: 'production' }, /publicly known example/],
];

describe('secret settings', () => {
  for (const [name, env, message] of refused) {
    it(`refuses ${name}`, () => {
      const result = parseDataPlaneEnv(env);
      expect(result.ok).toBe(false);
      expect(result.ok ? '' : result.errors.join('\n')).toMatch(message);
    });
  }

  it('both entry points exit 1 naming every problem, no stack', async () => {
    const runs: [Entry, Record<string, string>, RegExp[]][] = [
      ['data-plane/main.ts', { TOLLGATE_SECRET_KEY: 'garbage' }, [/not 32 random bytes/]],
      ['data-plane/main.ts', { TOLLGATE_SECRET_KEY: PUBLISHED_KEY, NODE_ENV: 'production' }, [/publicly known example/]],
      ['control-plane/main.ts', { TOLLGATE_SECRET_KEY: 'garbage' }, [/not 32 random bytes/]],
      [
        'control-plane/main.ts',
        { TOLLGATE_SECRET_KEY: `mine:${PUBLISHED_KEY.slice(3)}`, TOLLGATE_ADMIN_KEY: PUBLISHED_ADMIN, NODE_ENV: 'production' },
        [/TOLLGATE_SECRET_KEY.*key "mine" is the publicly known example/, /TOLLGATE_ADMIN_KEY.*publicly known example/],
      ],
    ];
    for (const [entry, env, messages] of runs) {
      const { code, output } = await run(entry, env);
      expect(code, output).toBe(1);
      for (const message of messages) expect(output).toMatch(message);
      expect(output).not.toMatch(/\n\s+at /);
    }
  });

  it('outside production the published values pass the environment check (tests and demos use them)', async () => {
    const development = await run('control-plane/main.ts', {
      TOLLGATE_SECRET_KEY: PUBLISHED_KEY,
      TOLLGATE_ADMIN_KEY: PUBLISHED_ADMIN,
      DATABASE_URL: 'postgresql://127.0.0.1:1/x',
    });
    expect(development.output).not.toMatch(/publicly known|TOLLGATE_SECRET_KEY/);
  });

  it('data plane: starts with 32 random bytes, and with a long passphrase behind the KDF flag', async () => {
    for (const env of <Record<string, string>[]>[
      { TOLLGATE_SECRET_KEY: GOOD_KEY, NODE_ENV: 'production' },
      { TOLLGATE_SECRET_KEY: 'k1:correct horse battery staple 42', TOLLGATE_SECRET_KEY_KDF: 'scrypt' },
    ]) {
      const { code, output } = await run('data-plane/main.ts', { ...env, REDIS_URL: '' });
      expect(code, output).toBeNull();
      expect(output).not.toContain('correct horse');
    }
  });

  it('scrypt derives the same key from the same passphrase (so the planes agree), and not the raw bytes', () => {
    const a = createSecretBox(parseSecretKeys('k1:correct horse battery staple 42', 'scrypt'));
    const b = createSecretBox(parseSecretKeys('k1:correct horse battery staple 42', 'scrypt'));
    expect(b.open(a.seal('sk-upstream', 'p'), 'p')).toBe('sk-upstream');
    const other = createSecretBox(parseSecretKeys('k1:correct horse battery staple 43', 'scrypt'));
    expect(() => other.open(a.seal('sk-upstream', 'p'), 'p')).toThrow();
  });
});
