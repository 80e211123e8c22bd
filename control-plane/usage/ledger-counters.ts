import type { UsageEvent } from '../../shared/events/usage-event.ts';
import { periodStart } from '../../shared/budgets/periods.ts';

/** The periods a spend counter is kept for: the budget periods, and minutes for the burn rate. */
export const SPEND_PERIODS = ['minute', 'daily', 'weekly', 'monthly', 'total'] as const;
export type SpendPeriod = (typeof SPEND_PERIODS)[number];
export type SpendScope = 'team' | 'key';

export interface DailyDelta {
  teamId: string;
  day: string;
  apiKeyId: string;
  model: string;
  provider: string;
  endUser: string;
  requests: number;
  attempts: number;
  promptTokens: bigint;
  completionTokens: bigint;
  cachedTokens: bigint;
  costMicroUsd: bigint;
  byokCostMicroUsd: bigint;
}

export interface SpendDelta {
  scope: SpendScope;
  scopeId: string;
  period: SpendPeriod;
  periodStart: string;
  attempts: bigint;
  costMicroUsd: bigint;
  creditMicroUsd: bigint;
}

const MINUTE_MS = 60_000;

/** The start of the counter bucket `at` falls in, for one spend period. */
export function spendPeriodStart(period: SpendPeriod, at: number): Date {
  return period === 'minute' ? new Date(Math.floor(at / MINUTE_MS) * MINUTE_MS) : periodStart(period, at);
}

/**
 * What a set of newly stored events adds to the counters, summed per counter row in memory, so
 * one batch writes each row once (an upsert may not touch one row twice in a statement).
 * Pure: the caller passes only the events its insert really stored.
 */
export function counterDeltas(events: readonly UsageEvent[]): { daily: DailyDelta[]; spend: SpendDelta[] } {
  const daily = new Map<string, DailyDelta>();
  const spend = new Map<string, SpendDelta>();
  for (const event of events) {
    const at = Date.parse(event.startedAt);
    const cost = BigInt(event.costMicroUsd);
    const byok = event.byok === true;
    const day = periodStart('daily', at).toISOString();
    const endUser = event.endUser ?? '';
    const dailyKey = JSON.stringify([event.teamId, day, event.apiKeyId, event.model, event.provider, endUser]);
    let d = daily.get(dailyKey);
    if (!d) {
      d = {
        teamId: event.teamId, day, apiKeyId: event.apiKeyId, model: event.model, provider: event.provider, endUser,
        requests: 0, attempts: 0, promptTokens: 0n, completionTokens: 0n, cachedTokens: 0n, costMicroUsd: 0n, byokCostMicroUsd: 0n,
      };
      daily.set(dailyKey, d);
    }
    if (event.attempt === 1) d.requests += 1;
    d.attempts += 1;
    d.promptTokens += BigInt(event.promptTokens);
    d.completionTokens += BigInt(event.completionTokens);
    d.cachedTokens += BigInt(event.cachedTokens);
    d.costMicroUsd += cost;
    if (byok) d.byokCostMicroUsd += cost;

    for (const [scope, scopeId] of [['team', event.teamId], ['key', event.apiKeyId]] as const) {
      for (const period of SPEND_PERIODS) {
        const start = spendPeriodStart(period, at).toISOString();
        const key = `${scope}\u0000${scopeId}\u0000${period}\u0000${start}`;
        let s = spend.get(key);
        if (!s) {
          s = { scope, scopeId, period, periodStart: start, attempts: 0n, costMicroUsd: 0n, creditMicroUsd: 0n };
          spend.set(key, s);
        }
        s.attempts += 1n;
        s.costMicroUsd += cost;
        if (!byok) s.creditMicroUsd += cost;
      }
    }
  }
  return { daily: [...daily.values()], spend: [...spend.values()] };
}
