import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { isReachable, postgresUrl, requireOrSkip } from '../../test/support/services.ts';
import { type Database, lockDataDir, openDatabase } from './open-database.ts';

/** Insert and read back a row through the generated client: proves the tables are there. */
async function roundTrip(db: Database, slug: string): Promise<void> {
  await db.prisma.team.create({ data: { name: `Team ${slug}`, slug } });
  const found = await db.prisma.team.findUnique({ where: { slug } });
  expect(found).toMatchObject({ name: `Team ${slug}`, slug, blocked: false });
}

const timed = async <T>(label: string, run: () => Promise<T>): Promise<T> => {
  const start = performance.now();
  try {
    return await run();
  } finally {
    console.info(`${label}: ${Math.round(performance.now() - start)} ms`);
  }
};

describe('openDatabase on PGlite', () => {
  const tmpDirs: string[] = [];
  afterAll(async () => {
    await Promise.all(tmpDirs.map((d) => rm(d, { recursive: true, force: true })));
  });

  it('migrates an in-memory database and round-trips a row', async () => {
    const db = await timed('pglite memory open+migrate', () => openDatabase({ dataDir: 'memory://' }));
    try {
      expect(db.kind).toBe('pglite');
      expect(db.appliedMigrations.length).toBeGreaterThan(0);
      await roundTrip(db, 'memory');
    } finally {
      await db.close();
    }
  });

  it('keeps data in a data directory, locked to one opener at a time', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'tollgate-db-'));
    tmpDirs.push(root);
    const dataDir = path.join(root, 'nested', 'parents', 'db'); // parents do not exist yet
    const lockFile = path.join(dataDir, 'tollgate.lock');

    const first = await timed('pglite dir first open+migrate', () => openDatabase({ dataDir }));
    try {
      expect(first.appliedMigrations.length).toBeGreaterThan(0);
      await roundTrip(first, 'persisted');
      expect(existsSync(lockFile)).toBe(true);
      await expect(openDatabase({ dataDir })).rejects.toThrow(/already open in this process.*tollgate\.lock/s);
    } finally {
      await first.close();
    }
    expect(existsSync(lockFile)).toBe(false);

    const reopened = await timed('pglite dir reopen', () => openDatabase({ dataDir }));
    try {
      expect(reopened.appliedMigrations).toEqual([]);
      expect(await reopened.prisma.team.findUnique({ where: { slug: 'persisted' } })).not.toBeNull();
    } finally {
      await reopened.close();
    }
  });
});

describe('lockDataDir', () => {
  it('refuses a lock held by another live process and takes over a dead one', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'tollgate-lock-'));
    const lockFile = path.join(dir, 'tollgate.lock');
    try {
      await writeFile(lockFile, JSON.stringify({ pid: process.ppid })); // our parent: alive
      await expect(lockDataDir(dir)).rejects.toThrow(`already open in process ${process.ppid}`);

      await writeFile(lockFile, JSON.stringify({ pid: 2 ** 22 + 1 })); // above Linux's pid_max
      const release = await lockDataDir(dir);
      await release();
      expect(existsSync(lockFile)).toBe(false);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

const pgUrl = postgresUrl();
const postgresUp = await requireOrSkip(`PostgreSQL at ${pgUrl}`, isReachable(pgUrl));

describe.skipIf(!postgresUp)('openDatabase on PostgreSQL', () => {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  afterAll(async () => {
    const client = new pg.Client({ connectionString: pgUrl });
    await client.connect();
    try {
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    } finally {
      await client.end();
    }
  });

  it('migrates a fresh schema and round-trips a row in it', async () => {
    const db = await timed('postgres open+migrate', () => openDatabase({ databaseUrl: pgUrl, schema }));
    try {
      expect(db.kind).toBe('postgres');
      expect(db.appliedMigrations.length).toBeGreaterThan(0);
      await roundTrip(db, 'postgres');
      const rows = await db.prisma.$queryRaw<{ n: number }[]>`
        SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = ${schema} AND table_name = 'Team'`;
      expect(rows[0]?.n).toBe(1);
    } finally {
      await db.close();
    }

    const again = await openDatabase({ databaseUrl: pgUrl, schema });
    try {
      expect(again.appliedMigrations).toEqual([]);
      expect(await again.prisma.team.count()).toBe(1);
    } finally {
      await again.close();
    }
  });
});
