import type { Prisma } from '../../generated/prisma/client.ts';

type Db = Pick<Prisma.TransactionClient, 'configVersion'>;

/**
 * Takes the next config version inside a mutation's transaction. The row stays locked until the
 * transaction ends, so concurrent mutations, on any control-plane replica, take consecutive
 * versions in commit order: monotonic and gap-free. A snapshot compiled in a transaction that
 * reads version V holds exactly the changes of versions up to V (see the publisher).
 */
export async function takeConfigVersion(tx: Db): Promise<number> {
  const row = await tx.configVersion.upsert({ where: { id: 1 }, create: { id: 1, version: 1 }, update: { version: { increment: 1 } } });
  return row.version;
}

/** The config version as of the reading transaction; 0 before any change. */
export async function readConfigVersion(db: Db): Promise<number> {
  return (await db.configVersion.findUnique({ where: { id: 1 } }))?.version ?? 0;
}

/** Moves the config version to at least `floor` (past a stored snapshot this database never made). */
export async function raiseConfigVersion(db: Db, floor: number): Promise<void> {
  await db.configVersion.upsert({ where: { id: 1 }, create: { id: 1, version: floor }, update: { version: floor } });
}
