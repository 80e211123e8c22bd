import path from 'node:path';
import { defineConfig } from 'prisma/config';

// The Prisma CLI would download its native schema engine; we never let it. `generate`,
// `validate` and `format` do not run the engine, so a stub path is enough. Migrations go
// through the WASM schema engine in prisma/migrate.ts instead.
process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= path.resolve('prisma/engine-missing.sh');
// Otherwise each CLI call leaves a child process trying to reach Prisma's telemetry host.
process.env.CHECKPOINT_DISABLE = '1';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
});
