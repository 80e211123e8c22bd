import { mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { PrismaClient } from '../../generated/prisma/client.ts';
import { applyMigrations, type MigrationPaths } from '../../prisma/migrate.ts';

export interface OpenDatabaseOptions {
  /** PostgreSQL connection URL. When set, PostgreSQL is used and `dataDir` is ignored. */
  databaseUrl?: string;
  /**
   * PostgreSQL schema (namespace) holding the tables; created if missing. Tests pass a fresh
   * random one to isolate themselves. Default: the URL's default (`public`).
   */
  schema?: string;
  /**
   * PGlite data directory (used when there is no `databaseUrl`); created with its parents.
   * `'memory://'` or undefined gives a throwaway in-memory database, for tests.
   */
  dataDir?: string;
  /** Migration locations; only tests change them. */
  migrations?: MigrationPaths;
  /**
   * Tests: start an in-memory PGlite from this dump (`PGlite.dumpDataDir()`) of an already
   * migrated database instead of running initdb, which dominates a test file's start-up.
   */
  pgliteTemplate?: Blob;
}

export interface Database {
  prisma: PrismaClient;
  kind: 'postgres' | 'pglite';
  /** Migrations this open applied (empty when the database was up to date). */
  appliedMigrations: string[];
  /** Disconnects, closes PGlite and releases its data-directory lock. */
  close(): Promise<void>;
}

/** Opens the control plane's database and brings it up to the latest migration first. */
export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  return options.databaseUrl !== undefined
    ? openPostgres(options.databaseUrl, options.schema, options.migrations)
    : openPglite(options.dataDir, options.migrations, options.pgliteTemplate);
}

const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

async function openPostgres(url: string, schema: string | undefined, migrations?: MigrationPaths): Promise<Database> {
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) throw new Error(`unsupported Postgres schema name ${JSON.stringify(schema)}`);
  // applyMigrations creates the schema, under the same advisory lock as the migrations.
  const appliedMigrations = await applyMigrations({ kind: 'postgres', url, schema }, migrations);
  // The adapter's `schema` qualifies the client's queries; search_path covers raw SQL as well.
  const config = { connectionString: url, ...(schema ? { options: `-c search_path=${schema}` } : {}) };
  const prisma = new PrismaClient({ adapter: new PrismaPg(config, schema ? { schema } : undefined) });
  return { prisma, kind: 'postgres', appliedMigrations, close: () => prisma.$disconnect() };
}

async function openPglite(dataDir: string | undefined, migrations?: MigrationPaths, template?: Blob): Promise<Database> {
  const inMemory = dataDir === undefined || dataDir.startsWith('memory://');
  if (template && !inMemory) throw new Error('a PGlite template is for in-memory databases only');
  const dir = inMemory ? undefined : path.resolve(dataDir);
  // PGlite creates its data directory non-recursively, and the lock file lives inside it.
  if (dir !== undefined) await mkdir(dir, { recursive: true });
  const release = dir !== undefined ? await lockDataDir(dir) : async () => {};
  let db: PGlite | undefined;
  try {
    db = template ? new PGlite({ loadDataDir: template }) : new PGlite(dir);
    await db.waitReady;
    const appliedMigrations = await applyMigrations({ kind: 'pglite', db }, migrations);
    const prisma = new PrismaClient({ adapter: new PrismaPGlite(db) });
    const opened = db;
    return {
      prisma,
      kind: 'pglite',
      appliedMigrations,
      close: async () => {
        try {
          await prisma.$disconnect();
          await opened.close();
        } finally {
          await release();
        }
      },
    };
  } catch (e) {
    await db?.close().catch(() => {});
    await release();
    throw e;
  }
}

// ---- data-directory lock ----------------------------------------------------------------------
// PGlite takes no inter-process lock: two processes on one directory would corrupt it silently.

const LOCK_FILE = 'tollgate.lock';
/** Directories this process holds, so a recycled pid (pid 1 in a container) is not mistaken for us. */
const heldHere = new Set<string>();

/**
 * Takes `<dir>/tollgate.lock` for this process; fails clearly while a live process holds it.
 * A lock left by a dead process is taken over. Returns the release function.
 */
export async function lockDataDir(dir: string): Promise<() => Promise<void>> {
  const lockPath = path.join(dir, LOCK_FILE);
  if (heldHere.has(dir)) throw lockedError(dir, lockPath, process.pid, 'this process');
  const body = JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString() });
  for (let attempt = 0; ; attempt++) {
    try {
      await writeFile(lockPath, body, { flag: 'wx' });
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw e;
      const holder = await readLock(lockPath);
      if (holder !== undefined && holder !== process.pid && isAlive(holder)) {
        throw lockedError(dir, lockPath, holder, `process ${holder}`);
      }
      await unlink(lockPath).catch(() => {}); // stale: its process is gone
    }
  }
  heldHere.add(dir);
  return async () => {
    heldHere.delete(dir);
    await unlink(lockPath).catch(() => {});
  };
}

async function readLock(lockPath: string): Promise<number | undefined> {
  try {
    const pid: unknown = JSON.parse(await readFile(lockPath, 'utf8')).pid;
    return typeof pid === 'number' ? pid : undefined;
  } catch {
    return undefined; // unreadable or half-written: treated as stale
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function lockedError(dir: string, lockPath: string, pid: number, who: string): Error {
  return new Error(
    `PGlite data directory ${dir} is already open in ${who} (pid ${pid}; lock file ${lockPath}). ` +
      'PGlite allows one process per data directory: stop the other process, or use another dataDir.',
  );
}
