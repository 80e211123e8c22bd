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
}
