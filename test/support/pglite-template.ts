import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { applyMigrations, DEFAULT_MIGRATIONS_DIR } from '../../prisma/migrate.ts';

/**
 * A dump of an empty, fully migrated PGlite database, made once per migrations state and kept in
 * the OS temp directory. initdb costs seconds per database (tens of seconds on a loaded 2-core
 * machine); loading this dump costs a fraction, so each test file can have a fresh database.
 */
export async function pgliteTemplatePath(): Promise<string> {
  const key = await migrationsKey();
  const dir = path.join(tmpdir(), 'tollgate-test');
  const file = path.join(dir, `pglite-${key}.tar`);
  if (existsSync(file)) return file;
  await mkdir(dir, { recursive: true });
  const db = new PGlite();
  try {
    await db.waitReady;
    await applyMigrations({ kind: 'pglite', db });
    const dump = await db.dumpDataDir('none');
    // Written aside and renamed: a concurrent run never reads half a file.
    const partial = `${file}.${process.pid}.partial`;
    await writeFile(partial, Buffer.from(await dump.arrayBuffer()));
    await rename(partial, file);
  } finally {
    await db.close();
  }
  return file;
}

/** Hash of every migration and of the PGlite version: a new migration makes a new template. */
async function migrationsKey(): Promise<string> {
  const hash = createHash('sha256');
  const pglite = JSON.parse(await readFile(path.resolve('node_modules/@electric-sql/pglite/package.json'), 'utf8')).version;
  hash.update(String(pglite));
  for (const name of (await readdir(DEFAULT_MIGRATIONS_DIR)).sort()) {
    const sql = path.join(DEFAULT_MIGRATIONS_DIR, name, 'migration.sql');
    if (existsSync(sql)) hash.update(name).update(await readFile(sql));
  }
  return hash.digest('hex').slice(0, 16);
}
