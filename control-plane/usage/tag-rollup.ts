import type { PrismaClient } from '../../generated/prisma/client.ts';
import type { UsageRollupRow } from './usage-rollup.ts';

/** A tag's usage: usageRollup's sums (its dimensions aside), and the part served by the team's own providers. */
export interface TagRollupRow extends Omit<UsageRollupRow, 'model' | 'provider' | 'apiKeyId' | 'endUser'> {
  tag: string;
  /** The part of `cost` served by the team's own providers (no credits drawn). */
  byokCost: bigint;
}

const DAY_MS = 86_400_000;

/**
 * Sums the tag counters (UsageTagDaily, kept by ingestion, never expired) of one team per tag,
 * and per UTC day with `byDay`, over every day that overlaps [from, to) (as usageRollup). `tags`
 * narrows to those tags. An event with several tags counts in each: rows overlap.
 */
export async function tagRollup(
  prisma: PrismaClient,
  query: { teamId: string; from: Date; to: Date; byDay: boolean; tags?: readonly string[] | null },
): Promise<TagRollupRow[]> {
  const day = query.byDay ? `to_char("day", 'YYYY-MM-DD')` : 'NULL::text';
  const rows = await prisma.$queryRawUnsafe<Record<string, unknown>[]>(
    `SELECT "tag", ${day} AS "day",
       SUM("requests")::bigint AS "requests", SUM("attempts")::bigint AS "attempts",
       SUM("promptTokens")::bigint AS "promptTokens", SUM("completionTokens")::bigint AS "completionTokens",
       SUM("cachedTokens")::bigint AS "cachedTokens", SUM("costMicroUsd")::bigint AS "cost",
       SUM("byokCostMicroUsd")::bigint AS "byokCost", SUM("cacheHits")::bigint AS "cacheHits",
       SUM("cacheSavedMicroUsd")::bigint AS "cacheSaved"
     FROM "UsageTagDaily"
     WHERE "teamId" = $1 AND "day" > ($2::timestamptz AT TIME ZONE 'UTC') AND "day" < ($3::timestamptz AT TIME ZONE 'UTC')
       AND ($4::text[] IS NULL OR "tag" = ANY($4::text[]))
     GROUP BY 1, 2 ORDER BY 1, 2`,
    query.teamId,
    // A day overlaps [from, to) when day > from - 1 day and day < to.
    new Date(query.from.getTime() - DAY_MS).toISOString(),
    query.to.toISOString(),
    query.tags ? [...query.tags] : null,
  );
  return rows.map((row) => ({
    tag: row.tag as string,
    day: (row.day as string | null) ?? null,
    requests: Number(row.requests),
    attempts: Number(row.attempts),
    promptTokens: Number(row.promptTokens),
    completionTokens: Number(row.completionTokens),
    cachedTokens: Number(row.cachedTokens),
    cost: BigInt(row.cost as bigint),
    byokCost: BigInt(row.byokCost as bigint),
    cacheHits: Number(row.cacheHits),
    cacheSaved: BigInt(row.cacheSaved as bigint),
  }));
}
