import type { PrismaClient } from '../../generated/prisma/client.ts';

export const USAGE_DIMENSIONS = ['DAY', 'MODEL', 'PROVIDER', 'KEY', 'END_USER'] as const;
export type UsageDimension = (typeof USAGE_DIMENSIONS)[number];

/** Each dimension's SQL expression and output column: a closed map, so no input reaches SQL text. */
const COLUMNS = {
  DAY: { sql: `to_char(("startedAt" AT TIME ZONE 'UTC'), 'YYYY-MM-DD')`, as: 'day' },
  MODEL: { sql: '"model"', as: 'model' },
  PROVIDER: { sql: '"provider"', as: 'provider' },
  KEY: { sql: '"apiKeyId"', as: 'apiKeyId' },
  END_USER: { sql: '"endUser"', as: 'endUser' },
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
}

/**
 * Sums the ledger (UsageEvent, one row per attempt, each stored once) per team and the chosen
 * dimensions, over [from, to) by attempt start. Computed on read from the (teamId, startedAt)
 * index; a materialized daily table is the next step once ledgers grow large.
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
    SELECT ${[...select,
      'COUNT(DISTINCT "requestId")::int AS "requests"',
      'COUNT(*)::int AS "attempts"',
      'COALESCE(SUM("promptTokens"), 0)::bigint AS "promptTokens"',
      'COALESCE(SUM("completionTokens"), 0)::bigint AS "completionTokens"',
      'COALESCE(SUM("cachedTokens"), 0)::bigint AS "cachedTokens"',
      'COALESCE(SUM("costMicroUsd"), 0)::bigint AS "cost"'].join(', ')}
    FROM "UsageEvent"
    WHERE "teamId" = $1 AND "startedAt" >= $2 AND "startedAt" < $3
    ${groupBy} ${orderBy}`;
  const rows = await prisma.$queryRawUnsafe<Record<string, unknown>[]>(sql, query.teamId, query.from, query.to);
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
  }));
}

