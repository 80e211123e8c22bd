import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // Node loads graphql's CommonJS build for every package (it has no exports map); Vite would
    // pick index.mjs for our files and two graphql instances would meet. Force the one Node uses.
    alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }],
  },
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', 'generated/**'],
    // One migrated PGlite dump for all test files; each loads it instead of running initdb.
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // uWS and PGlite are native/WASM heavy: separate processes keep them isolated.
    pool: 'forks',
    // Two files at a time even on 2 cores (vitest's default is one less than the cores): most
    // files wait on child processes, PostgreSQL and Redis, not on their own CPU.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    // A worker process runs file after file with the modules it already loaded (Prisma's client,
    // PGlite, the planes): importing them again for each of ~140 files took 230 s of the run.
    // Every file builds its own servers, databases and buses; none relies on a fresh module.
    isolate: false,
  },
});
