import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');

function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(root, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts'))
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)));
}

function importsOf(file: string): string[] {
  const text = readFileSync(path.join(root, file), 'utf8');
  return [...text.matchAll(/^\s*(?:import|export)[^'"]*from\s+['"]([^'"]+)['"]/gm)].map((match) => match[1]);
}

describe('data plane boundaries', () => {
  const files = sourceFiles('data-plane');

  it('sees the data plane sources', () => {
    expect(files).toContain(path.join('data-plane', 'http', 'exchange.ts'));
    expect(files.some((file) => importsOf(file).includes('uWebSockets.js'))).toBe(true);
  });

  it('imports no Prisma, GraphQL, Pothos or control-plane code', () => {
    const forbidden = /(^@prisma|^prisma$|^graphql|^@pothos|^graphql-yoga|control-plane|generated\/)/;
    const offending = files.flatMap((file) =>
      importsOf(file)
        .filter((spec) => forbidden.test(spec))
        .map((spec) => `${file} -> ${spec}`),
    );
    expect(offending).toEqual([]);
  });

  it('touches uWebSockets.js only in data-plane/http/', () => {
    const offending = files.filter((file) => !file.startsWith(path.join('data-plane', 'http')) && importsOf(file).includes('uWebSockets.js'));
    expect(offending).toEqual([]);
  });

  it('reads process.env only in env.ts', () => {
    const offending = files.filter((file) => !file.endsWith('env.ts') && readFileSync(path.join(root, file), 'utf8').includes('process.env'));
    expect(offending).toEqual([]);
  });
});

/** The folder of a data-plane file (`data-plane/money/x.ts` -> `money`), or null for top-level files. */
function layerOf(file: string): string | null {
  const parts = file.split(path.sep);
  return parts.length > 2 ? parts[1] : null;
}

/** The data-plane folder an import of `file` resolves into, or null when it leaves data-plane/. */
function importedLayer(file: string, spec: string): string | null {
  if (!spec.startsWith('.')) return null;
  const target = path.relative(root, path.resolve(root, path.dirname(file), spec));
  return target.startsWith(`data-plane${path.sep}`) ? layerOf(target) : null;
}

describe('request pipeline layering', () => {
  const files = sourceFiles('data-plane');
  /** Who may not import whom: the lower module (request/) knows none of the layers built on it. */
  const forbidden: Record<string, string[]> = {
    request: ['routes', 'dispatch', 'money', 'routing'],
    routing: ['routes', 'dispatch', 'money'],
    money: ['routes', 'dispatch', 'routing'],
    dispatch: ['routes', 'money'],
    usage: ['routes', 'dispatch', 'money', 'routing', 'request'],
  };

  it('imports only downwards: request/ is below routing/, dispatch/ and money/, which do not import each other upwards', () => {
    const offending = files.flatMap((file) => {
      const layer = layerOf(file);
      const banned = layer ? forbidden[layer] : undefined;
      if (!banned) return [];
      return importsOf(file)
        .filter((spec) => banned.includes(importedLayer(file, spec) ?? ''))
        .map((spec) => `${file} -> ${spec}`);
    });
    expect(offending).toEqual([]);
  });
});

describe('control plane and shared boundaries', () => {
  const control = sourceFiles('control-plane');
  const shared = sourceFiles('shared');

  it('sees their sources', () => {
    expect(control.length).toBeGreaterThan(10);
    expect(shared.length).toBeGreaterThan(5);
  });

  it('control-plane/ imports no data-plane code and no uWebSockets.js', () => {
    const offending = control.flatMap((file) =>
      importsOf(file)
        .filter((spec) => /data-plane|uWebSockets/.test(spec))
        .map((spec) => `${file} -> ${spec}`),
    );
    expect(offending).toEqual([]);
  });

  it('shared/ imports neither plane, nor uWS, Prisma or GraphQL', () => {
    const forbidden = /(data-plane|control-plane|uWebSockets|^@prisma|^prisma$|^graphql|^@pothos|generated\/)/;
    const offending = shared.flatMap((file) =>
      importsOf(file)
        .filter((spec) => forbidden.test(spec))
        .map((spec) => `${file} -> ${spec}`),
    );
    expect(offending).toEqual([]);
  });
});

describe('what the data plane loads at start', () => {
  it('leaves the provider SDKs (vertex tokens, Bedrock streams) to their first use', () => {
    // A fresh process, as a data plane starts: vitest's own module graph would hide the answer.
    const probe = `
      import { createRequire } from 'node:module';
      await import('./data-plane/app.ts');
      const loaded = Object.keys(createRequire(import.meta.url).cache);
      console.log(JSON.stringify(loaded.filter((file) => /node_modules\\/(google-auth-library|@smithy)\\//.test(file))));`;
    const output = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', probe], { cwd: root, encoding: 'utf8' });
    expect(JSON.parse(output)).toEqual([]);
  });
});
