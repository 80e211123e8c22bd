/**
 * `npm run db:migrate -- <command>`: the project's stand-in for `prisma migrate` (which needs a
 * native engine we cannot download). A tool entry point, so it reads its own environment.
 *
 *   create <name>          write prisma/migrations/<timestamp>_<name>/ for the schema's changes
 *   deploy [--data-dir D]  apply pending migrations to DATABASE_URL, else to PGlite at D
 *                          (default $TOLLGATE_DATA_DIR/db, i.e. .tollgate/db: where the server looks)
 *   status [--data-dir D]  show the migration history of that same database
 *   check                  exit 1 if the schema changed without a migration (CI guard)
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { lockDataDir, openDatabase } from '../control-plane/db/open-database.ts';
import { createMigration, migrationStatus, pendingMigrationSql } from './migrate.ts';

const USAGE = 'usage: npm run db:migrate -- create <name> | deploy [--data-dir DIR] | status [--data-dir DIR] | check';

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const dataDirFlag = rest.indexOf('--data-dir');
  const dataDir = dataDirFlag >= 0 ? rest[dataDirFlag + 1] : path.join(process.env.TOLLGATE_DATA_DIR || '.tollgate', 'db');
  if (dataDir === undefined) return fail('--data-dir needs a path');
  const databaseUrl = process.env.DATABASE_URL || undefined;

  switch (command) {
    case 'create': {
      const name = rest.filter((a) => !a.startsWith('--')).join('_');
      if (name === '') return fail(`create needs a name\n${USAGE}`);
      const created = await createMigration(name);
      console.log(created ? `created ${created.file}` : 'no schema changes: no migration created');
      return 0;
    }
    case 'deploy': {
      // Through openDatabase, so the PGlite directory lock keeps a running server out.
      const db = await openDatabase({ databaseUrl, dataDir });
      await db.close();
      const where = databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `PGlite at ${dataDir}`;
      const names = db.appliedMigrations;
      console.log(names.length ? `applied to ${where}:\n  ${names.join('\n  ')}` : `${where} is up to date`);
      return 0;
    }
    case 'status': {
      const status = databaseUrl
        ? await migrationStatus({ kind: 'postgres', url: databaseUrl })
        : await withPglite(dataDir, (db) => migrationStatus({ kind: 'pglite', db }));
      console.log(JSON.stringify(status, null, 2));
      return status.history === null && status.failedMigrationNames.length === 0 ? 0 : 1;
    }
    case 'check': {
      const sql = await pendingMigrationSql();
      if (sql === null) {
        console.log('schema and migrations agree');
        return 0;
      }
      console.error(
        'prisma/schema.prisma has changes that no migration covers. Run\n' +
          '  npm run db:migrate -- create <name>\nand commit the new migration. The missing SQL:\n\n' +
          sql,
      );
      return 1;
    }
    default:
      return fail(USAGE);
  }
}

/** Status reads the data directory without migrating it, under the same lock as the server. */
async function withPglite<T>(dataDir: string, run: (db: PGlite) => Promise<T>): Promise<T> {
  const dir = path.resolve(dataDir);
  if (!existsSync(path.join(dir, 'PG_VERSION'))) throw new Error(`no PGlite database at ${dir}`);
  const release = await lockDataDir(dir);
  const db = new PGlite(dir);
  try {
    await db.waitReady;
    return await run(db);
  } finally {
    await db.close().finally(release);
  }
}

function fail(message: string): number {
  console.error(message);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exitCode = 1;
  },
);
