import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { pgliteTemplatePath } from './pglite-template.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A dump of a migrated empty PGlite database (see pglite-template.ts). */
    pgliteTemplatePath: string;
  }
}

/** Once per test run, before any test file: the PGlite template every harness starts from. */
export default async function setup(project: TestProject): Promise<void> {
  project.provide('pgliteTemplatePath', await pgliteTemplatePath());
  // The console's tests serve console/dist and several tests run `npm start` (which builds first).
  // A fresh clone under `npm test` has no build yet: make it once here, before test files run in
  // parallel, so their `npm start`s find it up to date instead of compiling into dist/ together.
  const root = path.resolve(import.meta.dirname, '../..');
  if (!existsSync(path.join(root, 'dist/main.js'))) {
    execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
  } else if (!existsSync(path.join(root, 'console/dist/index.html'))) {
    execFileSync(process.execPath, [path.join(root, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'console/vite.config.ts', '--logLevel', 'warn'], {
      cwd: root,
      stdio: 'inherit',
    });
  }
}
