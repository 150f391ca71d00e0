-- ApiKit.RateLimiting: the four state-string algorithms of LimitMath, branch for branch (same integer formulas, same
-- units: microseconds and permits), shared by RateLimit.lua and RateLimitBatch.lua: each of them has this text put in
-- place of its include line when the library loads it (RedisRateLimitScript), so both decide with the very same
-- code. Inline text rather than a Lua function: a function defined in a script body is a new closure on every call.
--
-- In:  alg (0 token bucket, 1 leaky bucket, 2 fixed window, 4 sliding window counter), n (permits per window),
--      w (window, us), burst, queue, cost, now (us); a, b, c and init: the key's state and whether it has one.
-- Out: ok (1 admitted), retry (us, NEVER if never), remaining, reset (us), delay (us, shaping queue); na, nb, nc:
--      the state after admitting; ttl (us): how long that state differs from a fresh one.
if alg == 0 then
  -- LimitMath.TokenBucket: a = tokens x W, b = last update
  local cap = burst * w
  local tokens = cap
  if init then
    -- LimitMath.Refill
    tokens = a
    local elapsed = now - b
    if elapsed > 0 then
      local missing = cap - a
      if missing <= 0 or elapsed >= floor((missing - 1) / n) + 1 then tokens = cap else tokens = a + elapsed * n end
    end
  end
  na, nb = tokens, math.max(b, now)
  local need = cost * w
  if cost <= burst and tokens >= need then
    na = tokens - need
    ok = 1
  elseif cost > burst then
    retry = NEVER
  else
    retry = floor((need - tokens - 1) / n) + 1
  end
  remaining = floor(na / w)
  local missing = cap - na
  if missing > 0 then reset = floor((missing - 1) / n) + 1 end
  if ok == 1 then ttl = reset end
elseif alg == 1 then
  -- LimitMath.LeakyBucket (GCRA): a = excess x W, b = last update
  local excess = 0
  if init then
    -- LimitMath.Drain
    excess = a
    local elapsed = now - b
    if elapsed > 0 then
      if a <= 0 or elapsed >= floor((a - 1) / n) + 1 then excess = 0 else excess = a - elapsed * n end
    end
  end
  na, nb = excess, math.max(b, now)
  local immediate = burst * w
  local queued = (burst + queue) * w
  local after = excess + cost * w
  if cost <= burst + queue and after <= queued then
    ok, na = 1, after
    if after > immediate then delay = floor((after - immediate - 1) / n) + 1 end
    remaining = floor((queued - after) / w)
    reset = floor((after - 1) / n) + 1
    if after <= 0 then reset = 0 end
    ttl = reset
  else
    if cost > burst + queue then retry = NEVER else retry = floor((after - queued - 1) / n) + 1 end
    remaining = floor(math.max(0, queued - excess) / w)
    if excess > 0 then reset = floor((excess - 1) / n) + 1 end
  end
elseif alg == 2 then
  -- LimitMath.FixedWindow: a = window start, b = count
  local start, used = a, b
  if not init or now >= start + w then
    start = now - (now % w)
    used = 0
  end
  na, nb = start, used
  reset = math.max(0, start + w - now)
  if cost > n then
    retry, remaining = NEVER, n - used
  elseif used + cost <= n then
    ok, nb, remaining, ttl = 1, used + cost, n - used - cost, reset
  else
    retry, remaining = reset, n - used
  end
elseif alg == 4 then
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
  na, nb, nc = start, cur, prev
  local elapsed = math.min(math.max(now - start, 0), w)
  local pw = prev * (w - elapsed)
  if cost <= n and pw + (cur + cost) * w <= n * w then
    ok, cur = 1, cur + cost
    nb, ttl = cur, start + 2 * w - now
  elseif cost > n then
    retry = NEVER
  elseif cur + cost <= n then
    -- Within this window, once the previous window's weight has shrunk enough.
    retry = w - floor((n - cur - cost) * w / prev) - elapsed
  else
    -- In the next window, where this window's count becomes the weighted one.
    retry = w - elapsed + w - floor((n - cost) * w / cur)
  end
  remaining = floor(math.max(0, n * w - pw - cur * w) / w)
  if cur > 0 then reset = 2 * w - elapsed elseif prev > 0 then reset = w - elapsed end
end
