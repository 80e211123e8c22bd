/**
 * The Lua scripts of the Redis money store. Each runs atomically in Redis, so every data plane
 * sees one consistent set of counters: admit checks every rate and budget counter of a request
 * and then takes all of them or none. Time is Redis's own clock (TIME), so data plane clocks
 * do not matter. The GCRA arithmetic mirrors gcra.ts. Each script takes a batch (every admit, or
 * every settle, of one event-loop turn of one data plane) and applies its items one after the
 * other, atomically: the same result as one call per item, in one round trip.
 *
 * Counter layout under `{prefix}:`:
 *   rl:<scope>:<id>:rpm|tpm           string: GCRA theoretical arrival time (ms, float)
 *   rl:<scope>:<id>:parallel          zset:   admission id -> expiry (ms)
 *   budget:<scope>:<id>:<period>:<k>  hash:   spent, reserved (micro-USD)
 *   credits:team:<id>                 hash:   spent, reserved
 *   <budget counter>:exp / :amt       zset admission id -> expiry; hash admission id -> amount
 *   res:<admission id>                string: the admission is open; settle deletes it (24 h
 *                                     TTL, so only a dead plane's admissions linger)
 *   charged:<id>                      string: a charge (spend replayed after an outage) applied
 *   money:epoch                       string: the control plane re-seeded the budget counters
 *                                     from its ledger (shared/money/money-counters.ts); while
 *                                     it is missing an admit that requires it refuses the whole
 *                                     batch with {unseeded = true}
 * On a Redis Cluster every key also carries its counter group as a hash tag and the epoch has
 * a copy per slot (shared/money/redis-money-keys.ts); a script call only ever touches one slot.
 *
 * The caller passes every key in full: KEYS[1] is the epoch key of the call's slot (it routes
 * the call in a cluster; settle does not read it), KEYS[2..] the counters the batch names, declared
 * so that Redis checks they share the slot. The `:exp` and `:amt` companions of a budget counter
 * and the `res`/`charged` markers are derived from declared names or built by the caller with the
 * same hash tag.
 */

const COMMON = `
local batch = cjson.decode(ARGV[1])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local W = 60000
`;

export const ADMIT_SCRIPT = `${COMMON}
local function admit(p)
  local states = {}
  local newTats = {}
  for i, r in ipairs(p.rates) do
    local key = r.key
    if r.kind == 'parallel' then
      redis.call('ZREMRANGEBYSCORE', key, '-inf', now)
      if redis.call('ZCARD', key) + r.cost > r.limit then
        return ({ok = false, reason = 'rate', index = i, retryAfterMs = 1000, states = states})
      end
    else
      local T = W / r.limit
      local tat = tonumber(redis.call('GET', key) or '0')
      if tat < now then tat = now end
      local newTat = tat + r.cost * T
      if newTat - now > W + 0.001 then
        states[#states + 1] = {i, math.max(0, math.floor((W - (tat - now)) / T + 1e-6)), math.ceil(tat - now)}
        return ({ok = false, reason = 'rate', index = i, retryAfterMs = math.ceil(newTat - W - now), states = states})
      end
      newTats[i] = newTat
      states[#states + 1] = {i, math.max(0, math.floor((W - (newTat - now)) / T + 1e-6)), math.ceil(newTat - now)}
    end
  end
  local used = {}
  for i, b in ipairs(p.budgets) do
    local key = b.key
    local expired = redis.call('ZRANGEBYSCORE', key .. ':exp', '-inf', now)
    for _, id in ipairs(expired) do
      local amt = tonumber(redis.call('HGET', key .. ':amt', id) or '0')
      if amt ~= 0 then redis.call('HINCRBY', key, 'reserved', 0 - amt) end
      redis.call('HDEL', key .. ':amt', id)
    end
    if #expired > 0 then redis.call('ZREMRANGEBYSCORE', key .. ':exp', '-inf', now) end
    local u = tonumber(redis.call('HGET', key, 'spent') or '0') + tonumber(redis.call('HGET', key, 'reserved') or '0')
    used[i] = u
    if b.limit >= 0 then
      if (b.amount > 0 and u + b.amount > b.limit) or (b.amount == 0 and u >= b.limit) then
        return ({ok = false, reason = 'quota', index = i})
      end
    end
  end
  local expiry = now + p.ttl
  redis.call('SET', p.mark, '1', 'PX', 86400000)
  for i, r in ipairs(p.rates) do
    local key = r.key
    if r.kind == 'parallel' then
      redis.call('ZADD', key, expiry, p.id)
      redis.call('PEXPIRE', key, p.ttl)
    else
      redis.call('SET', key, string.format('%.3f', newTats[i]), 'PX', math.ceil(newTats[i] - now) + 1000)
    end
  end
  for i, b in ipairs(p.budgets) do
    local key = b.key
    if b.amount ~= 0 then redis.call('HINCRBY', key, 'reserved', b.amount) end
    redis.call('ZADD', key .. ':exp', expiry, p.id)
    redis.call('HSET', key .. ':amt', p.id, b.amount)
    if b.expiresAt > 0 then
      redis.call('PEXPIREAT', key, b.expiresAt)
      redis.call('PEXPIREAT', key .. ':exp', b.expiresAt)
      redis.call('PEXPIREAT', key .. ':amt', b.expiresAt)
    end
  end
  return ({ok = true, states = states, used = used})
end
if ARGV[2] == '1' and redis.call('EXISTS', KEYS[1]) == 0 then
  return cjson.encode({unseeded = true})
end
local out = {}
for n, one in ipairs(batch) do out[n] = admit(one) end
return cjson.encode(out)
`;

export const SETTLE_SCRIPT = `${COMMON}
local function settle(p)
  -- Idempotent: a settle applies while its admission is open (p.mark: its res key); a charge
  -- (no admission in Redis) applies once per id (p.mark: its charged key).
  if p.charge then
    if not redis.call('SET', p.mark, '1', 'NX', 'PX', 86400000) then return 0 end
  elseif redis.call('DEL', p.mark) == 0 then
    return 0
  end
  for _, r in ipairs(p.rates) do
    local key = r.key
    if r.kind == 'parallel' then
      redis.call('ZREM', key, p.id)
    elseif r.delta ~= 0 then
      -- tpm: the estimate corrected; rpm and tpm: an admission undone (a later slot refused it)
      local tat = tonumber(redis.call('GET', key) or 'nil')
      if tat then
        local nt = tat + r.delta * (W / r.limit)
        if nt > now then redis.call('SET', key, string.format('%.3f', nt), 'PX', math.ceil(nt - now) + 1000)
        else redis.call('DEL', key) end
      end
    end
  end
  for _, b in ipairs(p.budgets) do
    local key = b.key
    local amt = redis.call('HGET', key .. ':amt', p.id)
    if amt then
      if tonumber(amt) ~= 0 then redis.call('HINCRBY', key, 'reserved', 0 - tonumber(amt)) end
      redis.call('HDEL', key .. ':amt', p.id)
      redis.call('ZREM', key .. ':exp', p.id)
    end
    if b.actual > 0 then redis.call('HINCRBY', key, 'spent', b.actual) end
  end
  return 1
end
local applied = 0
for _, one in ipairs(batch) do applied = applied + settle(one) end
return applied
`;
