import { Redis } from 'ioredis';
import { perTurn } from '../batching/per-turn.ts';
import { type Admission, type AdmitResult, type BudgetCounter, type MoneyStore, type RateState, type Settlement, settledAmount } from './money-store.ts';
import { redisReady } from './redis-ready.ts';
import { ADMIT_SCRIPT, SETTLE_SCRIPT } from './redis-scripts.ts';

export interface RedisMoneyStoreOptions {
  url: string;
  /** Namespaces every key (the bus prefix), so deployments and test runs can share a Redis. */
  prefix: string;
  /** A command that takes longer fails, so the caller can fall back instead of waiting. */
  commandTimeoutMs?: number;
  /**
   * Refuse to admit (MoneyUnseededError: the guard falls back to its local share) while the
   * control plane has not seeded the counters since Redis came back empty (the epoch key).
   * On when a control plane shares the Redis (data-plane/app.ts with a Redis bus).
   */
  requireEpoch?: boolean;
}

/** The epoch key is missing: the counters restarted from zero and the ledger's spend is not in them yet. */
export class MoneyUnseededError extends Error {
  constructor() {
    super('the money counters in Redis are not seeded (no epoch): Redis restarted empty?');
  }
}

interface AdmitReply {
  ok: boolean;
  reason?: 'rate' | 'quota';
  index?: number;
  retryAfterMs?: number;
  states?: [index: number, remaining: number, resetMs: number][] | Record<string, never>;
  used?: number[] | Record<string, never>;
}

type ScriptRedis = Redis & {
  moneyAdmit(prefix: string, json: string, requireEpoch: string): Promise<string>;
  moneySettle(prefix: string, json: string): Promise<number>;
};

/**
 * The counters in Redis, shared by every data plane: every admit of one event-loop turn goes in
 * one script call, every settle of a turn in another (redis-scripts.ts), so a burst of requests
 * costs two round trips in all, and the limits stay exact (the script applies them one by one). Its own connection, without an offline
 * queue: while Redis is down a command fails at once and the caller uses its local share.
 */
export function createRedisMoneyStore(options: RedisMoneyStoreOptions): MoneyStore & { redis: Redis } {
  const prefix = `${options.prefix}:`;
  const timeoutMs = options.commandTimeoutMs ?? 1000;
  const redis = new Redis(options.url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: timeoutMs,
    // Reconnecting while Redis is down must not pile up; the guard probes on its own schedule.
    // Reconnect quickly and forever: the store is usable again as soon as Redis answers.
    retryStrategy: (times) => Math.min(times * 100, 2000),
  }) as ScriptRedis;
  redis.on('error', () => {
    // Connection errors surface as failed commands; the caller reports the degraded mode.
  });
  const connected = () => redisReady(redis, timeoutMs);
  redis.defineCommand('moneyAdmit', { numberOfKeys: 0, lua: ADMIT_SCRIPT });
  redis.defineCommand('moneySettle', { numberOfKeys: 0, lua: SETTLE_SCRIPT });

  const epochFlag = options.requireEpoch ? '1' : '0';
  const admitBatch = perTurn(async (items: object[]): Promise<AdmitReply[]> => {
    if (redis.status !== 'ready') await connected();
    const reply = JSON.parse(await redis.moneyAdmit(prefix, JSON.stringify(items), epochFlag)) as AdmitReply[] | { unseeded: true };
    if (!Array.isArray(reply)) throw new MoneyUnseededError();
    return reply;
  });
  const settleBatch = perTurn(async (items: object[]): Promise<void[]> => {
    if (redis.status !== 'ready') await connected();
    await redis.moneySettle(prefix, JSON.stringify(items));
    return [];
  });

  function settle(admission: Admission, actual: Settlement, charge: boolean): Promise<void> {
    return settleBatch({
      id: admission.id,
      charge,
      rates: admission.rates
        .filter((r) => r.kind !== 'rpm')
        .map((r) => ({ counter: r.counter, kind: r.kind, limit: r.limit, delta: r.kind === 'tpm' ? actual.tokens - r.cost : 0 })),
      budgets: admission.budgets.map((b) => ({ counter: b.counter, actual: settledAmount(b, actual) })),
    });
  }

  return {
    kind: 'redis',
    redis,
    async admit(admission: Admission): Promise<AdmitResult> {
      const reply = await admitBatch({
        id: admission.id,
        ttl: admission.reservationTtlMs,
        rates: admission.rates.map((r) => ({ counter: r.counter, kind: r.kind, limit: r.limit, cost: r.cost })),
        budgets: admission.budgets.map((b) => ({ counter: b.counter, limit: b.limit ?? -1, amount: b.amount, expiresAt: b.expiresAtMs ?? 0 })),
      });
      // cjson writes an empty table as {}: treat it as the empty list it is.
      const states = Array.isArray(reply.states) ? reply.states : [];
      const rates: RateState[] = states.map(([index, remaining, resetMs]) => ({ check: admission.rates[index - 1], remaining, resetMs }));
      if (reply.ok) {
        const usedList = Array.isArray(reply.used) ? reply.used : [];
        const used: Record<string, number> = {};
        admission.budgets.forEach((b, i) => (used[b.counter] = usedList[i] ?? 0));
        return { ok: true, rates, used };
      }
      if (reply.reason === 'rate') {
        return { ok: false, reason: 'rate_limited', check: admission.rates[reply.index! - 1], retryAfterMs: reply.retryAfterMs ?? 1000, rates };
      }
      return { ok: false, reason: 'quota_exceeded', check: admission.budgets[reply.index! - 1] };
    },

    settle: (admission, actual) => settle(admission, actual, false),
    charge: (admission, actual) => settle(admission, actual, true),
    async budgetCounter(counter: string): Promise<BudgetCounter> {
      await connected();
      const [spent, reserved] = await redis.hmget(prefix + counter, 'spent', 'reserved');
      return { spent: Number(spent ?? 0), reserved: Number(reserved ?? 0) };
    },

    async close() {
      redis.disconnect();
    },
  };
}
