/**
 * Preloaded (`--import`) into the bench's control plane child by bench/mutation-cost.ts: counts
 * the SQL statements that reach the database through Prisma's driver adapter (PostgreSQL or
 * PGlite; on PostgreSQL each is one round trip), transaction control included, and records
 * the process's CPU and, on request, a CPU profile, between a start and a stop message (IPC).
 */
import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';

const statements = new Map<string, number>();
let counting = false;

function count(kind: string) {
  if (counting) statements.set(kind, (statements.get(kind) ?? 0) + 1);
}

function sqlOf(query: { sql?: string } | string): string {
  const sql = typeof query === 'string' ? query : (query.sql ?? '');
  return sql.replace(/\s+/g, ' ').slice(0, 140);
}

// biome-ignore lint/suspicious/noExplicitAny: a driver adapter of either kind, wrapped for counting.
function counted(target: any, inTransaction: boolean): any {
  return new Proxy(target, {
    get(object, property, receiver) {
      const value = Reflect.get(object, property, receiver);
      if (typeof value !== 'function') return value;
      if (property === 'queryRaw' || property === 'executeRaw' || property === 'executeScript')
        return (query: { sql: string }, ...rest: unknown[]) => {
          count(`${inTransaction ? 'tx ' : ''}${sqlOf(query)}`);
          return value.call(object, query, ...rest);
        };
      // Both adapters send BEGIN, and SET TRANSACTION for an isolation level, themselves.
      if (property === 'startTransaction')
        return async (isolation?: string) => {
          count('BEGIN');
          if (isolation) count(`SET TRANSACTION ISOLATION LEVEL ${isolation}`);
          return counted(await value.call(object, isolation), true);
        };
      // PGlite's adapter ends the transaction itself ("phantom" queries); on PostgreSQL Prisma
      // sends COMMIT as a statement (counted above) and commit() only releases the connection.
      if ((property === 'commit' || property === 'rollback') && object.options?.usePhantomQuery)
        return () => {
          count(property.toUpperCase());
          return value.call(object);
        };
      return value.bind(object);
    },
  });
}

for (const factory of [PrismaPg, PrismaPGlite] as const) {
  const connect = factory.prototype.connect;
  factory.prototype.connect = async function (this: unknown) {
    return counted(await connect.call(this), false);
  };
}

let session: Session | null = null;
let cpuAtStart = process.cpuUsage();

process.on('message', async (message: { type: string; profile?: string }) => {
  if (message.type === 'probe-start') {
    statements.clear();
    counting = true;
    if (message.profile) {
      session = new Session();
      session.connect();
      await session.post('Profiler.enable');
      await session.post('Profiler.setSamplingInterval', { interval: 100 });
      await session.post('Profiler.start');
    }
    cpuAtStart = process.cpuUsage();
    process.send!({ type: 'probe-started' });
  }
  if (message.type === 'probe-stop') {
    const cpu = process.cpuUsage(cpuAtStart);
    counting = false;
    if (session && message.profile) {
      const { profile } = await session.post('Profiler.stop');
      session.disconnect();
      session = null;
      await writeFile(message.profile, JSON.stringify(profile));
    }
    process.send!({ type: 'probe-stopped', cpuMicros: cpu.user + cpu.system, statements: Object.fromEntries(statements) });
  }
});
