import type { Prisma } from '../../generated/prisma/client.ts';
import type { UsageEvent } from '../../shared/events/usage-event.ts';
import type { DailyDelta, SpendDelta } from './ledger-counters.ts';

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
  type: 'text' | 'int' | 'bigint' | 'bool' | 'timestamptz';
  value: (row: Row) => string | number | boolean | null;
}

const EVENT_COLUMNS: Column<UsageEvent>[] = [
  { name: 'id', type: 'text', value: (e) => e.id },
  { name: 'requestId', type: 'text', value: (e) => e.requestId },
  { name: 'attempt', type: 'int', value: (e) => e.attempt },
  { name: 'teamId', type: 'text', value: (e) => e.teamId },
  { name: 'apiKeyId', type: 'text', value: (e) => e.apiKeyId },
  { name: 'model', type: 'text', value: (e) => e.model },
  { name: 'provider', type: 'text', value: (e) => e.provider },
  { name: 'deploymentId', type: 'text', value: (e) => e.deploymentId },
  { name: 'endUser', type: 'text', value: (e) => e.endUser },
  { name: 'promptTokens', type: 'int', value: (e) => e.promptTokens },
  { name: 'completionTokens', type: 'int', value: (e) => e.completionTokens },
  { name: 'cachedTokens', type: 'int', value: (e) => e.cachedTokens },
  { name: 'costMicroUsd', type: 'bigint', value: (e) => String(e.costMicroUsd) },
  { name: 'providerCostMicroUsd', type: 'bigint', value: (e) => (e.providerCostMicroUsd === undefined ? null : String(e.providerCostMicroUsd)) },
  { name: 'priceVersion', type: 'text', value: (e) => e.priceVersion },
  { name: 'byok', type: 'bool', value: (e) => e.byok ?? false },
  { name: 'estimated', type: 'bool', value: (e) => e.estimated },
  { name: 'status', type: 'int', value: (e) => e.status },
  { name: 'outcome', type: 'text', value: (e) => e.outcome },
  { name: 'streamed', type: 'bool', value: (e) => e.streamed },
  { name: 'latencyMs', type: 'int', value: (e) => e.latencyMs },
  { name: 'ttfbMs', type: 'int', value: (e) => e.ttfbMs },
  { name: 'snapshotVersion', type: 'int', value: (e) => e.snapshotVersion },
  { name: 'snapshotHash', type: 'text', value: (e) => e.snapshotHash },
  { name: 'startedAt', type: 'timestamptz', value: (e) => new Date(e.startedAt).toISOString() },
];

const DAILY_COLUMNS: Column<DailyDelta>[] = [
  { name: 'teamId', type: 'text', value: (d) => d.teamId },
  { name: 'day', type: 'timestamptz', value: (d) => d.day },
  { name: 'apiKeyId', type: 'text', value: (d) => d.apiKeyId },
  { name: 'model', type: 'text', value: (d) => d.model },
  { name: 'provider', type: 'text', value: (d) => d.provider },
  { name: 'endUser', type: 'text', value: (d) => d.endUser },
  { name: 'requests', type: 'int', value: (d) => d.requests },
  { name: 'attempts', type: 'int', value: (d) => d.attempts },
  { name: 'promptTokens', type: 'bigint', value: (d) => String(d.promptTokens) },
  { name: 'completionTokens', type: 'bigint', value: (d) => String(d.completionTokens) },
  { name: 'cachedTokens', type: 'bigint', value: (d) => String(d.cachedTokens) },
  { name: 'costMicroUsd', type: 'bigint', value: (d) => String(d.costMicroUsd) },
  { name: 'byokCostMicroUsd', type: 'bigint', value: (d) => String(d.byokCostMicroUsd) },
];
const DAILY_KEY = 6; // the first six columns are the primary key

const SPEND_COLUMNS: Column<SpendDelta>[] = [
  { name: 'scope', type: 'text', value: (s) => s.scope },
  { name: 'scopeId', type: 'text', value: (s) => s.scopeId },
  { name: 'period', type: 'text', value: (s) => s.period },
  { name: 'periodStart', type: 'timestamptz', value: (s) => s.periodStart },
  { name: 'attempts', type: 'bigint', value: (s) => String(s.attempts) },
  { name: 'costMicroUsd', type: 'bigint', value: (s) => String(s.costMicroUsd) },
  { name: 'creditMicroUsd', type: 'bigint', value: (s) => String(s.creditMicroUsd) },
];
const SPEND_KEY = 4;

/** `SELECT <cols> FROM unnest($1::type[], ...)`, timestamps converted to the UTC timestamp(3) Prisma stores. */
function unnestSelect<Row>(columns: Column<Row>[]): string {
  const select = columns.map((c) => (c.type === 'timestamptz' ? `(u."${c.name}" AT TIME ZONE 'UTC')` : `u."${c.name}"`));
  const args = columns.map((c, i) => `$${i + 1}::${c.type}[]`);
  return `SELECT ${select.join(', ')} FROM unnest(${args.join(', ')}) AS u(${columns.map((c) => `"${c.name}"`).join(', ')})`;
}

function arrays<Row>(columns: Column<Row>[], rows: readonly Row[]): unknown[] {
  return columns.map((c) => rows.map(c.value));
}

const quoted = (columns: Column<never>[] | Column<unknown>[]) => columns.map((c) => `"${c.name}"`).join(', ');

const INSERT_EVENTS = `INSERT INTO "UsageEvent" (${quoted(EVENT_COLUMNS as Column<unknown>[])})
  ${unnestSelect(EVENT_COLUMNS)}
  ON CONFLICT ("id") DO NOTHING
  RETURNING "id", "createdAt"`;

function upsertAdding<Row>(table: string, columns: Column<Row>[], keyCount: number): string {
  const adds = columns.slice(keyCount).map((c) => `"${c.name}" = "${table}"."${c.name}" + EXCLUDED."${c.name}"`);
  return `INSERT INTO "${table}" (${quoted(columns as Column<unknown>[])})
  ${unnestSelect(columns)}
  ON CONFLICT (${quoted(columns.slice(0, keyCount) as Column<unknown>[])}) DO UPDATE SET ${adds.join(', ')}`;
}
const UPSERT_DAILY = upsertAdding('UsageDaily', DAILY_COLUMNS, DAILY_KEY);
const UPSERT_SPEND = upsertAdding('UsageSpend', SPEND_COLUMNS, SPEND_KEY);

/**
 * Inserts the events in one statement; an id already stored is skipped (ON CONFLICT DO NOTHING).
 * Returns the rows really inserted by this statement, with their createdAt: only these may be
 * counted, so a redelivered event adds nothing.
 */
export async function insertEvents(sql: Sql, events: readonly UsageEvent[]): Promise<Map<string, Date>> {
  if (events.length === 0) return new Map();
  const rows = await sql.$queryRawUnsafe<{ id: string; createdAt: Date }[]>(INSERT_EVENTS, ...arrays(EVENT_COLUMNS, events));
  return new Map(rows.map((r) => [r.id, r.createdAt]));
}

/** Adds the deltas to the counters, one upsert per table. */
export async function addToCounters(sql: Sql, deltas: { daily: DailyDelta[]; spend: SpendDelta[] }): Promise<void> {
  if (deltas.daily.length > 0) await sql.$executeRawUnsafe(UPSERT_DAILY, ...arrays(DAILY_COLUMNS, deltas.daily));
  if (deltas.spend.length > 0) await sql.$executeRawUnsafe(UPSERT_SPEND, ...arrays(SPEND_COLUMNS, deltas.spend));
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
