-- ApiKit.RateLimiting: every limit of one request, decided atomically, all-or-nothing.
-- Mirrors ApiKit.RateLimiting's LimitMath branch for branch (same integer formulas, same units: microseconds and
-- permits), so a decision here equals the in-memory one for the same state, time and cost. Every input is validated
-- on the client so that products stay below 2^53, where Lua's doubles are exact integers.
--
-- KEYS[i]  state of limit i: a format byte (1) and the three numbers a, b, c of LimitState as little-endian doubles
--          (25 bytes; one GET and one SET PX per request; doubles hold every value exactly); a list of admission
--          times for the sliding log. Any other value (such as the "a:b:c" text of earlier versions) is a fresh state.
-- ARGV[1]  cost
-- ARGV[2]  1 if an admitted request may wait in a leaky bucket's shaping queue, else 0
-- ARGV[3]  empty: use the Redis server clock (TIME); otherwise a time in microseconds (tests only: keys then get
--          no TTL, since Redis expires them on its own clock, which such a time does not follow)
-- ARGV[4+5(i-1) ..] algorithm, N, W (us), burst, queue of limit i
-- Returns {all_allowed, then per limit: allowed, retry_after_us (-1 never), remaining, reset_us, delay_us}
--
-- Written for the server's time per call: Redis runs scripts one at a time, so this script's CPU bounds the whole
-- server's decision rate. Hence straight-line code in one loop (no closures, which the script body would create on
-- every call), flat result tables, and binary state instead of formatting and parsing numbers.

local cost = tonumber(ARGV[1])
local allow_delay = ARGV[2] == '1'
local now
local server_clock = ARGV[3] == ''
if server_clock then
  local t = redis.call('TIME')
  now = t[1] * 1000000 + t[2]
else
  now = tonumber(ARGV[3])
end
local NEVER = -1
local floor = math.floor

local count = #KEYS
-- out: {all, then 5 numbers per limit}; nx: next a, b, c and TTL (us) per limit
local out = {1}
local nx = {}
local all = 1
for i = 1, count do
  local base = 3 + (i - 1) * 5
  local alg = tonumber(ARGV[base + 1])
  local n = tonumber(ARGV[base + 2])
  local w = tonumber(ARGV[base + 3])
  local key = KEYS[i]
  local ok, retry, remaining, reset, delay = 0, 0, 0, 0, 0
  local na, nb, nc, ttl = 0, 0, 0, 0

  if alg == 3 then
    -- LimitMath.SlidingWindowLog: drop what left the window (neutral: it no longer counts anyway)
    local horizon = now - w
    while true do
      local oldest = redis.call('LINDEX', key, 0)
      if not oldest or tonumber(oldest) > horizon then break end
      redis.call('LPOP', key)
    end
    local live = redis.call('LLEN', key)
    if live > 0 then reset = tonumber(redis.call('LINDEX', key, -1)) + w - now end
    ttl = w
    if cost > n then
      retry, remaining = NEVER, n - live
    elseif live + cost <= n then
      ok, remaining, reset = 1, n - live - cost, w
    else
      local must = tonumber(redis.call('LINDEX', key, live + cost - n - 1))
      retry, remaining = must + w - now, n - live
    end
  else
    local raw = redis.call('GET', key)
    local init = raw and #raw == 25 and string.byte(raw) == 1
    local a, b, c = 0, 0, 0
    if init then
      local _
      _, a, b, c = struct.unpack('<Bddd', raw)
    end

    local burst, queue = tonumber(ARGV[base + 4]), tonumber(ARGV[base + 5])
    -- #include LimitAlgorithms.lua
  end

  local at = 1 + (i - 1) * 5
  out[at + 1], out[at + 2], out[at + 3], out[at + 4], out[at + 5] = ok, retry, remaining, reset, delay
  at = (i - 1) * 4
  nx[at + 1], nx[at + 2], nx[at + 3], nx[at + 4] = na, nb, nc, ttl
  if ok == 0 or (not allow_delay and delay > 0) then all = 0 end
end

-- Commit only if every limit admitted: a request refused by one limit consumes from none.
if all == 1 then
  for i = 1, count do
    local at = (i - 1) * 4
    -- Each key lives exactly as long as its state differs from a fresh one.
    local ttl_ms = 1
    if nx[at + 4] > 1000 then ttl_ms = floor((nx[at + 4] - 1) / 1000) + 1 end
    if tonumber(ARGV[3 + (i - 1) * 5 + 1]) == 3 then
      -- Lua's default number formatting keeps 14 digits; times need 16.
      local stamp = string.format('%.0f', now)
      for _ = 1, cost do redis.call('RPUSH', KEYS[i], stamp) end
      if server_clock then redis.call('PEXPIRE', KEYS[i], ttl_ms) end
    else
      local value = struct.pack('<Bddd', 1, nx[at + 1], nx[at + 2], nx[at + 3])
      if server_clock then
        redis.call('SET', KEYS[i], value, 'PX', ttl_ms)
      else
        redis.call('SET', KEYS[i], value)
      end
    end
  end
end

out[1] = all
return out
