import { connectRedis, isCluster, type RedisClient } from '../../shared/bus/redis-client.ts';
import { moneyKeys } from '../../shared/money/redis-money-keys.ts';
import { perTurn } from '../batching/per-turn.ts';
import { type AdmissionPart, admissionParts } from './admission-parts.ts';
import { type Admission, type AdmitResult, type BudgetCounter, type MoneyStore, type RateState, type Settlement, settledAmount } from './money-store.ts';
import { redisReady } from './redis-ready.ts';
import { ADMIT_SCRIPT, SETTLE_SCRIPT } from './redis-scripts.ts';

export interface RedisMoneyStoreOptions {
  /** One server, or a cluster (`redis+cluster://`: shared/bus/redis-client.ts). */
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

/** One script item with the slot it runs on and the keys it names (declared as KEYS). */
interface SlotItem {
  slot: number;
  epochKey: string;
  keys: string[];
  item: object;
}

type ScriptRedis = RedisClient & {
  moneyAdmit(...args: (string | number)[]): Promise<string>;
  moneySettle(...args: (string | number)[]): Promise<number>;
};

/**
 * The counters in Redis, shared by every data plane: every admit of one event-loop turn goes in
 * one script call per slot, every settle of a turn in another (redis-scripts.ts), so a burst of
 * requests costs two round trips in all, and the limits stay exact (the script applies them one
 * by one). On one server every counter is in one slot. On a cluster an admission whose counters
 * span groups (a deployment's limits, a model's budget) is admitted part by part, and undone part
 * by part when a later part refuses (admission-parts.ts, docs/money.md). Its own connection,
 * without an offline queue: while Redis is down a command fails at once and the caller uses its
 * local share.
 */
export function createRedisMoneyStore(options: RedisMoneyStoreOptions): MoneyStore & { redis: RedisClient } {
  const timeoutMs = options.commandTimeoutMs ?? 1000;
  const redis = connectRedis(options.url, {
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
  const keys = moneyKeys(options.prefix, isCluster(redis));
  const connected = () => redisReady(redis, timeoutMs);
  redis.defineCommand('moneyAdmit', { lua: ADMIT_SCRIPT });
  redis.defineCommand('moneySettle', { lua: SETTLE_SCRIPT });

  /** Runs a turn's items, one script call per slot, in parallel; a failed call fails its own items only. */
  function bySlot<T>(call: (slotKeys: string[], json: string) => Promise<T[]>) {
    return perTurn(async (items: SlotItem[]): Promise<(T | Error)[]> => {
      if (redis.status !== 'ready') await connected();
      const slots = new Map<number, number[]>();
      items.forEach((item, i) => {
        const list = slots.get(item.slot);
        if (list) list.push(i);
        else slots.set(item.slot, [i]);
      });
      const results: (T | Error)[] = new Array(items.length);
      await Promise.all(
        [...slots.values()].map(async (indexes) => {
          const declared = new Set<string>();
          for (const i of indexes) for (const key of items[i].keys) declared.add(key);
          try {
            const replies = await call([items[indexes[0]].epochKey, ...declared], JSON.stringify(indexes.map((i) => items[i].item)));
            indexes.forEach((i, n) => (results[i] = replies[n]));
          } catch (error) {
            for (const i of indexes) results[i] = error instanceof Error ? error : new Error(String(error));
          }
        }),
      );
      return results;
    });
  }

  const epochFlag = options.requireEpoch ? '1' : '0';
  const admitBatch = bySlot(async (slotKeys, json): Promise<AdmitReply[]> => {
    const reply = JSON.parse(await redis.moneyAdmit(slotKeys.length, ...slotKeys, json, epochFlag)) as AdmitReply[] | { unseeded: true };
    if (!Array.isArray(reply)) throw new MoneyUnseededError();
    return reply;
  });
  const settleBatch = bySlot(async (slotKeys, json): Promise<void[]> => {
    await redis.moneySettle(slotKeys.length, ...slotKeys, json);
    return [];
  });
  const run = async <T>(batch: (item: SlotItem) => Promise<T | Error>, item: SlotItem): Promise<T> => {
    const result = await batch(item);
    if (result instanceof Error) throw result;
    return result;
  };

  /** The item with the keys its rates and budgets name (each counter's full key built once). */
  const slotItem = (part: AdmissionPart, item: { rates: { key: string }[]; budgets: { key: string }[] } & Record<string, unknown>): SlotItem => ({
    slot: keys.slotOf(part.group),
    epochKey: keys.epochFor(part.group),
    keys: [...item.rates.map((r) => r.key), ...item.budgets.map((b) => b.key)],
    item,
  });

  function admitPart(admission: Admission, part: AdmissionPart): Promise<AdmitReply> {
    return run(
      admitBatch,
      slotItem(part, {
        id: admission.id,
        mark: keys.admission(part.group, admission.id),
        ttl: admission.reservationTtlMs,
        rates: part.rates.map(({ check: r }) => ({ key: keys.counter(part.group, r.counter), kind: r.kind, limit: r.limit, cost: r.cost })),
        budgets: part.budgets.map(({ check: b }) => ({
          key: keys.counter(part.group, b.counter),
          limit: b.limit ?? -1,
          amount: b.amount,
          expiresAt: b.expiresAtMs ?? 0,
        })),
      }),
    );
  }

  /** Settles one part; `undo` also gives back the rpm and tpm it took (the admission never ran). */
  function settlePart(admission: Admission, part: AdmissionPart, actual: Settlement, mode: 'settle' | 'charge' | 'undo'): Promise<void> {
    const rates = part.rates.map(({ check: r }) => r).filter((r) => mode === 'undo' || r.kind !== 'rpm');
    return run(
      settleBatch,
      slotItem(part, {
        id: admission.id,
        charge: mode === 'charge',
        mark: mode === 'charge' ? keys.charge(part.group, admission.id) : keys.admission(part.group, admission.id),
        rates: rates.map((r) => ({
          key: keys.counter(part.group, r.counter),
          kind: r.kind,
          limit: r.limit,
          delta: mode === 'undo' ? (r.kind === 'parallel' ? 0 : -r.cost) : r.kind === 'tpm' ? actual.tokens - r.cost : 0,
        })),
        budgets: part.budgets.map(({ check: b }) => ({ key: keys.counter(part.group, b.counter), actual: settledAmount(b, actual) })),
      }),
    ).then(() => undefined);
  }

  /** Gives back what the parts admitted so far took; a part that cannot be undone expires with its reservation TTL. */
  async function undo(admission: Admission, parts: readonly AdmissionPart[]): Promise<void> {
    await Promise.all(parts.map((part) => settlePart(admission, part, { costMicroUsd: 0, creditCostMicroUsd: 0, tokens: 0 }, 'undo').catch(() => undefined)));
  }

  async function settle(admission: Admission, actual: Settlement, mode: 'settle' | 'charge'): Promise<void> {
    await Promise.all(admissionParts(admission, keys.cluster).map((part) => settlePart(admission, part, actual, mode)));
  }

  return {
    kind: 'redis',
    redis,
    async admit(admission: Admission): Promise<AdmitResult> {
      const parts = admissionParts(admission, keys.cluster);
      const rates: RateState[] = [];
      const used: Record<string, number> = {};
      for (let p = 0; p < parts.length; p++) {
        const part = parts[p];
        let reply: AdmitReply;
        try {
          reply = await admitPart(admission, part);
        } catch (error) {
          await undo(admission, parts.slice(0, p));
          throw error;
        }
        // cjson writes an empty table as {}: treat it as the empty list it is.
        const states = Array.isArray(reply.states) ? reply.states : [];
        for (const [index, remaining, resetMs] of states) rates.push({ check: part.rates[index - 1].check, remaining, resetMs });
        if (!reply.ok) {
          await undo(admission, parts.slice(0, p));
          if (reply.reason === 'rate') {
            return { ok: false, reason: 'rate_limited', check: part.rates[reply.index! - 1].check, retryAfterMs: reply.retryAfterMs ?? 1000, rates };
          }
          return { ok: false, reason: 'quota_exceeded', check: part.budgets[reply.index! - 1].check };
        }
        const usedList = Array.isArray(reply.used) ? reply.used : [];
        part.budgets.forEach((b, i) => (used[b.check.counter] = usedList[i] ?? 0));
      }
      // The headers list rates in the admission's order, whatever order the parts ran in.
      rates.sort((a, b) => admission.rates.indexOf(a.check) - admission.rates.indexOf(b.check));
      return { ok: true, rates, used };
    },

    settle: (admission, actual) => settle(admission, actual, 'settle'),
    charge: (admission, actual) => settle(admission, actual, 'charge'),
    async budgetCounter(counter: string, group?: string): Promise<BudgetCounter> {
      await connected();
      const [spent, reserved] = await redis.hmget(keys.counter(group ?? counter, counter), 'spent', 'reserved');
      return { spent: Number(spent ?? 0), reserved: Number(reserved ?? 0) };
    },

    async close() {
      redis.disconnect();
    },
  };
}
