import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');

/** Modules a running control plane rarely needs: loaded with `await import()` on first use. */
const LOADED_ON_FIRST_USE = ['@pydantic/genai-prices', '@graphql-yoga/render-graphiql'];

describe('what the control plane loads at start', () => {
  it('imports the catalogue data and GraphiQL only on first use (type-only imports allowed)', () => {
    const files = readdirSync(path.join(root, 'control-plane'), { withFileTypes: true, recursive: true })
      .filter((entry) => entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts'))
      .map((entry) => path.join(entry.parentPath, entry.name));
    const offending = files.flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/^\s*(import|export)(?!\s+type\b)[^'"]*from\s+['"]([^'"]+)['"]/gm)]
        .filter((match) => LOADED_ON_FIRST_USE.includes(match[2]))
        .map((match) => `${path.relative(root, file)} -> ${match[2]}`),
    );
    expect(files.length).toBeGreaterThan(50);
    expect(offending).toEqual([]);
  });
});
