import type { PrismaClient } from '../../generated/prisma/client.ts';

export const USAGE_DIMENSIONS = ['DAY', 'MODEL', 'PROVIDER', 'KEY', 'END_USER'] as const;
export type UsageDimension = (typeof USAGE_DIMENSIONS)[number];

/** Each dimension's SQL expression and output column: a closed map, so no input reaches SQL text. */
const COLUMNS = {
  DAY: { sql: `to_char("day", 'YYYY-MM-DD')`, as: 'day' },
  MODEL: { sql: '"model"', as: 'model' },
  PROVIDER: { sql: '"provider"', as: 'provider' },
  KEY: { sql: '"apiKeyId"', as: 'apiKeyId' },
  // The counters store "no end user" as ''.
  END_USER: { sql: `NULLIF("endUser", '')`, as: 'endUser' },
} as const satisfies Record<UsageDimension, { sql: string; as: string }>;

export interface UsageRollupRow {
  day: string | null;
  model: string | null;
  provider: string | null;
  apiKeyId: string | null;
  endUser: string | null;
  requests: number;
  attempts: number;
  promptTokens: number;
  completionTokens: number;
  cachedTokens: number;
  cost: bigint;
  /** Requests answered from the response cache. */
  cacheHits: number;
  /** What the cached answers cost when they were stored: the money the cache saved. */
  cacheSaved: bigint;
}

const DAY_MS = 86_400_000;

/**
 * Sums the daily counters (UsageDaily, kept by ingestion, never expired) per team and the chosen
 * dimensions. Day resolution: every UTC day that overlaps [from, to) counts in full. A request
 * counts once, in the group of its first attempt. Its cost depends on the number of days, keys,
 * models, providers and end users in the range, not on the number of events.
 */
export async function usageRollup(
  prisma: PrismaClient,
  query: { teamId: string; groupBy: readonly UsageDimension[]; from: Date; to: Date },
): Promise<UsageRollupRow[]> {
  const dims = [...new Set(query.groupBy)].map((d) => COLUMNS[d]);
  const select = dims.map((d) => `${d.sql} AS "${d.as}"`);
  const groupBy = dims.length > 0 ? `GROUP BY ${dims.map((_, i) => i + 1).join(', ')}` : '';
  const orderBy = dims.length > 0 ? `ORDER BY ${dims.map((_, i) => i + 1).join(', ')}` : '';
  const sql = `
    SELECT ${[
      ...select,
      'COALESCE(SUM("requests"), 0)::bigint AS "requests"',
      'COALESCE(SUM("attempts"), 0)::bigint AS "attempts"',
      'COALESCE(SUM("promptTokens"), 0)::bigint AS "promptTokens"',
      'COALESCE(SUM("completionTokens"), 0)::bigint AS "completionTokens"',
      'COALESCE(SUM("cachedTokens"), 0)::bigint AS "cachedTokens"',
      'COALESCE(SUM("costMicroUsd"), 0)::bigint AS "cost"',
      'COALESCE(SUM("cacheHits"), 0)::bigint AS "cacheHits"',
      'COALESCE(SUM("cacheSavedMicroUsd"), 0)::bigint AS "cacheSaved"',
    ].join(', ')}
    FROM "UsageDaily"
    WHERE "teamId" = $1 AND "day" > ($2::timestamptz AT TIME ZONE 'UTC') AND "day" < ($3::timestamptz AT TIME ZONE 'UTC')
    ${groupBy} ${orderBy}`;
  // A day overlaps [from, to) when day > from - 1 day and day < to.
  const after = new Date(query.from.getTime() - DAY_MS).toISOString();
  const rows = await prisma.$queryRawUnsafe<Record<string, unknown>[]>(sql, query.teamId, after, query.to.toISOString());
  return rows.map((row) => ({
    day: (row.day as string | undefined) ?? null,
    model: (row.model as string | undefined) ?? null,
    provider: (row.provider as string | undefined) ?? null,
    apiKeyId: (row.apiKeyId as string | undefined) ?? null,
    endUser: (row.endUser as string | undefined) ?? null,
    requests: Number(row.requests),
    attempts: Number(row.attempts),
    promptTokens: Number(row.promptTokens),
    completionTokens: Number(row.completionTokens),
    cachedTokens: Number(row.cachedTokens),
    cost: BigInt(row.cost as bigint | number | string),
    cacheHits: Number(row.cacheHits),
    cacheSaved: BigInt(row.cacheSaved as bigint | number | string),
  }));
}
