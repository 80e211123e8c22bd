import type { PGlite } from '@electric-sql/pglite';
import pg from 'pg';

/** Runs one SQL statement (its own transaction) and returns its rows. */
export type LedgerQuery = <Row = Record<string, unknown>>(text: string, params?: readonly unknown[]) => Promise<Row[]>;

/**
 * The usage ingestion's own database connection, beside Prisma's pool: the store statement of a
 * batch goes through the driver directly (one statement, one round trip, its rows parsed by the
 * driver), skipping the ORM's raw-query path, which cost more CPU than the statement built.
 * Statements run one after the other, as the usage consumer hands over one batch at a time.
 */
export interface LedgerConnection {
  query: LedgerQuery;
  close(): Promise<void>;
}

/**
 * A connection of its own to PostgreSQL, opened on first use. A broken connection (the server
 * restarted, the network dropped) is dropped and the next statement opens a new one; the error
 * of the failed statement goes to the caller (a usage batch is then delivered again).
 */
export function postgresLedger(config: pg.ClientConfig): LedgerConnection {
  let client: pg.Client | null = null;
  let closed = false;
  let chain: Promise<unknown> = Promise.resolve();
  const names = new Map<string, string>();
  const drop = (broken: pg.Client) => {
    if (client === broken) client = null;
    broken.end().catch(() => undefined);
  };
  const open = async (): Promise<pg.Client> => {
    const next = new pg.Client(config);
    // An idle connection's error (server shutdown) would otherwise be an uncaught 'error' event.
    next.on('error', () => drop(next));
    await next.connect();
    await claimShard(next);
    client = next;
    return next;
  };
  const query: LedgerQuery = <Row>(text: string, params: readonly unknown[] = []) => {
    const run = chain.then(async () => {
      if (closed) throw new Error('the ledger connection is closed');
      const current = client ?? (await open());
      try {
        return (await current.query({ name: preparedName(names, text), text, values: params as unknown[] })).rows as Row[];
      } catch (error) {
        // A statement error leaves the connection usable; a broken socket does not.
        if (!isStatementError(error)) drop(current);
        throw error;
      }
    });
    chain = run.catch(() => undefined);
    return run;
  };
  return {
    query,
    async close() {
      closed = true;
      await chain;
      const last = client;
      client = null;
      await last?.end().catch(() => undefined);
    },
  };
}

/**
 * The name a statement is prepared under on each connection (the driver prepares it on first use):
 * the store statement of every batch is parsed and planned once per connection, not per batch
 * (its planning was a few milliseconds of the database's CPU per batch). The statements are the
 * ingestion's own few, fixed texts.
 */
function preparedName(names: Map<string, string>, text: string): string {
  let name = names.get(text);
  if (!name) {
    name = `ledger_${names.size + 1}`;
    names.set(text, name);
  }
  return name;
}

/** Counter shards a replica tries to hold; more replicas than this share shards (still exact, only slower). */
const SHARDS = 16;

/**
 * Takes the first free counter shard for this connection (a session advisory lock per shard, per
 * schema, released when the connection ends) and records it in the session setting the store
 * statement reads (`tollgate.usage_shard`, ledger-sql.ts). So each live replica adds to counter
 * rows of its own and replicas never queue on one another's row locks; readers sum the shards.
 * With every shard taken it picks one at random: shards are a way to avoid lock waits, not an
 * ownership, so sharing one stays exact.
 */
async function claimShard(client: pg.Client): Promise<void> {
  let shard = Math.floor(Math.random() * SHARDS);
  for (let slot = 0; slot < SHARDS; slot++) {
    const { rows } = await client.query<{ held: boolean }>(`SELECT pg_try_advisory_lock(hashtext(current_schema() || '.usage-shard'), $1) AS held`, [slot]);
    if (rows[0]?.held) {
      shard = slot;
      break;
    }
  }
  await client.query(`SELECT set_config('tollgate.usage_shard', $1, false)`, [String(shard)]);
}

/** An error the server answered with (a constraint, a syntax error): the connection is fine. */
function isStatementError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && !code.startsWith('08') && !code.startsWith('57');
}

/** PGlite: the same database Prisma uses (one connection; PGlite runs statements one at a time). */
export function pgliteLedger(db: PGlite): LedgerConnection {
  return {
    query: async <Row>(text: string, params: readonly unknown[] = []) => (await db.query<Row>(text, params as unknown[])).rows,
    close: async () => undefined,
  };
}
