import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', 'generated/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // uWS and PGlite are native/WASM heavy: separate processes keep them isolated.
    pool: 'forks',
  },
});
