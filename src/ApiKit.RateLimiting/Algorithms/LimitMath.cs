using System.Runtime.CompilerServices;

namespace ApiKit.RateLimiting;

/// <summary>
/// The algorithms as pure functions <c>Decide(parameters, state, now, cost) → (next state, decision)</c> plus a
/// <c>Commit</c> that stores the next state. Everything is integer arithmetic on microseconds and permits, with
/// floor and ceiling divisions only, so the Redis Lua script (<c>ApiKit.RateLimiting.Redis</c>, file
/// <c>RateLimit.lua</c>) computes the very same numbers; every branch there is commented with the method here it
/// mirrors. Inputs are validated so that every product stays below 2^53 (exact in Lua's doubles).
/// </summary>
/// <remarks>
/// Deciding never mutates the state passed in; callers that check several limits all-or-nothing decide all
/// of them first and commit only when every one allowed the request.
/// </remarks>
internal static class LimitMath
{
    public static LimitDecision Decide(in LimitParameters p, in LimitState state, long now, long cost, out LimitState next)
    {
        next = state;
        return p.Algorithm switch
        {
            RateLimitAlgorithm.TokenBucket => TokenBucket(p, ref next, now, cost),
            RateLimitAlgorithm.LeakyBucket => LeakyBucket(p, ref next, now, cost),
            RateLimitAlgorithm.FixedWindow => FixedWindow(p, ref next, now, cost),
            RateLimitAlgorithm.SlidingWindowCounter => SlidingWindowCounter(p, ref next, now, cost),
            _ => SlidingWindowLog(p, next, now, cost),
        };
    }

    /// <summary>
    /// The accept path of <see cref="Decide"/> followed by <see cref="Commit"/>, without computing the lease numbers:
    /// when it returns <see langword="true"/> the state is exactly what Decide + Commit would have stored; when it
    /// returns <see langword="false"/> the state is untouched and the caller takes the full path (rejections, window
    /// rollovers, queued requests, sliding logs). The remaining quota and reset of an accepted decision equal those of
    /// a zero-cost <see cref="Decide"/> on the committed state at the same time, so leases compute them only when read.
    /// </summary>
    // Inlined into the two accept paths (keyed and single key): the call and its spills cost 1-2 ns
    // of a 24 ns keyed decision (1,000 keys, measured).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryAdmit(in LimitParameters p, ref LimitState s, long now, long cost)
    {
        var w = p.WindowMicros;
        switch (p.Algorithm)
        {
            case RateLimitAlgorithm.TokenBucket:
            {
                var capacity = p.Burst * w;
                var tokens = s.Initialized ? Refill(s.A, now - s.B, capacity, p.PermitLimit) : capacity;
                var need = cost * w;
                if (cost > p.Burst || tokens < need)
                {
                    return false;
                }

                s.Initialized = true;
                s.A = tokens - need;
                s.B = Math.Max(s.B, now);
                return true;
            }

            case RateLimitAlgorithm.LeakyBucket:
            {
                var excess = s.Initialized ? Drain(s.A, now - s.B, p.PermitLimit) : 0;
                var after = excess + (cost * w);
                if (cost > p.Burst + p.QueueLimit || after > p.Burst * w)
                {
                    return false;
                }

                s.Initialized = true;
                s.A = after;
                s.B = Math.Max(s.B, now);
                return true;
            }

            case RateLimitAlgorithm.FixedWindow:
                if (!s.Initialized || now >= s.A + w || cost > p.PermitLimit || s.B + cost > p.PermitLimit)
                {
                    return false;
                }

                s.B += cost;
                return true;

            case RateLimitAlgorithm.SlidingWindowCounter:
            {
                if (!s.Initialized || now >= s.A + w || cost > p.PermitLimit)
                {
                    return false;
                }

                var elapsed = Math.Clamp(now - s.A, 0, w);
                if ((s.C * (w - elapsed)) + ((s.B + cost) * w) > p.PermitLimit * w)
                {
                    return false;
                }

                s.B += cost;
                return true;
            }

            default:
                return false;
        }
    }

    /// <summary>Stores the state <see cref="Decide"/> computed for an admitted request.</summary>
    public static void Commit(in LimitParameters p, ref LimitState state, in LimitState next, long now, long cost)
    {
        if (p.Algorithm != RateLimitAlgorithm.SlidingWindowLog)
        {
            state = next;
            return;
        }

        DropExpired(ref state, now - p.WindowMicros);
        EnsureCapacity(ref state, state.LogCount + cost, p.PermitLimit);
        var log = state.Log!;
        for (var i = 0; i < cost; i++)
        {
            log[(state.LogHead + state.LogCount) % log.Length] = now;
            state.LogCount++;
        }

        state.Initialized = true;
    }

    /// <summary>Whether forgetting the state would change no future decision (a full bucket or an expired window).</summary>
    public static bool IsAtRest(in LimitParameters p, in LimitState state, long now)
    {
        if (!state.Initialized)
        {
            return true;
        }

        var w = p.WindowMicros;
        return p.Algorithm switch
        {
            RateLimitAlgorithm.TokenBucket => Refill(state.A, now - state.B, p.Burst * w, p.PermitLimit) == p.Burst * w,
            RateLimitAlgorithm.LeakyBucket => Drain(state.A, now - state.B, p.PermitLimit) == 0,
            RateLimitAlgorithm.FixedWindow => now >= state.A + w,
            RateLimitAlgorithm.SlidingWindowCounter => now >= state.A + (2 * w),
            _ => state.LogCount == 0 || state.Log![(state.LogHead + state.LogCount - 1) % state.Log.Length] <= now - w,
        };
    }

    /// <summary>Ceiling of <paramref name="a"/> / <paramref name="b"/> for a ≥ 0, b &gt; 0.</summary>
    public static long CeilDiv(long a, long b) => a <= 0 ? 0 : ((a - 1) / b) + 1;

    // Token bucket. A = tokens x W (so a refill of N tokens per W microseconds adds exactly N per microsecond),
    // B = time of the last update. Fresh: full.
    private static LimitDecision TokenBucket(in LimitParameters p, ref LimitState s, long now, long cost)
    {
        var w = p.WindowMicros;
        var capacity = p.Burst * w;
        var tokens = s.Initialized ? Refill(s.A, now - s.B, capacity, p.PermitLimit) : capacity;
        s.Initialized = true;
        s.A = tokens;
        s.B = Math.Max(s.B, now);
        if (cost > p.Burst)
        {
            return new LimitDecision(false, LimitDecision.Never, tokens / w, CeilDiv(capacity - tokens, p.PermitLimit), 0);
        }

        var need = cost * w;
        if (tokens >= need)
        {
            s.A = tokens - need;
            return new LimitDecision(true, 0, s.A / w, CeilDiv(capacity - s.A, p.PermitLimit), 0);
        }

        return new LimitDecision(false, CeilDiv(need - tokens, p.PermitLimit), tokens / w, CeilDiv(capacity - tokens, p.PermitLimit), 0);
    }

    private static long Refill(long tokens, long elapsed, long capacity, long rate)
    {
        if (elapsed <= 0)
        {
            return tokens;
        }

        // Compare before multiplying: a long idle time times the rate could exceed 2^53 (and lose exactness in Lua).
        return Covers(elapsed, rate, capacity - tokens) ? capacity : tokens + (elapsed * rate);
    }

    /// <summary>
    /// Whether <paramref name="elapsed"/> microseconds at <paramref name="rate"/> per microsecond cover
    /// <paramref name="amount"/>, i.e. elapsed ≥ ⌈amount / rate⌉ (elapsed &gt; 0, rate &gt; 0).
    /// </summary>
    /// <remarks>
    /// Multiplies when the product fits (both below 2^31, so it stays below 2^62): a 64-bit division costs as much as
    /// the rest of a decision, and with many keys almost every decision finds time elapsed since the key's last one.
    /// </remarks>
    private static bool Covers(long elapsed, long rate, long amount) =>
        (elapsed | rate) < (1L << 31) ? elapsed * rate >= amount : elapsed >= CeilDiv(amount, rate);

    // Leaky bucket (GCRA). A = excess x W, i.e. (TAT - now) scaled by N so the emission interval W/N stays an
    // integer; B = time of the last update. Fresh: empty. Admitted when the excess after adding the cost fits
    // Burst (meter) or Burst + QueueLimit (shaping queue, then the request waits until it is within Burst).
    private static LimitDecision LeakyBucket(in LimitParameters p, ref LimitState s, long now, long cost)
    {
        var w = p.WindowMicros;
        var excess = s.Initialized ? Drain(s.A, now - s.B, p.PermitLimit) : 0;
        s.Initialized = true;
        s.A = excess;
        s.B = Math.Max(s.B, now);
        var immediate = p.Burst * w;
        var queued = (p.Burst + p.QueueLimit) * w;
        if (cost > p.Burst + p.QueueLimit)
        {
            return new LimitDecision(false, LimitDecision.Never, Math.Max(0, queued - excess) / w, CeilDiv(excess, p.PermitLimit), 0);
        }

        var after = excess + (cost * w);
        if (after <= queued)
        {
            s.A = after;
            var delay = after <= immediate ? 0 : CeilDiv(after - immediate, p.PermitLimit);
            return new LimitDecision(true, 0, (queued - after) / w, CeilDiv(after, p.PermitLimit), delay);
        }

        return new LimitDecision(false, CeilDiv(after - queued, p.PermitLimit), Math.Max(0, queued - excess) / w, CeilDiv(excess, p.PermitLimit), 0);
    }

    private static long Drain(long excess, long elapsed, long rate)
    {
        if (elapsed <= 0)
        {
            return excess;
        }

        return Covers(elapsed, rate, excess) ? 0 : excess - (elapsed * rate);
    }

    // Fixed window. A = window start (aligned to a multiple of W), B = count.
    private static LimitDecision FixedWindow(in LimitParameters p, ref LimitState s, long now, long cost)
    {
        var w = p.WindowMicros;
        if (!s.Initialized || now >= s.A + w)
        {
            s.A = now - (now % w);
            s.B = 0;
            s.Initialized = true;
        }

        var reset = Math.Max(0, s.A + w - now);
        if (cost > p.PermitLimit)
        {
            return new LimitDecision(false, LimitDecision.Never, p.PermitLimit - s.B, reset, 0);
        }

        if (s.B + cost <= p.PermitLimit)
        {
            s.B += cost;
            return new LimitDecision(true, 0, p.PermitLimit - s.B, reset, 0);
        }

        return new LimitDecision(false, reset, p.PermitLimit - s.B, reset, 0);
    }

    // Sliding window counter. A = current window start (aligned), B = current count, C = previous count.
    // Estimate = C x (W - elapsed) / W + B, compared as C x (W - elapsed) + B x W <= N x W to stay in integers.
    private static LimitDecision SlidingWindowCounter(in LimitParameters p, ref LimitState s, long now, long cost)
    {
        var w = p.WindowMicros;
        var n = p.PermitLimit;
        if (!s.Initialized || now >= s.A + (2 * w))
        {
            s.A = now - (now % w);
            s.B = 0;
            s.C = 0;
            s.Initialized = true;
        }
        else if (now >= s.A + w)
        {
            s.C = s.B;
            s.B = 0;
            s.A += w;
        }

        var elapsed = Math.Clamp(now - s.A, 0, w);
        var previousWeight = s.C * (w - elapsed);
        if (cost > n)
        {
            return new LimitDecision(false, LimitDecision.Never, Math.Max(0, (n * w) - previousWeight - (s.B * w)) / w, CounterReset(s, elapsed, w), 0);
        }

        if (previousWeight + ((s.B + cost) * w) <= n * w)
        {
            s.B += cost;
            return new LimitDecision(true, 0, ((n * w) - previousWeight - (s.B * w)) / w, CounterReset(s, elapsed, w), 0);
        }

        long retry;
        if (s.B + cost <= n)
        {
            // Within this window, once the previous window's weight has shrunk enough.
            retry = w - ((n - s.B - cost) * w / s.C) - elapsed;
        }
        else
        {
            // In the next window, where this window's count becomes the weighted one.
            retry = w - elapsed + w - ((n - cost) * w / s.B);
        }

        return new LimitDecision(false, retry, Math.Max(0, (n * w) - previousWeight - (s.B * w)) / w, CounterReset(s, elapsed, w), 0);
    }

    private static long CounterReset(in LimitState s, long elapsed, long w) =>
        s.B > 0 ? (2 * w) - elapsed : s.C > 0 ? w - elapsed : 0;

    // Sliding window log: admission times, oldest first. An entry counts while its time is after now - W.
    private static LimitDecision SlidingWindowLog(in LimitParameters p, in LimitState s, long now, long cost)
    {
        var w = p.WindowMicros;
        var n = p.PermitLimit;
        var horizon = now - w;
        var expired = 0;
        while (expired < s.LogCount && s.Log![(s.LogHead + expired) % s.Log.Length] <= horizon)
        {
            expired++;
        }

        var live = s.LogCount - expired;
        var reset = live > 0 ? s.Log![(s.LogHead + s.LogCount - 1) % s.Log.Length] + w - now : 0;
        if (cost > n)
        {
            return new LimitDecision(false, LimitDecision.Never, n - live, reset, 0);
        }

        if (live + cost <= n)
        {
            return new LimitDecision(true, 0, n - live - cost, w, 0);
        }

        var mustExpire = s.Log![(s.LogHead + expired + (int)(live + cost - n - 1)) % s.Log.Length];
        return new LimitDecision(false, mustExpire + w - now, n - live, reset, 0);
    }

    private static void DropExpired(ref LimitState s, long horizon)
    {
        while (s.LogCount > 0 && s.Log![s.LogHead] <= horizon)
        {
            s.LogHead = (s.LogHead + 1) % s.Log.Length;
            s.LogCount--;
        }
    }

    private static void EnsureCapacity(ref LimitState s, long needed, long limit)
    {
        var length = s.Log?.Length ?? 0;
        if (needed <= length)
        {
            return;
        }

        // The log grows by doubling up to the limit, so a key that only ever sees a few requests stays small.
        var size = (int)Math.Min(limit, Math.Max(Math.Max(8, needed), length * 2L));
        var grown = new long[size];
        for (var i = 0; i < s.LogCount; i++)
        {
            grown[i] = s.Log![(s.LogHead + i) % length];
        }

        s.Log = grown;
        s.LogHead = 0;
    }
}
