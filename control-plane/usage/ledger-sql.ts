import type { Prisma } from '../../generated/prisma/client.ts';
import type { UsageEvent } from '../../shared/events/usage-event.ts';
import { SPEND_PERIODS } from './ledger-counters.ts';
import { DAILY_KEY, DAILY_VALUES, dailyFrom, SPEND_KEY, SPEND_VALUES, spendFrom } from './ledger-recompute.sql.ts';
import { TAG_DAILY_KEY, TAG_DAILY_VALUES, tagDailyFrom } from './ledger-tags.sql.ts';

/** A client or an interactive transaction: every statement here runs on either. */
type Sql = Pick<Prisma.TransactionClient, '$queryRawUnsafe' | '$executeRawUnsafe'>;

/**
 * One column of a bulk statement: its SQL array type and how a value is read from a row. Every
 * batch is sent as one array per column and expanded by `unnest`, so a statement has as many
 * parameters as columns, whatever the batch size (no 65,535-parameter limit, one plan), and the
 * same SQL runs on PostgreSQL and PGlite. Money travels as text and is cast to bigint in SQL.
 */
interface Column<Row> {
  name: string;
  /** `tags`: a JSON array of strings per row (unnest flattens an array of arrays), stored as text[]. */
  type: 'text' | 'int' | 'bigint' | 'bool' | 'timestamptz' | 'jsonb' | 'tags';
  value: (row: Row) => string | number | boolean | null;
}

/** A usage event as the ledger stores it: a data plane's attempt, or a re-rating adjustment of one (`rerate`). */
export type LedgerEvent = UsageEvent & { adjustmentOf?: string | null };

const EVENT_COLUMNS: Column<LedgerEvent>[] = [
  { name: 'id', type: 'text', value: (e) => e.id },
  { name: 'requestId', type: 'text', value: (e) => e.requestId },
  { name: 'attempt', type: 'int', value: (e) => e.attempt },
  { name: 'teamId', type: 'text', value: (e) => e.teamId },
  { name: 'apiKeyId', type: 'text', value: (e) => e.apiKeyId },
  { name: 'model', type: 'text', value: (e) => e.model },
  { name: 'budgetModelId', type: 'text', value: (e) => e.budgetModelId ?? null },
  { name: 'provider', type: 'text', value: (e) => e.provider },
  { name: 'deploymentId', type: 'text', value: (e) => e.deploymentId },
  { name: 'endUser', type: 'text', value: (e) => e.endUser },
  { name: 'promptTokens', type: 'int', value: (e) => e.promptTokens },
  { name: 'completionTokens', type: 'int', value: (e) => e.completionTokens },
  { name: 'cachedTokens', type: 'int', value: (e) => e.cachedTokens },
  { name: 'cacheWriteTokens', type: 'int', value: (e) => e.cacheWriteTokens ?? 0 },
  { name: 'reasoningTokens', type: 'int', value: (e) => e.reasoningTokens ?? 0 },
  { name: 'markupBasisPoints', type: 'int', value: (e) => e.markupBasisPoints ?? null },
  { name: 'costMicroUsd', type: 'bigint', value: (e) => String(e.costMicroUsd) },
  { name: 'providerCostMicroUsd', type: 'bigint', value: (e) => (e.providerCostMicroUsd === undefined ? null : String(e.providerCostMicroUsd)) },
  { name: 'priceVersion', type: 'text', value: (e) => e.priceVersion },
  { name: 'byok', type: 'bool', value: (e) => e.byok ?? false },
  { name: 'estimated', type: 'bool', value: (e) => e.estimated },
  { name: 'cacheHit', type: 'bool', value: (e) => e.cacheHit ?? false },
  { name: 'cacheSavedMicroUsd', type: 'bigint', value: (e) => String(e.cacheSavedMicroUsd ?? 0) },
  { name: 'status', type: 'int', value: (e) => e.status },
  { name: 'outcome', type: 'text', value: (e) => e.outcome },
  { name: 'guardrail', type: 'text', value: (e) => e.guardrail ?? null },
  { name: 'streamed', type: 'bool', value: (e) => e.streamed },
  { name: 'latencyMs', type: 'int', value: (e) => e.latencyMs },
  { name: 'ttfbMs', type: 'int', value: (e) => e.ttfbMs },
  { name: 'snapshotVersion', type: 'int', value: (e) => e.snapshotVersion },
  { name: 'snapshotHash', type: 'text', value: (e) => e.snapshotHash },
  { name: 'startedAt', type: 'timestamptz', value: (e) => new Date(e.startedAt).toISOString() },
  { name: 'adjustmentOf', type: 'text', value: (e) => e.adjustmentOf ?? null },
  { name: 'tags', type: 'tags', value: (e) => (e.tags ? JSON.stringify(e.tags) : null) },
  { name: 'metadata', type: 'jsonb', value: (e) => (e.metadata ? JSON.stringify(e.metadata) : null) },
];

/** `SELECT <cols> FROM unnest($1::type[], ...)`, timestamps converted to the UTC timestamp(3) Prisma stores. */
function unnestSelect<Row>(columns: Column<Row>[]): string {
  const select = columns.map((c) =>
    c.type === 'timestamptz'
      ? `(u."${c.name}" AT TIME ZONE 'UTC')`
      : c.type === 'tags'
        ? `ARRAY(SELECT jsonb_array_elements_text(u."${c.name}"))`
        : `u."${c.name}"`,
  );
  const args = columns.map((c, i) => `$${i + 1}::${c.type === 'tags' ? 'jsonb' : c.type}[]`);
  return `SELECT ${select.join(', ')} FROM unnest(${args.join(', ')}) AS u(${columns.map((c) => `"${c.name}"`).join(', ')})`;
}

function arrays<Row>(columns: Column<Row>[], rows: readonly Row[]): unknown[] {
  return columns.map((c) => rows.map(c.value));
}

const list = (columns: string[]) => columns.map((c) => `"${c}"`).join(', ');

/** `INSERT INTO table SELECT ... ON CONFLICT (key) DO UPDATE` adding every value column; rows locked in key order. */
function addingTo(table: string, key: string[], values: string[], select: string): string {
  const adds = values.map((v) => `"${v}" = "${table}"."${v}" + EXCLUDED."${v}"`).join(', ');
  return `INSERT INTO "${table}" (${list([...key, ...values])})
    SELECT * FROM (${select}) AS rows ORDER BY ${key.map((_, i) => i + 1).join(', ')}
    ON CONFLICT (${list(key)}) DO UPDATE SET ${adds}`;
}

/**
 * One statement (so one implicit transaction, one round trip): insert the batch, skipping ids
 * already stored (ON CONFLICT DO NOTHING), and add to the counters exactly the rows that insert
 * returned (the daily, period and tag counters), summed in SQL with the same expressions
 * `ledger:repair` recomputes with. A
 * redelivered event is skipped by the insert and so counted nowhere. Counter rows are upserted in
 * key order, so two control planes storing batches at once lock them in the same order.
 */
const STORE_BATCH = `
  WITH ins AS (
    INSERT INTO "UsageEvent" (${list(EVENT_COLUMNS.map((c) => c.name))})
    ${unnestSelect(EVENT_COLUMNS)}
    ON CONFLICT ("id", "startedAt") DO NOTHING
    RETURNING *
  ),
  daily AS (${addingTo('UsageDaily', DAILY_KEY, DAILY_VALUES, dailyFrom('ins'))}),
  spend AS (${addingTo('UsageSpend', SPEND_KEY, SPEND_VALUES, spendFrom('ins', SPEND_PERIODS))}),
  tags AS (${addingTo('UsageTagDaily', TAG_DAILY_KEY, TAG_DAILY_VALUES, tagDailyFrom('ins'))})
  SELECT "id", "createdAt" FROM ins`;

/**
 * Stores the events and their counters (see STORE_BATCH). Returns the rows really inserted,
 * with their createdAt: the events that are new.
 */
export async function storeBatch(sql: Sql, events: readonly LedgerEvent[]): Promise<Map<string, Date>> {
  if (events.length === 0) return new Map();
  const rows = await sql.$queryRawUnsafe<{ id: string; createdAt: Date }[]>(STORE_BATCH, ...arrays(EVENT_COLUMNS, events));
  return new Map(rows.map((r) => [r.id, r.createdAt]));
}

/** Moves each key's lastUsedAt forward to its latest use in the batch, in one statement. */
export async function touchKeys(sql: Sql, lastUse: ReadonlyMap<string, Date>): Promise<void> {
  if (lastUse.size === 0) return;
  await sql.$executeRawUnsafe(
    `UPDATE "ApiKey" AS k SET "lastUsedAt" = u.at AT TIME ZONE 'UTC'
     FROM unnest($1::text[], $2::timestamptz[]) AS u(id, at)
     WHERE k."id" = u.id AND (k."lastUsedAt" IS NULL OR k."lastUsedAt" < u.at AT TIME ZONE 'UTC')`,
    [...lastUse.keys()],
    [...lastUse.values()].map((d) => d.toISOString()),
  );
}
