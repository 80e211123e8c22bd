import type { Prisma } from '../../generated/prisma/client.ts';
import type { UsageEvent } from '../../shared/events/usage-event.ts';
import type { LedgerQuery } from '../db/ledger-connection.ts';
import { SPEND_PERIODS } from './ledger-counters.ts';
import { bucketsFrom, DAILY_KEY, DAILY_VALUES, dailyFrom, SPEND_KEY, SPEND_VALUES, spendFrom } from './ledger-recompute.sql.ts';
import { TAG_DAILY_KEY, TAG_DAILY_VALUES, tagDailyFrom } from './ledger-tags.sql.ts';
import { WEBHOOK_OUTBOX_CTE } from './webhook-outbox.ts';

/**
 * One column of the usage-event table as a batch carries it: the event field of the same name,
 * its SQL type in the batch's JSON, and the value stored when the field is absent.
 */
interface Column {
  name: string;
  /** `tags`: a JSON array of strings, stored as text[]. */
  type: 'text' | 'int' | 'bigint' | 'bool' | 'timestamptz' | 'jsonb' | 'tags';
  absent?: string;
}

/** A usage event as the ledger stores it: a data plane's attempt, or a re-rating adjustment of one (`rerate`). */
export type LedgerEvent = UsageEvent & { adjustmentOf?: string | null };

const EVENT_COLUMNS: Column[] = [
  { name: 'id', type: 'text' },
  { name: 'requestId', type: 'text' },
  { name: 'attempt', type: 'int' },
  { name: 'teamId', type: 'text' },
  { name: 'apiKeyId', type: 'text' },
  { name: 'model', type: 'text' },
  { name: 'budgetModelId', type: 'text' },
  { name: 'provider', type: 'text' },
  { name: 'deploymentId', type: 'text' },
  { name: 'endUser', type: 'text' },
  { name: 'promptTokens', type: 'int' },
  { name: 'completionTokens', type: 'int' },
  { name: 'cachedTokens', type: 'int' },
  { name: 'cacheWriteTokens', type: 'int', absent: '0' },
  { name: 'reasoningTokens', type: 'int', absent: '0' },
  { name: 'markupBasisPoints', type: 'int' },
  { name: 'costMicroUsd', type: 'bigint' },
  { name: 'providerCostMicroUsd', type: 'bigint' },
  { name: 'priceVersion', type: 'text' },
  { name: 'byok', type: 'bool', absent: 'false' },
  { name: 'estimated', type: 'bool' },
  { name: 'cacheHit', type: 'bool', absent: 'false' },
  { name: 'cacheSavedMicroUsd', type: 'bigint', absent: '0' },
  { name: 'status', type: 'int' },
  { name: 'outcome', type: 'text' },
  { name: 'guardrail', type: 'text' },
  { name: 'streamed', type: 'bool' },
  { name: 'latencyMs', type: 'int' },
  { name: 'ttfbMs', type: 'int' },
  { name: 'snapshotVersion', type: 'int' },
  { name: 'snapshotHash', type: 'text' },
  { name: 'startedAt', type: 'timestamptz' },
  { name: 'adjustmentOf', type: 'text' },
  { name: 'tags', type: 'tags' },
  { name: 'metadata', type: 'jsonb' },
];

/** What the counters sum (ledger-recompute.sql.ts), the rest of a stored row they never read. */
const COUNTED_COLUMNS = [
  'teamId',
  'apiKeyId',
  'model',
  'budgetModelId',
  'provider',
  'endUser',
  'attempt',
  'adjustmentOf',
  'promptTokens',
  'completionTokens',
  'cachedTokens',
  'costMicroUsd',
  'byok',
  'cacheHit',
  'cacheSavedMicroUsd',
  'startedAt',
  'tags',
];

const list = (columns: string[]) => columns.map((c) => `"${c}"`).join(', ');

/**
 * The batch's rows from one JSON parameter (the events as they arrived): one parameter whatever
 * the batch size, parsed by the database (no array per column to build and escape), the same SQL
 * on PostgreSQL and PGlite. Timestamps become the UTC timestamp(3) Prisma stores.
 */
const BATCH_ROWS = `
  SELECT ${EVENT_COLUMNS.map((c) => {
    const value =
      c.type === 'timestamptz'
        ? `(r."${c.name}" AT TIME ZONE 'UTC')`
        : c.type === 'tags'
          ? `ARRAY(SELECT jsonb_array_elements_text(r."${c.name}"))`
          : `r."${c.name}"`;
    return `${c.absent ? `COALESCE(${value}, ${c.absent})` : value} AS "${c.name}"`;
  }).join(', ')}
  FROM json_to_recordset($1::json) AS r(${EVENT_COLUMNS.map((c) => `"${c.name}" ${c.type === 'tags' ? 'jsonb' : c.type}`).join(', ')})`;

/**
 * The counter shard this connection writes: the slot its replica holds (ledger-connection.ts sets
 * it when it connects), 0 where none was set (PGlite, re-rating's transaction).
 */
const SHARD = `COALESCE(NULLIF(current_setting('tollgate.usage_shard', true), ''), '0')::int`;

/**
 * `INSERT INTO table SELECT ... ON CONFLICT DO UPDATE` adding every value column to this writer's
 * shard of each counter; rows locked in key order.
 */
function addingTo(table: string, key: string[], values: string[], select: string): string {
  const adds = values.map((v) => `"${v}" = "${table}"."${v}" + EXCLUDED."${v}"`).join(', ');
  return `INSERT INTO "${table}" (${list([...key, 'shard', ...values])})
    SELECT ${list(key)}, ${SHARD}, ${list(values)} FROM (${select}) AS rows ORDER BY ${list(key)}
    ON CONFLICT (${list([...key, 'shard'])}) DO UPDATE SET ${adds}`;
}

/**
 * One statement (so one transaction, one round trip): insert the batch, skipping ids already
 * stored (ON CONFLICT DO NOTHING), and add to the counters (daily, period and tag) exactly the
 * rows that insert returned, summed in SQL with the same expressions `ledger:repair` recomputes
 * with: first into minute buckets per key and model, from which the daily and spend rows fan out
 * (2,000 events of 200 keys within a minute: 200 buckets fanned out to 1,200 spend rows, not
 * 2,000 events fanned out to 12,000). A redelivered event is skipped by the insert and so counted
 * nowhere. Each replica adds to its own shard of the counter rows, so two control planes storing batches at once do not wait on
 * each other's row locks; rows are upserted in key order all the same (two writers on one shard
 * lock them in the same order). The same statement moves each key's `lastUsedAt` forward to its
 * latest new attempt (a re-rating adjustment is no use of the key): the one row lock replicas
 * share, taken in key order (FOR UPDATE over rows sorted by id), so two of them never deadlock on
 * it, and a batch no longer waits for a second statement and commit before its acknowledgement.
 * With `webhookOutbox`, the statement also queues the new rows for the usage webhook
 * (webhook-outbox.ts); without it (no webhook configured) it is the statement above, unchanged.
 */
const storeBatchStatement = (webhookOutbox: boolean) => `
  WITH ins AS (
    INSERT INTO "UsageEvent" (${list(EVENT_COLUMNS.map((c) => c.name))})
    ${BATCH_ROWS}
    ON CONFLICT ("id", "startedAt") DO NOTHING
    RETURNING "id", "createdAt", ${list(COUNTED_COLUMNS)}
  ),
  buckets AS MATERIALIZED ${bucketsFrom('ins')},
  daily AS (${addingTo('UsageDaily', DAILY_KEY, DAILY_VALUES, dailyFrom('buckets'))}),
  spend AS (${addingTo('UsageSpend', SPEND_KEY, SPEND_VALUES, spendFrom('buckets', SPEND_PERIODS))}),
  tags AS (${addingTo('UsageTagDaily', TAG_DAILY_KEY, TAG_DAILY_VALUES, tagDailyFrom('ins'))}),
  used AS (
    SELECT "apiKeyId" AS "id", MAX("startedAt") AS "at" FROM ins WHERE "adjustmentOf" IS NULL GROUP BY 1
  ),
  touched AS (
    UPDATE "ApiKey" AS k SET "lastUsedAt" = later."at"
    FROM (
      SELECT a."id", used."at" FROM "ApiKey" AS a JOIN used ON a."id" = used."id"
      WHERE a."lastUsedAt" IS NULL OR a."lastUsedAt" < used."at"
      ORDER BY a."id" FOR UPDATE OF a
    ) AS later
    WHERE k."id" = later."id"
  )${webhookOutbox ? `, ${WEBHOOK_OUTBOX_CTE}` : ''}
  SELECT count(*)::int AS "inserted", min("createdAt" AT TIME ZONE 'UTC') AS "createdAt",
    CASE WHEN count(*) < $2::int THEN array_agg("id") END AS "ids"
  FROM ins`;
const STORE_BATCH = storeBatchStatement(false);
const STORE_BATCH_AND_OUTBOX = storeBatchStatement(true);

/**
 * What a stored batch's statement inserted: the events that are new. Every new row of a statement
 * has the same createdAt (the column defaults to the transaction's start), so the statement
 * returns one row, not one per event, and lists the new ids only when some event was not new (a
 * redelivery): parsing a row per event took about 2 us of the control plane's CPU per event.
 */
export interface StoredBatch {
  /** The new rows' createdAt; null when none was new. */
  createdAt: Date | null;
  /** Whether the event of this id was stored by this statement (not before it). */
  isNew(id: string): boolean;
}

/**
 * Stores the events and their counters (see storeBatchStatement) through `query` (the ingestion's
 * own connection, or a transaction's), and with `webhookOutbox` queues the new ones for the usage
 * webhook in the same statement. `json`: the events' JSON texts where the bus kept them (at the
 * event's index; UsageHandler), put in the batch's parameter as they are, the others serialized.
 */
export async function storeBatch(
  query: LedgerQuery,
  events: readonly LedgerEvent[],
  webhookOutbox = false,
  json?: readonly (string | undefined)[],
): Promise<StoredBatch> {
  if (events.length === 0) return { createdAt: null, isNew: () => false };
  const batch = json ? `[${events.map((event, i) => json[i] ?? JSON.stringify(event)).join(',')}]` : JSON.stringify(events);
  const [row] = await query<{ inserted: number; createdAt: Date | string | null; ids: string[] | null }>(webhookOutbox ? STORE_BATCH_AND_OUTBOX : STORE_BATCH, [
    batch,
    events.length,
  ]);
  if (!row || row.createdAt === null || Number(row.inserted) === 0) return { createdAt: null, isNew: () => false };
  const createdAt = new Date(row.createdAt);
  if (Number(row.inserted) === events.length) return { createdAt, isNew: () => true };
  const ids = new Set(row.ids);
  return { createdAt, isNew: (id) => ids.has(id) };
}

/** A Prisma client or interactive transaction as a LedgerQuery (re-rating stores its adjustments in its own transaction). */
export function prismaQuery(sql: Pick<Prisma.TransactionClient, '$queryRawUnsafe'>): LedgerQuery {
  return <Row>(text: string, params: readonly unknown[] = []) => sql.$queryRawUnsafe<Row[]>(text, ...params);
}
