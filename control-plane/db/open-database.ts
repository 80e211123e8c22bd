import { execFile } from 'node:child_process';
import { mkdir, readdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { PrismaClient } from '../../generated/prisma/client.ts';
import { applyMigrations, type MigrationPaths } from '../../prisma/migrate.ts';
import { type LedgerConnection, pgliteLedger, postgresLedger } from './ledger-connection.ts';

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
  /** Usage ingestion's connection (control-plane/usage/ledger-sql.ts): its own on PostgreSQL, PGlite's one otherwise. */
  ledger: LedgerConnection;
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

/**
 * Prisma's error format, set rather than left to NODE_ENV (whose default, outside production,
 * records the caller's stack on every query, for a prettier message about a failed one): one
 * `new Error()` per statement was about 4 % of the CPU of a config mutation (issue 12), and the
 * messages it improves are masked by yoga and logged, not shown. Production used it already.
 */
const PRISMA_OPTIONS = { errorFormat: 'minimal' } as const;

async function openPostgres(url: string, schema: string | undefined, migrations?: MigrationPaths): Promise<Database> {
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) throw new Error(`unsupported Postgres schema name ${JSON.stringify(schema)}`);
  // applyMigrations creates the schema, under the same advisory lock as the migrations.
  const appliedMigrations = await applyMigrations({ kind: 'postgres', url, schema }, migrations);
  // The adapter's `schema` qualifies the client's queries; search_path covers raw SQL as well.
  const config = { connectionString: url, ...(schema ? { options: `-c search_path=${schema}` } : {}) };
  const prisma = new PrismaClient({ ...PRISMA_OPTIONS, adapter: new PrismaPg(config, schema ? { schema } : undefined) });
  const ledger = postgresLedger(config);
  return {
    prisma,
    kind: 'postgres',
    ledger,
    appliedMigrations,
    close: async () => {
      await ledger.close();
      await prisma.$disconnect();
    },
  };
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
    if (dir !== undefined && !(await isInitialised(dir))) {
      // A new directory: PGlite runs initdb in the process that opens it, and what initdb grew
      // stays (WebAssembly memory, compile allocations). Done in a short-lived child instead.
      await initialiseInChildProcess(dir);
    }
    db = template ? new PGlite({ loadDataDir: template, startParams: PGLITE_START_PARAMS }) : new PGlite(dir, { startParams: PGLITE_START_PARAMS });
    await db.waitReady;
    const appliedMigrations = await applyMigrations({ kind: 'pglite', db }, migrations);
    const prisma = new PrismaClient({ ...PRISMA_OPTIONS, adapter: new PrismaPGlite(db) });
    const opened: PGlite = db;
    return {
      prisma,
      kind: 'pglite',
      ledger: pgliteLedger(opened),
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

/**
 * PGlite's own start parameters, with smaller buffers: its WebAssembly memory grows to the
 * largest it was ever asked for and never shrinks, and with PostgreSQL's defaults
 * (shared_buffers 128 MB, work_mem 4 MB) the process kept about 120 MB more for the buffer pool
 * of one small embedded database. 16 MB holds the hot counters and indexes of the embedded
 * default's ledger; PostgreSQL proper is the answer for more.
 */
const PGLITE_START_PARAMS = [...PGlite.defaultStartParams, '-c', 'shared_buffers=16MB', '-c', 'work_mem=1MB', '-c', 'maintenance_work_mem=16MB'];

/**
 * Creates a PGlite data directory in `dir` in a short-lived child process. initdb grows
 * PGlite's WebAssembly memory to about 500 MB and compiles the module a second time; in a worker
 * thread that memory went when the thread ended, but the compile and start-up allocations it
 * left in the process's malloc arenas stayed (about 80 MB of RSS for good, and a peak near
 * 1 GB). A child process takes all of it with it. It runs once, at the very first start, with
 * V8's baseline WebAssembly compiler only: a run this short gains nothing from optimised code.
 */
async function initialiseInChildProcess(dir: string): Promise<void> {
  const code = `const { PGlite } = await import(process.argv[1]);
    const db = new PGlite(process.argv[2]);
    await db.waitReady;
    await db.close();`;
  const args = ['--liftoff-only', '--input-type=module', '-e', code, import.meta.resolve('@electric-sql/pglite'), dir];
  await promisify(execFile)(process.execPath, args, { env: {}, maxBuffer: 4 * 1024 * 1024 }).catch((error: Error & { stderr?: string }) => {
    throw new Error(`PGlite initdb failed in ${dir}: ${error.stderr?.trim() || error.message}`);
  });
}

/** True when `dir` already holds a PGlite (PostgreSQL) data directory. */
async function isInitialised(dir: string): Promise<boolean> {
  return (await readdir(dir).catch(() => [] as string[])).includes('PG_VERSION');
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
