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
  },
});
