import { connectRedis, isCluster, type RedisClient } from '../../shared/bus/redis-client.ts';
import type { UsageEvent } from '../../shared/events/usage-event.ts';
import { moneyKeys } from '../../shared/money/redis-money-keys.ts';
import { perTurn } from '../batching/per-turn.ts';
import { type AdmissionPart, admissionParts } from './admission-parts.ts';
import {
  type Admission,
  type AdmitResult,
  type BudgetCheck,
  type BudgetCounter,
  type MoneyStore,
  type RateCheck,
  type RateState,
  type Settlement,
  settledAmount,
} from './money-store.ts';
import { redisReady } from './redis-ready.ts';
import { MONEY_SCRIPT } from './redis-scripts.ts';

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
  /**
   * The usage stream's key, when the bus keeps it on this same Redis server (not a cluster): then
   * the store's `publishUsageBatch` XADDs a turn's usage events in the turn's money call, one
   * round trip for both (data-plane/app.ts hands it to the usage publisher in place of the bus).
   */
  usageStream?: string;
}

/** The epoch key is missing: the counters restarted from zero and the ledger's spend is not in them yet. */
export class MoneyUnseededError extends Error {
  constructor() {
    super('the money counters in Redis are not seeded (no epoch): Redis restarted empty?');
  }
}

/**
 * One item of a turn's script call: an admit, a settle or usage events, with the slot it runs on
 * and the keys it names (declared as KEYS, in the order the script reads them). `encode` appends an
 * admit's or settle's fields to the call's flat array (redis-scripts.ts); `offset` is the number of
 * keys declared before the item's. `events`: usage events as JSON, for the stream.
 */
interface TurnItem {
  kind: 'admit' | 'settle' | 'usage';
  slot: number;
  epochKey: string;
  keys: readonly string[];
  encode?(offset: number, fields: (string | number)[]): void;
  events?: readonly string[];
}

type ScriptRedis = RedisClient & {
  moneyTurn(...args: (string | number)[]): Promise<number[][]>;
};

/**
 * The counters in Redis, shared by every data plane: every settle and admit of one event-loop
 * turn goes in one script call per slot (redis-scripts.ts), so a burst of requests costs one
 * round trip, and the limits stay exact (the script applies them one
 * by one). On one server every counter is in one slot. On a cluster an admission whose counters
 * span groups (a deployment's limits, a model's budget) is admitted part by part, and undone part
 * by part when a later part refuses (admission-parts.ts, docs/money.md). Its own connection,
 * without an offline queue: while Redis is down a command fails at once and the caller uses its
 * local share.
 */
export function createRedisMoneyStore(
  options: RedisMoneyStoreOptions,
): MoneyStore & { redis: RedisClient; publishUsageBatch?(events: readonly UsageEvent[]): Promise<void> } {
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
  redis.defineCommand('moneyTurn', { lua: MONEY_SCRIPT });
  const epochFlag = options.requireEpoch ? '1' : '0';

  /**
   * The turn's items, one script call per slot, the calls in parallel: each answers its admits
   * (their reply arrays) and settles (null); a failed call fails its own items only.
   */
  const turn = perTurn<TurnItem, number[] | null>(async (items) => {
    if (redis.status !== 'ready') await connected();
    const results: (number[] | null | Error)[] = new Array(items.length);
    // One server: every item is on slot 0, one call. A cluster: one call per slot.
    const slot = items[0].slot;
    let slots: Map<number, number[]> | null = null;
    if (items.some((item) => item.slot !== slot)) {
      slots = new Map();
      items.forEach((item, i) => {
        const list = slots!.get(item.slot);
        if (list) list.push(i);
        else slots!.set(item.slot, [i]);
      });
    }
    const call = async (indexes: readonly number[] | null) => {
      const count = indexes ? indexes.length : items.length;
      const at = (n: number) => (indexes ? indexes[n] : n);
      const declared = [items[at(0)].epochKey];
      // Each list starts with its count (redis-scripts.ts); the call sends the settles', then the admits'.
      const settles: (string | number)[] = [0];
      const admits: (string | number)[] = [0];
      const events: string[] = [];
      for (let n = 0; n < count; n++) {
        const item = items[at(n)];
        if (item.events) for (const event of item.events) events.push(event);
        else {
          const fields = item.kind === 'admit' ? admits : settles;
          (fields[0] as number)++;
          item.encode!(declared.length, fields);
        }
        for (const key of item.keys) declared.push(key);
      }
      // The stream, when events ride along, is the last key (redis-scripts.ts).
      if (events.length > 0) declared.push(options.usageStream!);
      try {
        const replies = await redis.moneyTurn(declared.length, ...declared, JSON.stringify(settles.concat(admits)), epochFlag, ...events);
        let admitted = 0;
        for (let n = 0; n < count; n++) results[at(n)] = items[at(n)].kind === 'admit' ? replies[admitted++] : null;
      } catch (error) {
        for (let n = 0; n < count; n++) results[at(n)] = error instanceof Error ? error : new Error(String(error));
      }
    };
    await (slots === null ? call(null) : Promise.all([...slots.values()].map(call)));
    return results;
  });

  /**
   * Whether an admit on this budget counter also sweeps the expired reservations that planes of
   * the previous version left in the former layout (`:exp` and `:amt`, docs/money.md "Rolling
   * upgrades"): once a second per counter and plane (the set of counters swept is emptied every
   * second), which holds such a reservation about a second past its TTL and saves the read on
   * every other admit. Keyed by the counter's name, one string per snapshot (plan-admission.ts),
   * so its hash is computed once; a set and a timer, so no clock is read per budget.
   */
  const previousVersionSwept = new Set<string>();
  const previousVersionSweeps = setInterval(() => previousVersionSwept.clear(), 1000);
  previousVersionSweeps.unref();
  const previousVersionSweepDue = (counter: string): boolean => {
    if (previousVersionSwept.has(counter)) return false;
    previousVersionSwept.add(counter);
    return true;
  };

  /** The keys an item declares, in the order the script reads them: its rates' counters, then its budgets' (each full key built once). */
  const partKeys = (group: string, rates: readonly RateCheck[], budgets: readonly BudgetCheck[]) => {
    const list: string[] = new Array(rates.length + budgets.length);
    for (let i = 0; i < rates.length; i++) list[i] = keys.counter(group, rates[i].counter);
    for (let i = 0; i < budgets.length; i++) list[rates.length + i] = keys.counter(group, budgets[i].counter);
    return list;
  };

  /** The part's admit in this turn's script call: its reply array (redis-scripts.ts). */
  function admitPart(admission: Admission, part: AdmissionPart): Promise<number[]> {
    const { rates, budgets } = part;
    return turn({
      kind: 'admit',
      slot: keys.slotOf(part.group),
      epochKey: keys.epochFor(part.group),
      keys: partKeys(part.group, rates, budgets),
      encode(offset, fields) {
        fields.push(admission.id, keys.admission(part.group, admission.id), admission.reservationTtlMs, offset + 1, rates.length);
        for (const r of rates) fields.push(r.kind === 'parallel' ? 'p' : 'g', r.limit, r.cost);
        fields.push(budgets.length);
        for (const b of budgets) fields.push(b.limit ?? -1, b.amount, b.expiresAtMs ?? 0, previousVersionSweepDue(b.counter) ? 1 : 0);
      },
    }) as Promise<number[]>;
  }

  /**
   * Settles one part; `undo` also gives back the rpm and tpm it took (the admission never ran).
   * A settle or charge leaves every rpm counter as the admit took it, so it does not declare them
   * (fewer keys to send and for Redis to read; positions count the declared keys only).
   */
  function settlePart(admission: Admission, part: AdmissionPart, actual: Settlement, mode: 'settle' | 'charge' | 'undo'): Promise<unknown> {
    const { group, budgets } = part;
    const rates = mode === 'undo' ? part.rates : part.rates.filter((r) => r.kind !== 'rpm');
    return turn({
      kind: 'settle',
      slot: keys.slotOf(group),
      epochKey: keys.epochFor(group),
      keys: partKeys(group, rates, budgets),
      encode(offset, fields) {
        const charge = mode === 'charge';
        fields.push(admission.id, charge ? keys.charge(group, admission.id) : keys.admission(group, admission.id), charge ? 1 : 0, offset + 1, rates.length);
        for (const r of rates) {
          const delta = mode === 'undo' ? (r.kind === 'parallel' ? 0 : -r.cost) : r.kind === 'tpm' ? actual.tokens - r.cost : 0;
          fields.push(r.kind === 'parallel' ? 'p' : 'g', r.limit, delta);
        }
        fields.push(budgets.length);
        for (const b of budgets) fields.push(settledAmount(b, actual), b.amount);
      },
    });
  }

  /** Gives back what the parts admitted so far took; a part that cannot be undone expires with its reservation TTL. */
  async function undo(admission: Admission, parts: readonly AdmissionPart[]): Promise<void> {
    await Promise.all(parts.map((part) => settlePart(admission, part, { costMicroUsd: 0, creditCostMicroUsd: 0, tokens: 0 }, 'undo').catch(() => undefined)));
  }

  async function settle(admission: Admission, actual: Settlement, mode: 'settle' | 'charge'): Promise<void> {
    const parts = admissionParts(admission, keys.cluster);
    await (parts.length === 1 ? settlePart(admission, parts[0], actual, mode) : Promise.all(parts.map((part) => settlePart(admission, part, actual, mode))));
  }

  /** The events go to the stream in this turn's money call (XADD, in order); resolves once Redis holds them. */
  const publishUsageBatch = async (events: readonly UsageEvent[]): Promise<void> => {
    const epochKey = keys.epochFor('');
    await turn({ kind: 'usage', slot: 0, epochKey, keys: [], events: events.map((event) => JSON.stringify(event)) });
  };

  return {
    kind: 'redis',
    redis,
    ...(options.usageStream && !keys.cluster ? { publishUsageBatch } : {}),
    async admit(admission: Admission): Promise<AdmitResult> {
      const parts = admissionParts(admission, keys.cluster);
      const rates: RateState[] = [];
      const used: Record<string, number> = {};
      for (let p = 0; p < parts.length; p++) {
        const part = parts[p];
        let reply: number[];
        try {
          reply = await admitPart(admission, part);
          if (reply[0] === -1) throw new MoneyUnseededError();
        } catch (error) {
          await undo(admission, parts.slice(0, p));
          throw error;
        }
        // [ok, reason, index, retryAfterMs, n, n states (position, remaining, reset ms)..., used...] (redis-scripts.ts)
        const ok = reply[0];
        const reason = reply[1];
        const index = reply[2];
        const retryAfterMs = reply[3];
        const statesEnd = 5 + 3 * (reply[4] ?? 0);
        for (let i = 5; i < statesEnd; i += 3) rates.push({ check: part.rates[reply[i] - 1], remaining: reply[i + 1], resetMs: reply[i + 2] });
        if (ok !== 1) {
          await undo(admission, parts.slice(0, p));
          if (reason === 1) return { ok: false, reason: 'rate_limited', check: part.rates[index - 1], retryAfterMs, rates };
          return { ok: false, reason: 'quota_exceeded', check: part.budgets[index - 1] };
        }
        part.budgets.forEach((b, i) => (used[b.counter] = reply[statesEnd + i] ?? 0));
      }
      // The headers list rates in the admission's order, whatever order the parts ran in (one
      // part: the script answered them in that order).
      if (parts.length > 1) rates.sort((a, b) => admission.rates.indexOf(a.check) - admission.rates.indexOf(b.check));
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
      clearInterval(previousVersionSweeps);
      redis.disconnect();
    },
  };
}
