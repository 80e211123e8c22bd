import type { PrismaClient } from '../../generated/prisma/client.ts';

/**
 * The usage webhook's outbox (the `UsageWebhookOutbox` table): the events a usage batch newly
 * stored, written by the batch's own statement, so an event is in the outbox exactly when it is in
 * the ledger, and neither survives a rollback without the other. The delivery (usage-webhook.ts)
 * reads it in order and deletes what the receiver acknowledged.
 */

/**
 * A CTE for the ledger's store statement (ledger-sql.ts): copies each event that `ins` (the rows
 * the statement really inserted) returned from the batch's JSON parameter `$1`, its text as it
 * arrived, in the batch's order. A redelivered event is not inserted, so it is not queued twice.
 */
export const WEBHOOK_OUTBOX_CTE = `outbox AS (
    INSERT INTO "UsageWebhookOutbox" ("event")
    SELECT e.value::text FROM json_array_elements($1::json) WITH ORDINALITY AS e(value, n)
    JOIN ins ON ins."id" = e.value->>'id' ORDER BY e.n
  )`;

export interface OutboxRow {
  seq: string;
  /** The event's JSON text, sent as is. */
  event: string;
  /** Older than the outbox's age bound: deleted undelivered. */
  expired: boolean;
  /** Seconds since it was stored. */
  ageSeconds: number;
}

/**
 * The oldest `limit` events, in `seq` order. A batch that commits late (a lower `seq`) is read on
 * a later call: rows are deleted by their own `seq`, never by range, so nothing is skipped.
 */
export function readOutbox(prisma: PrismaClient, limit: number, maxAgeMs: number): Promise<OutboxRow[]> {
  // createdAt is a timestamp without time zone filled from CURRENT_TIMESTAMP: LOCALTIMESTAMP is its clock.
  return prisma.$queryRawUnsafe<OutboxRow[]>(
    `SELECT "seq"::text AS "seq", "event", "createdAt" < LOCALTIMESTAMP - ($2::float8 * interval '1 second') AS "expired",
       EXTRACT(EPOCH FROM (LOCALTIMESTAMP - "createdAt"))::float8 AS "ageSeconds"
     FROM "UsageWebhookOutbox" ORDER BY "seq" LIMIT $1::int`,
    limit,
    maxAgeMs / 1000,
  );
}

/** Deletes these rows (acknowledged by the receiver, or expired). */
export async function deleteFromOutbox(prisma: PrismaClient, rows: readonly OutboxRow[]): Promise<void> {
  await prisma.$executeRawUnsafe(
    `DELETE FROM "UsageWebhookOutbox" WHERE "seq" = ANY(string_to_array($1, ',')::bigint[])`,
    rows.map((row) => row.seq).join(','),
  );
}
