-- ApiKit.RateLimiting: every limit of one request, decided atomically, all-or-nothing.
-- Mirrors ApiKit.RateLimiting's LimitMath branch for branch (same integer formulas, same units: microseconds and
-- permits), so a decision here equals the in-memory one for the same state, time and cost. Every input is validated
-- on the client so that products stay below 2^53, where Lua's doubles are exact integers.
--
-- KEYS[i]  state of limit i: a string "a:b:c" (one GET, one SET PX per request); a list of admission times for
--          the sliding log
-- ARGV[1]  cost
-- ARGV[2]  1 if an admitted request may wait in a leaky bucket's shaping queue, else 0
-- ARGV[3]  empty: use the Redis server clock (TIME); otherwise a time in microseconds (tests only: keys then get
--          no TTL, since Redis expires them on its own clock, which such a time does not follow)
-- ARGV[4+5(i-1) ..] algorithm, N, W (us), burst, queue of limit i
-- Returns {all_allowed, then per limit: allowed, retry_after_us (-1 never), remaining, reset_us, delay_us}

local cost = tonumber(ARGV[1])
local allow_delay = ARGV[2] == '1'
local now
local server_clock = ARGV[3] == ''
if server_clock then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000000 + tonumber(t[2])
else
  now = tonumber(ARGV[3])
end
local NEVER = -1

-- Lua's default number formatting keeps 14 digits; times need 16.
local function str(x) return string.format('%.0f', x) end

-- LimitMath.CeilDiv
local function ceildiv(a, b)
  if a <= 0 then return 0 end
  return math.floor((a - 1) / b) + 1
end

-- LimitMath.Refill
local function refill(tokens, elapsed, capacity, rate)
  if elapsed <= 0 then return tokens end
  if elapsed >= ceildiv(capacity - tokens, rate) then return capacity end
  return tokens + elapsed * rate
end

-- LimitMath.Drain
local function drain(excess, elapsed, rate)
  if elapsed <= 0 then return excess end
  if elapsed >= ceildiv(excess, rate) then return 0 end
  return excess - elapsed * rate
end

-- Returns {allowed, retry, remaining, reset, delay, a, b, c, ttl_us}
local function decide(alg, n, w, burst, queue, key)
  if alg == 3 then
    -- LimitMath.SlidingWindowLog: drop what left the window (neutral: it no longer counts anyway)
    local horizon = now - w
    while true do
      local oldest = redis.call('LINDEX', key, 0)
      if not oldest or tonumber(oldest) > horizon then break end
      redis.call('LPOP', key)
    end
    local live = redis.call('LLEN', key)
    local reset = 0
    if live > 0 then reset = tonumber(redis.call('LINDEX', key, -1)) + w - now end
    if cost > n then return {0, NEVER, n - live, reset, 0, 0, 0, 0, w} end
    if live + cost <= n then return {1, 0, n - live - cost, w, 0, 0, 0, 0, w} end
    local must = tonumber(redis.call('LINDEX', key, live + cost - n - 1))
    return {0, must + w - now, n - live, reset, 0, 0, 0, 0, w}
  end

  local raw = redis.call('GET', key)
  local init = raw ~= false
  local a, b, c = 0, 0, 0
  if init then
    local sa, sb, sc = string.match(raw, '^(-?%d+):(-?%d+):(-?%d+)$')
    a, b, c = tonumber(sa), tonumber(sb), tonumber(sc)
  end

  if alg == 0 then
    -- LimitMath.TokenBucket: a = tokens x W, b = last update
    local cap = burst * w
    local tokens = cap
    if init then tokens = refill(a, now - b, cap, n) end
    local last = math.max(b, now)
    if cost > burst then
      return {0, NEVER, math.floor(tokens / w), ceildiv(cap - tokens, n), 0, tokens, last, 0, 0}
    end
    local need = cost * w
    if tokens >= need then
      local left = tokens - need
      local reset = ceildiv(cap - left, n)
      return {1, 0, math.floor(left / w), reset, 0, left, last, 0, reset}
    end
    return {0, ceildiv(need - tokens, n), math.floor(tokens / w), ceildiv(cap - tokens, n), 0, tokens, last, 0, 0}
  elseif alg == 1 then
    -- LimitMath.LeakyBucket (GCRA): a = excess x W, b = last update
    local excess = 0
    if init then excess = drain(a, now - b, n) end
    local last = math.max(b, now)
    local immediate = burst * w
    local queued = (burst + queue) * w
    if cost > burst + queue then
      return {0, NEVER, math.floor(math.max(0, queued - excess) / w), ceildiv(excess, n), 0, excess, last, 0, 0}
    end
    local after = excess + cost * w
    if after <= queued then
      local delay = 0
      if after > immediate then delay = ceildiv(after - immediate, n) end
      local reset = ceildiv(after, n)
      return {1, 0, math.floor((queued - after) / w), reset, delay, after, last, 0, reset}
    end
    return {0, ceildiv(after - queued, n), math.floor(math.max(0, queued - excess) / w), ceildiv(excess, n), 0, excess, last, 0, 0}
  elseif alg == 2 then
    -- LimitMath.FixedWindow: a = window start, b = count
    local start, count = a, b
    if not init or now >= start + w then
      start = now - (now % w)
      count = 0
    end
    local reset = math.max(0, start + w - now)
    if cost > n then return {0, NEVER, n - count, reset, 0, start, count, 0, 0} end
    if count + cost <= n then return {1, 0, n - count - cost, reset, 0, start, count + cost, 0, reset} end
    return {0, reset, n - count, reset, 0, start, count, 0, 0}
  else
    -- LimitMath.SlidingWindowCounter: a = window start, b = current count, c = previous count
    local start, cur, prev = a, b, c
    if not init or now >= start + 2 * w then
      start = now - (now % w)
      cur = 0
      prev = 0
    elseif now >= start + w then
      prev = cur
      cur = 0
      start = start + w
    end
    local elapsed = math.min(math.max(now - start, 0), w)
    local pw = prev * (w - elapsed)
    local function creset(current)
      if current > 0 then return 2 * w - elapsed elseif prev > 0 then return w - elapsed else return 0 end
    end
    if cost > n then
      return {0, NEVER, math.floor(math.max(0, n * w - pw - cur * w) / w), creset(cur), 0, start, cur, prev, 0}
    end
    if pw + (cur + cost) * w <= n * w then
      local next_cur = cur + cost
      return {1, 0, math.floor((n * w - pw - next_cur * w) / w), creset(next_cur), 0, start, next_cur, prev, start + 2 * w - now}
    end
    local retry
    if cur + cost <= n then
      retry = w - math.floor((n - cur - cost) * w / prev) - elapsed
    else
      retry = w - elapsed + w - math.floor((n - cost) * w / cur)
    end
    return {0, retry, math.floor(math.max(0, n * w - pw - cur * w) / w), creset(cur), 0, start, cur, prev, 0}
  end
end

local count = #KEYS
local results = {}
local all = 1
for i = 1, count do
  local base = 3 + (i - 1) * 5
  local r = decide(tonumber(ARGV[base + 1]), tonumber(ARGV[base + 2]), tonumber(ARGV[base + 3]),
    tonumber(ARGV[base + 4]), tonumber(ARGV[base + 5]), KEYS[i])
  results[i] = r
  if r[1] == 0 or (not allow_delay and r[5] > 0) then all = 0 end
end

-- Commit only if every limit admitted: a request refused by one limit consumes from none.
if all == 1 then
  for i = 1, count do
    local r = results[i]
    local alg = tonumber(ARGV[3 + (i - 1) * 5 + 1])
    -- Each key lives exactly as long as its state differs from a fresh one.
    local ttl_ms = math.max(1, ceildiv(r[9], 1000))
    if alg == 3 then
      local stamp = str(now)
      for _ = 1, cost do redis.call('RPUSH', KEYS[i], stamp) end
      if server_clock then redis.call('PEXPIRE', KEYS[i], ttl_ms) end
    else
      local value = str(r[6]) .. ':' .. str(r[7]) .. ':' .. str(r[8])
      if server_clock then
        redis.call('SET', KEYS[i], value, 'PX', ttl_ms)
      else
        redis.call('SET', KEYS[i], value)
      end
    end
  end
end

local out = {all}
for i = 1, count do
  local r = results[i]
  for j = 1, 5 do out[#out + 1] = r[j] end
end
return out
