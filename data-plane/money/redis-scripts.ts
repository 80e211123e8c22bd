/**
 * The Lua script of the Redis money store. It runs atomically in Redis, so every data plane sees
 * one consistent set of counters: an admit checks every rate and budget counter of a request and
 * then takes all of them or none. Time is Redis's own clock (TIME), so data plane clocks do not
 * matter. The GCRA arithmetic mirrors gcra.ts. One call carries everything one data plane has for
 * one slot in one event-loop turn: its settles first (they only give back), then its admits, each
 * applied exactly as it would be alone, atomically: one round trip for the turn.
 *
 * Counter layout under `{prefix}:`:
 *   rl:<scope>:<id>:rpm|tpm           string: GCRA theoretical arrival time (ms, float)
 *   rl:<scope>:<id>:parallel          zset:   admission id -> expiry (ms)
 *   budget:<scope>:<id>:<period>:<k>  hash:   spent, reserved (micro-USD)
 *   credits:team:<id>                 hash:   spent, reserved
 *   <budget counter>:held             zset '<amount>:<admission id>' -> expiry (ms): the open
 *                                     reservations, each carrying its amount, so a settle gives
 *                                     one back with ZREM alone and a sweep reads no other key
 *   <budget counter>:exp / :amt       the previous version's layout of the same (zset admission
 *                                     id -> expiry, hash admission id -> amount): still swept,
 *                                     never written (docs/money.md, "Rolling upgrades")
 *   res:<admission id>                string: the admission is open; settle deletes it (24 h
 *                                     TTL, so only a dead plane's admissions linger)
 *   charged:<id>                      string: a charge (spend replayed after an outage) applied
 *   money:epoch                       string: the control plane re-seeded the budget counters
 *                                     from its ledger (shared/money/money-counters.ts); while
 *                                     it is missing an admit that requires it is refused as
 *                                     unseeded ({-1}); settles apply whatever the epoch
 * On a Redis Cluster every key also carries its counter group as a hash tag and the epoch has
 * a copy per slot (shared/money/redis-money-keys.ts); a script call only ever touches one slot.
 *
 * Arguments. KEYS[1] is the epoch key of the call's slot (it routes the call in a cluster), KEYS[2..]
 * the counters the items name, declared so that Redis checks they share the slot: an item's rates'
 * counters and then its budgets', in order, and the item names the position of its first one, so
 * no key travels twice. ARGV[1] is one flat JSON array: the number of settles, the settles, the
 * number of admits, the admits; an item is its fields in a row, a list in it its length and then
 * its rows (cjson makes one table of one array; nested arrays, a table each, cost the script more
 * than most of its commands). ARGV[2] is '1' when admits require the epoch, ARGV[3..] usage events
 * (JSON) to XADD to the usage stream, whose key is then the last of KEYS (one server only). The
 * `:held`, `:exp` and `:amt` companions of a budget counter are derived from declared names; the
 * `res`/`charged` markers are built by the caller with the same hash tag.
 *   admit:  id, mark, ttl, first key, rates, budgets; a rate is kind ('p' for parallel, 'g' for
 *           rpm and tpm), limit, cost; a budget is limit (-1: none), amount, expiresAt (0: never),
 *           1 to also sweep the previous layout
 *   settle: id, mark, charge (1: a charge), first key, rates, budgets; a rate is kind, limit,
 *           delta; a budget is actual, amount the admit reserved
 * The reply is one array per admit (integers, no JSON): {1, 0, 0, 0, n, states..., used...} admitted,
 * {0, 1, index, retryAfterMs, n, states...} refused by a rate, {0, 2, index} refused by a budget,
 * {-1} unseeded; `states` is n triples (rate position, remaining, reset ms), `used` spent + reserved
 * per budget before the admit.
 */

export const MONEY_SCRIPT = `
local a = cjson.decode(ARGV[1])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local W = 60000
local NONE = {}

-- Numbers go to Redis as strings made here with integer formats: Redis turns a Lua number
-- argument into text with '%.17g', and glibc's floating-point printf cost more than most of the
-- commands (callgrind). Every such number is an integer, except a TAT (1 us resolution).
local function int(n) return string.format('%d', n) end
local nowArg = int(now)
-- A GCRA arrival time (ms) to the microsecond, as '%.3f' wrote it, in integer formats.
local function tatArg(tat)
  local us = math.floor(tat * 1000 + 0.5)
  return string.format('%d.%03d', math.floor(us / 1000), us % 1000)
end

-- The settle whose fields start at a[at]; returns where the next item starts.
local function settle(at)
  local id, mark, k = a[at], a[at + 1], a[at + 3] - 1
  local rates, nr = at + 5, a[at + 4]
  local budgets, nb = rates + 3 * nr + 1, a[rates + 3 * nr]
  local after = budgets + 2 * nb
  -- Idempotent: a settle applies while its admission is open (mark: its res key); a charge
  -- (no admission in Redis) applies once per id (mark: its charged key).
  if a[at + 2] == 1 then
    if not redis.call('SET', mark, '1', 'NX', 'PX', '86400000') then return after end
  elseif redis.call('DEL', mark) == 0 then
    return after
  end
  for i = 1, nr do
    local r = rates + 3 * (i - 1)
    local key, delta = KEYS[k + i], a[r + 2]
    if a[r] == 'p' then
      redis.call('ZREM', key, id)
    elseif delta ~= 0 then
      -- tpm: the estimate corrected; rpm and tpm: an admission undone (a later slot refused it)
      local tat = tonumber(redis.call('GET', key) or 'nil')
      if tat then
        local nt = tat + delta * (W / a[r + 1])
        if nt > now then redis.call('SET', key, tatArg(nt), 'PX', int(math.ceil(nt - now) + 1000))
        else redis.call('DEL', key) end
      end
    end
  end
  for i = 1, nb do
    local b = budgets + 2 * (i - 1)
    local key, actual, amount = KEYS[k + nr + i], a[b], a[b + 1]
    -- Still reserved (no admit swept it as expired): give back what the admit reserved. The
    -- caller sends that amount (it settles the admission it admitted), which names the entry.
    if redis.call('ZREM', key .. ':held', int(amount) .. ':' .. id) == 1 and amount ~= 0 then
      redis.call('HINCRBY', key, 'reserved', int(0 - amount))
    end
    if actual > 0 then redis.call('HINCRBY', key, 'spent', int(actual)) end
  end
  return after
end

-- Appends the n rate states (position, remaining, reset ms) to the reply.
local function withStates(reply, states)
  reply[#reply + 1] = #states / 3
  for _, v in ipairs(states) do reply[#reply + 1] = v end
  return reply
end

-- The admit whose fields start at a[at] (rate i's at rates + 3 * (i - 1), budget i's at
-- budgets + 4 * (i - 1)); returns its reply.
local function admit(at, rates, nr, budgets, nb)
  local id, mark, ttl, k = a[at], a[at + 1], a[at + 2], a[at + 3] - 1
  local states = {}
  local newTats = {}
  for i = 1, nr do
    local r = rates + 3 * (i - 1)
    local key, limit, cost = KEYS[k + i], a[r + 1], a[r + 2]
    if a[r] == 'p' then
      -- Slots of dead planes (expired) are dropped only when the set looks full: with room
      -- counting them there is room without them, and the set never holds more than the limit.
      if redis.call('ZCARD', key) + cost > limit then
        redis.call('ZREMRANGEBYSCORE', key, '-inf', nowArg)
        if redis.call('ZCARD', key) + cost > limit then
          return withStates({0, 1, i, 1000}, states)
        end
      end
    else
      local T = W / limit
      local tat = tonumber(redis.call('GET', key) or '0')
      if tat < now then tat = now end
      local newTat = tat + cost * T
      if newTat - now > W + 0.001 then
        states[#states + 1] = i
        states[#states + 1] = math.max(0, math.floor((W - (tat - now)) / T + 1e-6))
        states[#states + 1] = math.ceil(tat - now)
        return withStates({0, 1, i, math.ceil(newTat - W - now)}, states)
      end
      newTats[i] = newTat
      states[#states + 1] = i
      states[#states + 1] = math.max(0, math.floor((W - (newTat - now)) / T + 1e-6))
      states[#states + 1] = math.ceil(newTat - now)
    end
  end
  local used = {}
  -- Most admits find no open reservation on any of their budget counters (and no previous layout
  -- where they sweep it): then one EXISTS over those sets stands for reading each of them.
  local sweep = true
  if nb > 1 or (nb == 1 and a[budgets + 3] == 1) then
    local sets = {}
    for i = 1, nb do
      sets[#sets + 1] = KEYS[k + nr + i] .. ':held'
      if a[budgets + 4 * i - 1] == 1 then sets[#sets + 1] = KEYS[k + nr + i] .. ':exp' end
    end
    sweep = redis.call('EXISTS', unpack(sets)) > 0
  end
  for i = 1, nb do
    local b = budgets + 4 * (i - 1)
    local key, limit, amount = KEYS[k + nr + i], a[b], a[b + 1]
    -- Reservations whose admission outlived the TTL unsettled (a dead plane's) are given back.
    local expired = sweep and redis.call('ZRANGEBYSCORE', key .. ':held', '-inf', nowArg) or NONE
    if #expired > 0 then
      local back = 0
      for _, member in ipairs(expired) do back = back + tonumber(string.match(member, '^[^:]+')) end
      if back ~= 0 then redis.call('HINCRBY', key, 'reserved', int(0 - back)) end
      redis.call('ZREMRANGEBYSCORE', key .. ':held', '-inf', nowArg)
    end
    -- The same for planes of the previous version (docs/money.md, "Rolling upgrades").
    if sweep and a[b + 3] == 1 then
      expired = redis.call('ZRANGEBYSCORE', key .. ':exp', '-inf', nowArg)
      for _, rid in ipairs(expired) do
        local amt = tonumber(redis.call('HGET', key .. ':amt', rid) or '0')
        if amt ~= 0 then redis.call('HINCRBY', key, 'reserved', int(0 - amt)) end
        redis.call('HDEL', key .. ':amt', rid)
      end
      if #expired > 0 then redis.call('ZREMRANGEBYSCORE', key .. ':exp', '-inf', nowArg) end
    end
    local su = redis.call('HMGET', key, 'spent', 'reserved')
    local u = tonumber(su[1] or '0') + tonumber(su[2] or '0')
    used[i] = u
    if limit >= 0 then
      if (amount > 0 and u + amount > limit) or (amount == 0 and u >= limit) then
        return {0, 2, i}
      end
    end
  end
  local expiry = int(now + ttl)
  redis.call('SET', mark, '1', 'PX', '86400000')
  for i = 1, nr do
    local key = KEYS[k + i]
    if a[rates + 3 * (i - 1)] == 'p' then
      redis.call('ZADD', key, expiry, id)
      redis.call('PEXPIRE', key, int(ttl))
    else
      redis.call('SET', key, tatArg(newTats[i]), 'PX', int(math.ceil(newTats[i] - now) + 1000))
    end
  end
  for i = 1, nb do
    local b = budgets + 4 * (i - 1)
    local key, amount, expiresAt = KEYS[k + nr + i], int(a[b + 1]), a[b + 2]
    local held = key .. ':held'
    if a[b + 1] ~= 0 then redis.call('HINCRBY', key, 'reserved', amount) end
    redis.call('ZADD', held, expiry, amount .. ':' .. id)
    if expiresAt > 0 then
      expiresAt = int(expiresAt)
      redis.call('PEXPIREAT', key, expiresAt)
      redis.call('PEXPIREAT', held, expiresAt)
    end
  end
  local reply = withStates({1, 0, 0, 0}, states)
  for _, u in ipairs(used) do reply[#reply + 1] = u end
  return reply
end

-- Usage events first (ARGV[3..], to the stream declared last): what a response waits for.
if #ARGV > 2 then
  local stream = KEYS[#KEYS]
  for i = 3, #ARGV do redis.call('XADD', stream, '*', 'event', ARGV[i]) end
end
local at = 2
for _ = 1, a[1] do at = settle(at) end
local admits = a[at]
at = at + 1
local out = {}
-- The epoch is read only for admits (a call of settles and usage alone has none).
local seeded = ARGV[2] ~= '1' or admits == 0 or redis.call('EXISTS', KEYS[1]) == 1
for n = 1, admits do
  local rates, nr = at + 5, a[at + 4]
  local budgets, nb = rates + 3 * nr + 1, a[rates + 3 * nr]
  if seeded then out[n] = admit(at, rates, nr, budgets, nb) else out[n] = {-1} end
  at = budgets + 4 * nb
end
return out
`;
