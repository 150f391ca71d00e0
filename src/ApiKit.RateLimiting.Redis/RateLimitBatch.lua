-- ApiKit.RateLimiting: several requests' decisions in one call, exactly as if RateLimit.lua had run for each of them
-- one after another at the same server time. Used when decisions queue up behind ones already in flight, so the
-- server pays TIME, the key reads and the script call once per batch rather than once per request.
-- Same state format as RateLimit.lua, and the same algorithms: both include LimitAlgorithms.lua.
--
-- ARGV[1]  empty: use the Redis server clock (TIME); otherwise a time in microseconds (tests only; keys get no TTL)
-- ARGV[2]  the requests, packed little-endian: per request cost (double), 1 if it may wait in a shaping queue else 0
--          (byte), its number of limits m (byte), then m times algorithm (byte), N, W (us), burst, queue (doubles).
--          Its m keys follow the previous requests' keys in KEYS.
-- Returns one string, per request: all_allowed (byte), then per limit allowed (byte), retry_after_us (-1 never),
--          remaining, reset_us, delay_us (doubles). Packed rather than nested integers, so that neither side formats
--          or parses a number per value: the client's cost per decision is what this batching saves.
--
-- Requests are decided in order against states kept in this script, so a key that several requests share sees each
-- admitted request's update; every changed key is written once at the end with the TTL of its last admitted update.
-- The sliding log keeps a list per key and is never batched.

local now
local server_clock = ARGV[1] == ''
if server_clock then
  local t = redis.call('TIME')
  now = t[1] * 1000000 + t[2]
else
  now = tonumber(ARGV[1])
end
local NEVER = -1
local floor = math.floor

-- MGET takes at least one key; a request whose limits all have no key yet decides nothing and admits.
local raws = #KEYS > 0 and redis.call('MGET', unpack(KEYS)) or {}
-- Per distinct key, found at its first position f in KEYS: first[key] = f, and st[5f-4 .. 5f] = a, b, c, whether it
-- holds state, its TTL (us) once changed (false until then). Flat tables: every table costs the server an allocation.
local first, st = {}, {}
for k = 1, #KEYS do
  local key = KEYS[k]
  if not first[key] then
    first[key] = k
    local raw = raws[k]
    local at = 5 * k
    if raw and #raw == 25 and string.byte(raw) == 1 then
      local _
      _, st[at - 4], st[at - 3], st[at - 2] = struct.unpack('<Bddd', raw)
      st[at - 1] = true
    else
      st[at - 4], st[at - 3], st[at - 2], st[at - 1] = 0, 0, 0, false
    end
    st[at] = false
  end
end

local out = {}
local o = 0
local k0 = 0
local blob = ARGV[2]
local pos, size = 1, #blob
local unpack_ = struct.unpack
local pack = struct.pack
-- next a, b, c, TTL per limit of the current request, four numbers each
local nx = {}
while pos <= size do
  local cost, flag, count
  cost, flag, count, pos = unpack_('<dBB', blob, pos)
  local allow_delay = flag == 1
  local head = o + 1
  o = head
  local all = 1
  for i = 1, count do
    local alg, n, w, burst, queue
    alg, n, w, burst, queue, pos = unpack_('<Bdddd', blob, pos)
    local at = 5 * first[KEYS[k0 + i]]
    local a, b, c, init = st[at - 4], st[at - 3], st[at - 2], st[at - 1]
    local ok, retry, remaining, reset, delay = 0, 0, 0, 0, 0
    local na, nb, nc, ttl = 0, 0, 0, 0

    if alg == 3 or alg > 4 then
      return redis.error_reply('ERR algorithm ' .. alg .. ' is not batched')
    end
    -- #include LimitAlgorithms.lua

    o = o + 1
    out[o] = pack('<Bdddd', ok, retry, remaining, reset, delay)
    local x = 4 * i
    nx[x - 3], nx[x - 2], nx[x - 1], nx[x] = na, nb, nc, ttl
    if ok == 0 or (not allow_delay and delay > 0) then all = 0 end
  end

  -- All-or-nothing per request, as in RateLimit.lua: a request refused by one limit consumes from none.
  if all == 1 then
    for i = 1, count do
      local at, x = 5 * first[KEYS[k0 + i]], 4 * i
      st[at - 4], st[at - 3], st[at - 2], st[at - 1], st[at] = nx[x - 3], nx[x - 2], nx[x - 1], true, nx[x]
    end
  end
  out[head] = all == 1 and '\1' or '\0'
  k0 = k0 + count
end

for k = 1, #KEYS do
  local at = 5 * k
  local ttl = st[at]
  if ttl then
    local value = pack('<Bddd', 1, st[at - 4], st[at - 3], st[at - 2])
    if server_clock then
      local ttl_ms = 1
      if ttl > 1000 then ttl_ms = floor((ttl - 1) / 1000) + 1 end
      redis.call('SET', KEYS[k], value, 'PX', ttl_ms)
    else
      redis.call('SET', KEYS[k], value)
    end
  end
end

return table.concat(out)
