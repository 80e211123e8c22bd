import type { PrismaClient } from '../../generated/prisma/client.ts';
import {
  DAILY_KEY,
  DAILY_VALUES,
  EXPECTED_DAILY,
  EXPECTED_MINUTE_SPEND,
  EXPECTED_MODEL_SPEND,
  EXPECTED_PERIOD_SPEND,
  SPEND_KEY,
  SPEND_VALUES,
} from './ledger-recompute.sql.ts';
import { EXPECTED_TAG_DAILY, TAG_DAILY_KEY, TAG_DAILY_VALUES } from './ledger-tags.sql.ts';
import { minuteCountersKeptFrom, rawEventsKeptFrom } from './retention.ts';

/** One counter row that differs from its recompute; a missing side is null. */
export interface CounterDifference {
  table: 'UsageDaily' | 'UsageSpend' | 'UsageTagDaily';
  key: Record<string, string>;
  stored: Record<string, string> | null;
  expected: Record<string, string> | null;
}

export interface RepairReport {
  /** Raw events from this instant on were recomputed (older ones have expired). */
  rawEventsFrom: Date;
  differences: CounterDifference[];
  /** Whether the differences were written back (false for a check). */
  repaired: boolean;
}

/** Rows of `expected` and of `table` (restricted by `where`, summed over the shards) that differ, by full outer join. */
function differenceSql(table: string, expected: string, key: string[], values: string[], where: string): string {
  const on = key.map((k) => `a."${k}" = e."${k}"`).join(' AND ');
  const differ = values.map((v) => `a."${v}" IS DISTINCT FROM e."${v}"`).join(' OR ');
  const cols = (side: string) => [...key, ...values].map((c) => `${side}."${c}"::text AS "${side}_${c}"`).join(', ');
  const stored = `SELECT ${key.map((k) => `"${k}"`).join(', ')}, ${values.map((v) => `SUM("${v}")::bigint AS "${v}"`).join(', ')}
    FROM "${table}" WHERE ${where} GROUP BY ${key.map((_, i) => i + 1).join(', ')}`;
  return `
    WITH e AS (${expected}), a AS (${stored})
    SELECT ${cols('a')}, ${cols('e')} FROM a FULL OUTER JOIN e ON ${on}
    WHERE a."${key[0]}" IS NULL OR e."${key[0]}" IS NULL OR ${differ}`;
}

function insertAll(table: string, columns: string[], expected: string): string {
  const list = columns.map((c) => `"${c}"`).join(', ');
  return `INSERT INTO "${table}" (${list}) SELECT ${list} FROM (${expected}) AS e`;
}

function toDifferences(table: CounterDifference['table'], rows: Record<string, string | null>[], key: string[], values: string[]): CounterDifference[] {
  const pick = (row: Record<string, string | null>, side: string, cols: string[]) =>
    row[`${side}_${key[0]}`] === null ? null : Object.fromEntries(cols.map((c) => [c, String(row[`${side}_${c}`])]));
  return rows.map((row) => ({
    table,
    key: (pick(row, 'a', key) ?? pick(row, 'e', key))!,
    stored: pick(row, 'a', values),
    expected: pick(row, 'e', values),
  }));
}

/**
 * Recomputes the usage counters from the raw events and reports every row that differs: the
 * daily counters and the tag counters of the days whose raw events are all still kept, the budget-period counters
 * of teams and keys from the daily ones (all history), those of model budgets from the raw events
 * (periods whose raw events are all kept), the minute counters of the burn-rate window. With
 * `fix`, rewrites those rows to the recompute in the same transaction. The counter tables are
 * locked meanwhile, so ingestion waits (a batch that already inserted its events adds its
 * counters after the repair commits, on top of a recompute that did not see them: still exact).
 */
export async function repairLedger(prisma: PrismaClient, options: { fix: boolean; now?: Date }): Promise<RepairReport> {
  const now = options.now ?? new Date();
  return prisma.$transaction(
    async (tx) => {
      await tx.$executeRawUnsafe('LOCK TABLE "UsageDaily", "UsageSpend", "UsageTagDaily" IN SHARE ROW EXCLUSIVE MODE');
      const rawFrom = await rawEventsKeptFrom(tx);
      const minuteFrom = new Date(Math.max(minuteCountersKeptFrom(now).getTime(), rawFrom.getTime()));
      const dailyWhere = `"day" >= ($1::timestamptz AT TIME ZONE 'UTC')`;
      const daily = await tx.$queryRawUnsafe<Record<string, string | null>[]>(
        differenceSql('UsageDaily', EXPECTED_DAILY, DAILY_KEY, DAILY_VALUES, dailyWhere),
        rawFrom.toISOString(),
      );
      const differences = toDifferences('UsageDaily', daily, DAILY_KEY, DAILY_VALUES);
      if (options.fix && daily.length > 0) {
        await tx.$executeRawUnsafe(`DELETE FROM "UsageDaily" WHERE ${dailyWhere}`, rawFrom.toISOString());
        await tx.$executeRawUnsafe(insertAll('UsageDaily', [...DAILY_KEY, ...DAILY_VALUES], EXPECTED_DAILY), rawFrom.toISOString());
      }
      // The tag counters of the same days, from the same raw events.
      const tagged = await tx.$queryRawUnsafe<Record<string, string | null>[]>(
        differenceSql('UsageTagDaily', EXPECTED_TAG_DAILY, TAG_DAILY_KEY, TAG_DAILY_VALUES, dailyWhere),
        rawFrom.toISOString(),
      );
      differences.push(...toDifferences('UsageTagDaily', tagged, TAG_DAILY_KEY, TAG_DAILY_VALUES));
      if (options.fix && tagged.length > 0) {
        await tx.$executeRawUnsafe(`DELETE FROM "UsageTagDaily" WHERE ${dailyWhere}`, rawFrom.toISOString());
        await tx.$executeRawUnsafe(insertAll('UsageTagDaily', [...TAG_DAILY_KEY, ...TAG_DAILY_VALUES], EXPECTED_TAG_DAILY), rawFrom.toISOString());
      }
      // After the daily rows are right: the period counters derive from them.
      const periodWhere = `"period" <> 'minute' AND "scope" <> 'model'`;
      const periods = await tx.$queryRawUnsafe<Record<string, string | null>[]>(
        differenceSql('UsageSpend', EXPECTED_PERIOD_SPEND, SPEND_KEY, SPEND_VALUES, periodWhere),
      );
      const minuteWhere = `"period" = 'minute' AND "periodStart" >= ($1::timestamptz AT TIME ZONE 'UTC')`;
      const minutes = await tx.$queryRawUnsafe<Record<string, string | null>[]>(
        differenceSql('UsageSpend', EXPECTED_MINUTE_SPEND, SPEND_KEY, SPEND_VALUES, minuteWhere),
        minuteFrom.toISOString(),
      );
      // Model budgets' counters, for the periods whose raw events are all kept.
      const modelWhere = `"scope" = 'model' AND "period" <> 'minute' AND "periodStart" >= ($1::timestamptz AT TIME ZONE 'UTC')`;
      const models = await tx.$queryRawUnsafe<Record<string, string | null>[]>(
        differenceSql('UsageSpend', EXPECTED_MODEL_SPEND, SPEND_KEY, SPEND_VALUES, modelWhere),
        rawFrom.toISOString(),
      );
      differences.push(...toDifferences('UsageSpend', [...periods, ...minutes, ...models], SPEND_KEY, SPEND_VALUES));
      if (options.fix && periods.length > 0) {
        await tx.$executeRawUnsafe(`DELETE FROM "UsageSpend" WHERE ${periodWhere}`);
        await tx.$executeRawUnsafe(insertAll('UsageSpend', [...SPEND_KEY, ...SPEND_VALUES], EXPECTED_PERIOD_SPEND));
      }
      if (options.fix && minutes.length > 0) {
        await tx.$executeRawUnsafe(`DELETE FROM "UsageSpend" WHERE ${minuteWhere}`, minuteFrom.toISOString());
        await tx.$executeRawUnsafe(insertAll('UsageSpend', [...SPEND_KEY, ...SPEND_VALUES], EXPECTED_MINUTE_SPEND), minuteFrom.toISOString());
      }
      if (options.fix && models.length > 0) {
        await tx.$executeRawUnsafe(`DELETE FROM "UsageSpend" WHERE ${modelWhere}`, rawFrom.toISOString());
        await tx.$executeRawUnsafe(insertAll('UsageSpend', [...SPEND_KEY, ...SPEND_VALUES], EXPECTED_MODEL_SPEND), rawFrom.toISOString());
      }
      return { rawEventsFrom: rawFrom, differences, repaired: options.fix && differences.length > 0 };
    },
    { timeout: 600_000, maxWait: 60_000 },
  );
}
