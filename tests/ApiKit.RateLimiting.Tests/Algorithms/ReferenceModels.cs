using System.Numerics;

namespace ApiKit.RateLimiting.Tests.Algorithms;

/// <summary>
/// Deliberately naive models of each algorithm, written from the textbook definitions (absolute TAT, per-window
/// counts, a plain list of timestamps, exact rationals) rather than from <see cref="LimitMath"/>'s formulas.
/// </summary>
internal interface IReferenceModel
{
    bool TryAdmit(long now, long cost);
}

internal static class ReferenceModels
{
    public static IReferenceModel For(RateLimitRule rule)
    {
        var p = rule.ToParameters();
        return p.Algorithm switch
        {
            RateLimitAlgorithm.TokenBucket => new TokenBucketModel(p),
            RateLimitAlgorithm.LeakyBucket => new GcraModel(p),
            RateLimitAlgorithm.FixedWindow => new FixedWindowModel(p),
            RateLimitAlgorithm.SlidingWindowLog => new LogModel(p),
            _ => new CounterModel(p),
        };
    }

    // Tokens as an exact rational tokens/W; refill N/W per microsecond, capped at the burst.
    private sealed class TokenBucketModel(LimitParameters p) : IReferenceModel
    {
        private BigInteger _tokensTimesW = new BigInteger(p.Burst) * p.WindowMicros;
        private long? _last;

        public bool TryAdmit(long now, long cost)
        {
            if (_last is { } last && now > last)
            {
                _tokensTimesW = BigInteger.Min(new BigInteger(p.Burst) * p.WindowMicros, _tokensTimesW + (new BigInteger(now - last) * p.PermitLimit));
            }

            _last = Math.Max(_last ?? now, now);
            if (cost <= p.Burst && _tokensTimesW >= new BigInteger(cost) * p.WindowMicros)
            {
                _tokensTimesW -= new BigInteger(cost) * p.WindowMicros;
                return true;
            }

            return false;
        }
    }

    // Virtual scheduling with an absolute theoretical arrival time, every time scaled by N (emission interval W/N).
    private sealed class GcraModel(LimitParameters p) : IReferenceModel
    {
        private BigInteger _tatTimesN = BigInteger.MinusOne;

        public bool TryAdmit(long now, long cost)
        {
            var nowN = new BigInteger(now) * p.PermitLimit;
            var tat = _tatTimesN < nowN ? nowN : _tatTimesN;
            var next = tat + (new BigInteger(cost) * p.WindowMicros);
            if (next - nowN <= new BigInteger(p.Burst) * p.WindowMicros)
            {
                _tatTimesN = next;
                return true;
            }

            return false;
        }
    }

    private sealed class FixedWindowModel(LimitParameters p) : IReferenceModel
    {
        private readonly Dictionary<long, long> _counts = [];

        public bool TryAdmit(long now, long cost)
        {
            var window = now / p.WindowMicros;
            var count = _counts.GetValueOrDefault(window);
            if (count + cost <= p.PermitLimit)
            {
                _counts[window] = count + cost;
                return true;
            }

            return false;
        }
    }

    private sealed class LogModel(LimitParameters p) : IReferenceModel
    {
        private readonly List<long> _admitted = [];

        public bool TryAdmit(long now, long cost)
        {
            var live = _admitted.Count(t => t > now - p.WindowMicros);
            if (live + cost <= p.PermitLimit)
            {
                _admitted.AddRange(Enumerable.Repeat(now, (int)cost));
                return true;
            }

            return false;
        }
    }

    // Estimate = previous x (W - elapsed) / W + current, compared exactly as rationals.
    private sealed class CounterModel(LimitParameters p) : IReferenceModel
    {
        private readonly Dictionary<long, long> _counts = [];

        public bool TryAdmit(long now, long cost)
        {
            var w = p.WindowMicros;
            var window = now / w;
            var elapsed = now - (window * w);
            var previous = _counts.GetValueOrDefault(window - 1);
            var current = _counts.GetValueOrDefault(window);
            var weighted = (new BigInteger(previous) * (w - elapsed)) + (new BigInteger(current + cost) * w);
            if (cost <= p.PermitLimit && weighted <= new BigInteger(p.PermitLimit) * w)
            {
                _counts[window] = current + cost;
                return true;
            }

            return false;
        }
    }
}
