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
    const offending = files.flatMap((file) => importsOf(file).filter((spec) => forbidden.test(spec)).map((spec) => `${file} -> ${spec}`));
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
