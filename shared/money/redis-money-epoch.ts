import type { Redis } from 'ioredis';
import { MONEY_EPOCH_KEY, type MoneyCounterSeed, type MoneyEpochStore } from './money-counters.ts';

/**
 * Raises each counter's spent to at least the ledger's, then sets the epoch, atomically, so no
 * data plane sees the epoch before the counters. ARGV[1] the prefix (with its colon), ARGV[2] a
 * JSON list of {counter, spent, expiresAt}.
 */
const RESEED_SCRIPT = `
local pre = ARGV[1]
local seeds = cjson.decode(ARGV[2])
for _, s in ipairs(seeds) do
  local key = pre .. s.counter
  local spent = tonumber(redis.call('HGET', key, 'spent') or '0')
  if s.spent > spent then redis.call('HSET', key, 'spent', s.spent) end
  if s.expiresAt > 0 then redis.call('PEXPIREAT', key, s.expiresAt) end
end
local t = redis.call('TIME')
redis.call('SET', pre .. '${MONEY_EPOCH_KEY}', t[1] .. '.' .. t[2])
return #seeds
`;

/** The control plane's side of the money epoch, on the bus's Redis connection. */
export function createRedisMoneyEpoch(redis: Redis, prefix: string): MoneyEpochStore {
  const pre = `${prefix}:`;
  return {
    async present() {
      return (await redis.exists(pre + MONEY_EPOCH_KEY)) === 1;
    },
    async reseed(seeds: readonly MoneyCounterSeed[]) {
      const json = JSON.stringify(seeds.map((s) => ({ counter: s.counter, spent: s.spentMicroUsd, expiresAt: s.expiresAtMs ?? 0 })));
      await redis.eval(RESEED_SCRIPT, 0, pre, json);
    },
  };
}
