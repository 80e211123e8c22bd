import type { Cluster } from 'ioredis';
import { isCluster, type RedisClient } from '../bus/redis-client.ts';
import type { MoneyCounterChange, MoneyCounterSeed, MoneyEpochStore } from './money-counters.ts';
import { moneyKeys } from './redis-money-keys.ts';

/**
 * Raises each counter's spent to at least the ledger's, then sets the epoch (KEYS[1]), atomically,
 * so no data plane sees the epoch before the counters. KEYS[2..] the counters (one slot in a
 * cluster), ARGV[1] a JSON list of {spent, expiresAt} in the same order.
 */
const RESEED_SCRIPT = `
local seeds = cjson.decode(ARGV[1])
for i, s in ipairs(seeds) do
  local key = KEYS[i + 1]
  local spent = tonumber(redis.call('HGET', key, 'spent') or '0')
  if s.spent > spent then redis.call('HSET', key, 'spent', s.spent) end
  if s.expiresAt > 0 then redis.call('PEXPIREAT', key, s.expiresAt) end
end
local t = redis.call('TIME')
redis.call('SET', KEYS[1], t[1] .. '.' .. t[2])
return #seeds
`;

/**
 * Adds each delta to its counter's spent (KEYS[2..], one slot in a cluster; ARGV[1] a JSON list of
 * {delta, expiresAt}), once per change id: KEYS[1] marks the id as applied on this slot (ARGV[2] ms),
 * so a retry after an unanswered call never moves a counter twice. Returns -1 for a repeat.
 */
const ADJUST_SCRIPT = `
if not redis.call('SET', KEYS[1], '1', 'NX', 'PX', ARGV[2]) then return -1 end
local changes = cjson.decode(ARGV[1])
for i, c in ipairs(changes) do
  redis.call('HINCRBY', KEYS[i + 1], 'spent', c.delta)
  if c.expiresAt > 0 then redis.call('PEXPIREAT', KEYS[i + 1], c.expiresAt) end
end
return #changes
`;

/** How long an adjustment's id is remembered: far longer than its caller retries. */
const ADJUSTED_MARK_MS = 24 * 60 * 60 * 1000;

const SLOTS = 16384;

/**
 * The control plane's side of the money epoch, on the bus's Redis connection. In a cluster each
 * slot has its own epoch key: the seeds of a slot and its epoch are written by one script, then
 * the epoch of every slot without seeds; `present` checks one slot of every master (a master that
 * restarted empty lost all of its slots' epochs).
 */
export function createRedisMoneyEpoch(redis: RedisClient, prefix: string): MoneyEpochStore {
  const keys = moneyKeys(prefix, isCluster(redis));

  async function reseedSlot(epochKey: string, seeds: readonly MoneyCounterSeed[]) {
    const json = JSON.stringify(seeds.map((s) => ({ spent: s.spentMicroUsd, expiresAt: s.expiresAtMs ?? 0 })));
    await redis.eval(RESEED_SCRIPT, seeds.length + 1, epochKey, ...seeds.map((s) => keys.counter(s.group, s.counter)), json);
  }

  async function adjustSlot(id: string, changes: readonly MoneyCounterChange[]) {
    const json = JSON.stringify(changes.map((c) => ({ delta: c.deltaMicroUsd, expiresAt: c.expiresAtMs ?? 0 })));
    const mark = keys.charge(changes[0].group, `adjust:${id}`);
    await redis.eval(ADJUST_SCRIPT, changes.length + 1, mark, ...changes.map((c) => keys.counter(c.group, c.counter)), json, ADJUSTED_MARK_MS);
  }

  /** Counters by the cluster slot their group hashes to (one slot without a cluster). */
  function groupBySlot<T extends { group: string }>(counters: readonly T[]): Map<number, T[]> {
    const bySlot = new Map<number, T[]>();
    for (const counter of counters) {
      const slot = keys.cluster ? keys.slotOf(counter.group) : 0;
      const list = bySlot.get(slot);
      if (list) list.push(counter);
      else bySlot.set(slot, [counter]);
    }
    return bySlot;
  }

  return {
    async adjust(id, changes) {
      await Promise.all([...groupBySlot(changes.filter((c) => c.deltaMicroUsd !== 0)).values()].map((list) => adjustSlot(id, list)));
    },
    async present() {
      if (!keys.cluster) return (await redis.exists(keys.epochOfSlot(0))) === 1;
      const slots = masterSlots(redis as Cluster);
      const found = await Promise.all(slots.map((slot) => redis.exists(keys.epochOfSlot(slot))));
      return found.every((n) => n === 1);
    },
    async reseed(seeds: readonly MoneyCounterSeed[]) {
      if (!keys.cluster) return reseedSlot(keys.epochOfSlot(0), seeds);
      const bySlot = groupBySlot(seeds);
      await Promise.all([...bySlot].map(([slot, list]) => reseedSlot(keys.epochOfSlot(slot), list)));
      const stamp = String(Date.now());
      for (let from = 0; from < SLOTS; from += 1024) {
        const batch: Promise<unknown>[] = [];
        for (let slot = from; slot < from + 1024; slot++) if (!bySlot.has(slot)) batch.push(redis.set(keys.epochOfSlot(slot), stamp));
        await Promise.all(batch);
      }
    },
  };
}

/** One slot served by each master, from the client's slot map. */
function masterSlots(cluster: Cluster): number[] {
  const first = new Map<string, number>();
  cluster.slots.forEach((nodes, slot) => {
    const master = nodes?.[0];
    if (master && !first.has(master)) first.set(master, slot);
  });
  if (first.size === 0) throw new Error('the cluster slot map is not known yet');
  return [...first.values()];
}
