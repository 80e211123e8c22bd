import { randomBytes } from 'node:crypto';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { isReachable, postgresUrl, requireOrSkip } from '../test/support/services.ts';
import { applyMigrations, checkSchemaHasMigration, createMigration, DEFAULT_MIGRATIONS_DIR, DEFAULT_SCHEMA_PATH, migrationStatus } from './migrate.ts';

// Each case builds in-memory PGlite databases through the WASM engine: seconds each, more on a busy machine.
describe('migrations', { timeout: 120_000 }, () => {
  // The CI guard: a schema change without `npm run db:migrate -- create <name>` fails here.
  it('cover every change in prisma/schema.prisma', async () => {
    expect(await checkSchemaHasMigration()).toBe(true);
  });
});

const pgUrl = postgresUrl();
const postgresUp = await requireOrSkip(`PostgreSQL at ${pgUrl}`, isReachable(pgUrl));

describe('migration runner', { timeout: 120_000 }, () => {
  let work: string | undefined;
  let widgetMigration: string | undefined;
  afterAll(async () => {
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('creates a migration for a schema change, then none, and applies both', async () => {
    work = await mkdtemp(path.join(tmpdir(), 'tollgate-migrate-'));
    const schemaPath = path.join(work, 'schema.prisma');
    const migrationsDir = path.join(work, 'migrations');
    await cp(DEFAULT_MIGRATIONS_DIR, migrationsDir, { recursive: true });
    const widget = '\nmodel Widget {\n  id    Int    @id\n  label String @default("a; b")\n}\n';
    await writeFile(schemaPath, (await readFile(DEFAULT_SCHEMA_PATH, 'utf8')) + widget);
    const paths = { schemaPath, migrationsDir };

    expect(await checkSchemaHasMigration(paths)).toBe(false);
    const created = await createMigration('Add widget!', paths);
    widgetMigration = created?.name;
    expect(created?.name).toMatch(/^\d{14}_add_widget$/);
    expect(created?.sql).toContain('CREATE TABLE "Widget"');
    expect(await createMigration('again', paths)).toBeNull();

    const db = new PGlite();
    try {
      const applied = await applyMigrations({ kind: 'pglite', db }, paths);
      expect(applied.at(-1)).toBe(created?.name);
      // The `;` inside the default survived: scripts are not split on semicolons.
      await db.exec(`INSERT INTO "Widget" (id) VALUES (1)`);
      expect((await db.query<{ label: string }>(`SELECT label FROM "Widget"`)).rows).toEqual([{ label: 'a; b' }]);
      expect(await applyMigrations({ kind: 'pglite', db }, paths)).toEqual([]);
    } finally {
      await db.close();
    }
  });

  // adapter-pg's own executeScript would split the default 'a; b' in two and fail.
  it.skipIf(!postgresUp)('applies the same migrations to PostgreSQL, scripts whole', async () => {
    expect(work && widgetMigration).toBeTruthy();
    const schema = `t_${randomBytes(6).toString('hex')}`;
    const client = new pg.Client({ connectionString: pgUrl });
    await client.connect();
    try {
      await client.query(`CREATE SCHEMA "${schema}"`);
      const target = { kind: 'postgres' as const, url: pgUrl, schema };
      const paths = { migrationsDir: path.join(work!, 'migrations') };
      expect((await applyMigrations(target, paths)).at(-1)).toBe(widgetMigration);
      expect((await migrationStatus(target, paths)).history).toBeNull();
      await client.query(`INSERT INTO "${schema}"."Widget" (id) VALUES (1)`);
      const { rows } = await client.query(`SELECT label FROM "${schema}"."Widget"`);
      expect(rows).toEqual([{ label: 'a; b' }]);
    } finally {
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await client.end();
    }
  });

  it('reports a failing migration as failed instead of applied', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'tollgate-migrate-bad-'));
    const migrationsDir = path.join(dir, 'migrations');
    await cp(DEFAULT_MIGRATIONS_DIR, migrationsDir, { recursive: true });
    await mkdir(path.join(migrationsDir, '29991231000000_broken'));
    await writeFile(
      path.join(migrationsDir, '29991231000000_broken', 'migration.sql'),
      'CREATE TABLE "Half" (a int);\nALTER TABLE "Missing" ADD COLUMN b int;\n',
    );
    const db = new PGlite();
    try {
      await expect(applyMigrations({ kind: 'pglite', db }, { migrationsDir })).rejects.toThrow(/Missing/);
      const status = await migrationStatus({ kind: 'pglite', db }, { migrationsDir });
      expect(status.failedMigrationNames).toEqual(['29991231000000_broken']);
      // One script, one implicit transaction: nothing of the failed migration stays.
      expect((await db.query(`SELECT to_regclass('"Half"') AS t`)).rows).toEqual([{ t: null }]);
    } finally {
      await db.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe.skipIf(!postgresUp)('migrations by replicas starting together', { timeout: 120_000 }, () => {
  const schema = `mig_${randomBytes(6).toString('hex')}`;
  afterAll(async () => {
    const client = new pg.Client({ connectionString: pgUrl });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
  });

  it('run once, under an advisory lock: three at once on a fresh schema all succeed, and each migration is applied once', async () => {
    const results = await Promise.allSettled([0, 1, 2].map(() => applyMigrations({ kind: 'postgres', url: pgUrl, schema })));
    expect(
      results.map((r) => r.status),
      results
        .filter((r) => r.status === 'rejected')
        .map((r) => String((r as PromiseRejectedResult).reason))
        .join('\n'),
    ).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
    const applied = results.flatMap((r) => (r.status === 'fulfilled' ? r.value : []));
    const names = (await readdir(DEFAULT_MIGRATIONS_DIR, { withFileTypes: true }))
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
      .sort();
    // Each migration applied by exactly one of them; the others found nothing to do.
    expect(applied.sort()).toEqual(names);
    const client = new pg.Client({ connectionString: pgUrl });
    await client.connect();
    const rows = await client.query(`SELECT migration_name FROM "${schema}"._prisma_migrations WHERE finished_at IS NOT NULL ORDER BY migration_name`);
    await client.end();
    expect(rows.rows.map((r: { migration_name: string }) => r.migration_name)).toEqual(names);
  });
});
