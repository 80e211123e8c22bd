import type { BudgetPeriod } from '../snapshot/schema.ts';

/**
 * The names of the money counters in Redis (relative to `<prefix>:`), built here so the data
 * plane (which takes and settles them) and the control plane (which re-seeds them from its
 * ledger after Redis came back empty) always agree. Layout: data-plane/money/redis-scripts.ts.
 */
export type BudgetScope = 'key' | 'team' | 'model';

/** Hash `spent`, `reserved` (micro-USD) of one budget scope in one period (`periodOf(...).key`). */
export const budgetCounterName = (scope: BudgetScope, scopeId: string, period: BudgetPeriod, periodKey: string) =>
  `budget:${scope}:${scopeId}:${period}:${periodKey}`;

/** Budget counters outlive their period by this much (late settles, dashboards), then expire. */
const COUNTER_GRACE_MS = 35 * 86_400_000;

/** When a budget counter of a period ending at `periodEndsAtMs` expires (null: a period without end, never). */
export const budgetCounterExpiresAt = (periodEndsAtMs: number | null): number | null => (periodEndsAtMs === null ? null : periodEndsAtMs + COUNTER_GRACE_MS);

/** Hash `spent`, `reserved` of a prepaid team's credits (all time). */
export const creditsCounterName = (teamId: string) => `credits:team:${teamId}`;

/**
 * Counter groups: the counters one Redis Cluster slot holds together (shared/money/redis-money-keys.ts).
 * A team's rate limits, budgets and credits and those of its keys form one group, so the usual
 * admission (key + team) is one atomic script; a deployment's limits and a model's budgets, shared
 * by every team, are groups of their own.
 */
export const teamCounterGroup = (teamId: string) => `t:${teamId}`;
export const deploymentCounterGroup = (deploymentId: string) => `d:${deploymentId}`;
export const modelCounterGroup = (modelId: string) => `m:${modelId}`;

/**
 * String: set by the control plane once it has written its ledger's spend into the counters.
 * Missing (Redis restarted empty, failed over, flushed): the counters cannot be trusted, and the
 * data planes stay on their local share until it is back (docs/money.md, "Redis restarted empty").
 */
export const MONEY_EPOCH_KEY = 'money:epoch';

/** One counter the control plane re-seeds: its spend from the ledger, and when it may expire. */
export interface MoneyCounterSeed {
  counter: string;
  /** Its counter group (teamCounterGroup...), which places it in a Redis Cluster. */
  group: string;
  spentMicroUsd: number;
  expiresAtMs: number | null;
}

/** A signed change of one counter's spend (a re-rating's adjustments in the current period). */
export interface MoneyCounterChange {
  counter: string;
  group: string;
  deltaMicroUsd: number;
  expiresAtMs: number | null;
}

/** The control plane's view of the money counters in Redis (a Redis bus only). */
export interface MoneyEpochStore {
  /** Whether the epoch key exists (the counters were seeded since Redis last came back empty). */
  present(): Promise<boolean>;
  /**
   * Raises each counter's `spent` to the ledger's value (never lowers it: spend settled in Redis
   * but not yet in the ledger stays), then sets a new epoch, in one atomic script.
   */
  reseed(seeds: readonly MoneyCounterSeed[]): Promise<void>;
  /**
   * Moves each counter's `spent` by its delta (down too), atomically per counter group's slot:
   * what the ledger's counters moved by in the same period, so enforcement agrees with the ledger.
   * Once per `id`: calling again with an id already applied moves nothing, so a caller that got no
   * answer may retry.
   */
  adjust(id: string, changes: readonly MoneyCounterChange[]): Promise<void>;
}
