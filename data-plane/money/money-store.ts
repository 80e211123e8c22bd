/**
 * The counters behind rate limits, budgets and prepaid credits, and the one operation that
 * checks and takes them all at once. Two implementations with the same semantics: Redis (every
 * data plane shares the counters: redis-money-store.ts) and memory (one data plane, no Redis, or
 * the declared local share while Redis is down: memory-money-store.ts).
 */

/** The rolling window of rpm and tpm. */
export const RATE_WINDOW_MS = 60_000;

export type RateKind = 'rpm' | 'tpm' | 'parallel';
export type RateScope = 'key' | 'team' | 'deployment';

export interface RateCheck {
  /** Store-relative counter name, e.g. `rl:team:<id>:tpm`. */
  counter: string;
  /**
   * The counter group (shared/money/money-counters.ts): counters of one group share a Redis
   * Cluster slot and are admitted atomically. Unset: the counter is a group of its own.
   */
  group?: string;
  scope: RateScope;
  kind: RateKind;
  limit: number;
  /** What this request takes: 1 request, its estimated tokens (prompt + max output), 1 slot. */
  cost: number;
}

export interface BudgetCheck {
  /** Store-relative counter name, e.g. `budget:team:<id>:monthly:2026-11` or `credits:team:<id>`. */
  counter: string;
  /** As RateCheck.group. */
  group?: string;
  /** Names the budget in the 429 message, e.g. `team budget b1 (monthly)`. */
  label: string;
  /** Integer micro-USD; null never blocks (soft budgets count, and alert, but never reject). */
  limit: number | null;
  /** Reserved now, integer micro-USD: the request's maximum cost. */
  amount: number;
  /** `credits` counters draw only what is not bring-your-own-key. */
  draws: 'all' | 'credits';
  /** When the counter may be forgotten (period end plus a grace), or null to keep it. */
  expiresAtMs: number | null;
}

/** One request's claim on the counters; `id` makes settle idempotent. */
export interface Admission {
  id: string;
  rates: readonly RateCheck[];
  budgets: readonly BudgetCheck[];
  /** A reservation not settled by then (its data plane died) is dropped by the next admit. */
  reservationTtlMs: number;
}

/** One rpm/tpm counter after the admit, for the x-ratelimit-* headers. */
export interface RateState {
  check: RateCheck;
  remaining: number;
  /** Until the counter is back to its full limit. */
  resetMs: number;
}

export type AdmitResult =
  | { ok: true; rates: RateState[] /** spent + reserved per budget counter before this request. */; used: Record<string, number> }
  | { ok: false; reason: 'rate_limited'; check: RateCheck; retryAfterMs: number; rates: RateState[] }
  | { ok: false; reason: 'quota_exceeded'; check: BudgetCheck };

/** What the request really took, summed over its attempts. */
export interface Settlement {
  /** Charged to the team (markup included), integer micro-USD. */
  costMicroUsd: number;
  /** The part of it that draws prepaid credits (not bring-your-own-key). */
  creditCostMicroUsd: number;
  /** Input + output tokens, to correct the tpm estimate. */
  tokens: number;
}

export const NOTHING_SPENT: Settlement = { costMicroUsd: 0, creditCostMicroUsd: 0, tokens: 0 };

export interface BudgetCounter {
  spent: number;
  reserved: number;
}

export interface MoneyStore {
  readonly kind: 'redis' | 'memory';
  /** Checks every counter against its limit, then takes all of them or none, atomically. */
  admit(admission: Admission): Promise<AdmitResult>;
  /**
   * Ends the admission: releases what it reserved, adds what it spent, frees its parallel slot,
   * corrects its token estimate. Idempotent: only an open admission settles. A release is a settle
   * with NOTHING_SPENT.
   */
  settle(admission: Admission, actual: Settlement): Promise<void>;
  /**
   * Adds spend that has no open admission in this store (spent on the local share during a Redis
   * outage, replayed when it is back), idempotent by id. Pass `rates: []`.
   */
  charge(admission: Admission, actual: Settlement): Promise<void>;
  /** A budget counter by name and group (RateCheck.group), as the admissions named it. */
  budgetCounter(counter: string, group?: string): Promise<BudgetCounter>;
  close(): Promise<void>;
}

export const SETTLED_MEMORY_MS = 86_400_000;

/** The amount a budget counter is settled with. */
export function settledAmount(check: BudgetCheck, actual: Settlement): number {
  return check.draws === 'credits' ? actual.creditCostMicroUsd : actual.costMicroUsd;
}

/** Whether `used + amount` breaks the limit (a full budget refuses even a free request). */
export function exceeds(limit: number | null, used: number, amount: number): boolean {
  if (limit === null) return false;
  return amount > 0 ? used + amount > limit : used >= limit;
}
