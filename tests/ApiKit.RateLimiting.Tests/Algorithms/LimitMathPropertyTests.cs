using ApiKit.Testing;
using FsCheck;
using FsCheck.Fluent;

namespace ApiKit.RateLimiting.Tests.Algorithms;

public sealed class LimitMathPropertyTests
{
    private const int MaxTests = 150;

    public static TheoryData<RateLimitAlgorithm> Algorithms =>
    [
        RateLimitAlgorithm.TokenBucket,
        RateLimitAlgorithm.LeakyBucket,
        RateLimitAlgorithm.FixedWindow,
        RateLimitAlgorithm.SlidingWindowLog,
        RateLimitAlgorithm.SlidingWindowCounter,
    ];

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void Decide_AnySchedule_AdmitsExactlyWhatTheReferenceModelAdmits(RateLimitAlgorithm algorithm)
    {
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(MaxTests), Prop.ForAll(Scenario(algorithm).ToArbitrary(), scenario =>
        {
            var model = ReferenceModels.For(scenario.Rule);
            var p = scenario.Rule.ToParameters();
            var state = default(LimitState);
            var now = scenario.Start;
            foreach (var (delta, cost) in scenario.Steps)
            {
                now += delta;
                var decision = LimitMath.Decide(p, state, now, cost, out var next);
                var admitted = decision.Allowed;
                if (admitted)
                {
                    LimitMath.Commit(p, ref state, next, now, cost);
                }

                if (admitted != model.TryAdmit(now, cost))
                {
                    return false;
                }
            }

            return true;
        }));
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void TryAdmit_AnySchedule_CommitsWhatDecideAndCommitWould(RateLimitAlgorithm algorithm)
    {
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(MaxTests), Prop.ForAll(Scenario(algorithm).ToArbitrary(), scenario =>
        {
            var p = scenario.Rule.ToParameters();
            var state = default(LimitState);
            var now = scenario.Start;
            foreach (var (delta, cost) in scenario.Steps)
            {
                now += delta;
                var decision = LimitMath.Decide(p, state, now, cost, out var next);
                var fast = state;
                var admitted = LimitMath.TryAdmit(p, ref fast, now, cost);
                if (admitted)
                {
                    // The fast path may only accept what the full path accepts without a delay, to the same state,
                    // and the lease's deferred numbers must be the full path's.
                    LimitMath.Commit(p, ref state, next, now, cost);
                    var deferred = LimitMath.Decide(p, fast, now, 0, out _);
                    if (!decision.Allowed || decision.DelayMicros != 0 || !SameState(state, fast)
                        || deferred.Remaining != decision.Remaining || deferred.ResetMicros != decision.ResetMicros)
                    {
                        return false;
                    }
                }
                else
                {
                    if (!SameState(state, fast))
                    {
                        return false;
                    }

                    if (decision.Allowed)
                    {
                        LimitMath.Commit(p, ref state, next, now, cost);
                    }
                }
            }

            return true;
        }));
    }

    private static bool SameState(in LimitState a, in LimitState b) =>
        a.Initialized == b.Initialized && a.A == b.A && a.B == b.B && a.C == b.C && a.LogCount == b.LogCount;

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void Decide_Denied_RetryAfterIsTheExactWait(RateLimitAlgorithm algorithm)
    {
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(MaxTests), Prop.ForAll(Scenario(algorithm).ToArbitrary(), scenario =>
        {
            var p = scenario.Rule.ToParameters();
            var state = default(LimitState);
            var now = scenario.Start;
            foreach (var (delta, cost) in scenario.Steps)
            {
                now += delta;
                var decision = LimitMath.Decide(p, state, now, cost, out var next);
                if (decision.Allowed)
                {
                    LimitMath.Commit(p, ref state, next, now, cost);
                    continue;
                }

                if (decision.RetryAfterMicros == LimitDecision.Never)
                {
                    if (cost <= p.MaxCost)
                    {
                        return false;
                    }

                    continue;
                }

                // Nothing else happening, the same request is allowed exactly after RetryAfter, and not a microsecond sooner.
                var retry = decision.RetryAfterMicros;
                var later = LimitMath.Decide(p, state, now + retry, cost, out _);
                var sooner = LimitMath.Decide(p, state, now + retry - 1, cost, out _);
                if (retry <= 0 || !later.Allowed || sooner.Allowed)
                {
                    return false;
                }
            }

            return true;
        }));
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void AttemptAcquire_ManualClock_MatchesReferenceModel(RateLimitAlgorithm algorithm)
    {
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(60), Prop.ForAll(Scenario(algorithm).ToArbitrary(), scenario =>
        {
            var time = new ManualTimeProvider();
            // Exact clock: the schedules step by single microseconds, far below the default resolution.
            using var limiter = ApiKitRateLimiter.Create(scenario.Rule, time, clockResolution: TimeSpan.Zero);
            var model = ReferenceModels.For(scenario.Rule);
            var now = 0L;
            foreach (var (delta, cost) in scenario.Steps)
            {
                now += delta;
                time.Advance(TimeSpan.FromTicks(delta * TimeSpan.TicksPerMicrosecond));
                if (cost > scenario.Rule.ToParameters().MaxCost)
                {
                    continue;
                }

                using var lease = limiter.AttemptAcquire((int)cost);
                if (lease.IsAcquired != model.TryAdmit(now, cost))
                {
                    return false;
                }
            }

            return true;
        }));
    }

    [Fact]
    public void SlidingWindowCounter_AnySchedule_StaysWithinDocumentedErrorBound()
    {
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(MaxTests), Prop.ForAll(Scenario(RateLimitAlgorithm.SlidingWindowCounter).ToArbitrary(), scenario =>
        {
            var p = scenario.Rule.ToParameters();
            var state = default(LimitState);
            var now = scenario.Start;
            var admitted = new List<long>();
            foreach (var (delta, cost) in scenario.Steps)
            {
                now += delta;
                var decision = LimitMath.Decide(p, state, now, cost, out var next);
                if (decision.Allowed)
                {
                    LimitMath.Commit(p, ref state, next, now, cost);
                    admitted.AddRange(Enumerable.Repeat(now, (int)cost));

                    // Bound 1: the estimate never under-counts the current window and over-counts the true sliding
                    // count by at most the previous window's count, so any interval of one window admits < 2N.
                    var inSlidingWindow = admitted.Count(t => t > now - p.WindowMicros);
                    if (inSlidingWindow > 2 * p.PermitLimit)
                    {
                        return false;
                    }
                }
            }

            // Bound 2, over every window-long interval ending at an admission.
            return admitted.All(end => admitted.Count(t => t > end - p.WindowMicros && t <= end) < 2 * p.PermitLimit
                || p.PermitLimit == 1);
        }));
    }

    internal sealed record Schedule(RateLimitRule Rule, long Start, (long Delta, long Cost)[] Steps)
    {
        public override string ToString() =>
            $"{Rule.Algorithm} N={Rule.PermitLimit} W={Rule.Window.TotalMicroseconds}us burst={Rule.Burst} start={Start} steps=[{string.Join(", ", Steps.Select(s => $"+{s.Delta}:{s.Cost}"))}]";
    }

    internal static Gen<Schedule> Scenario(RateLimitAlgorithm algorithm) =>
        from limit in Gen.Choose(1, 8)
        from windowMs in Gen.Elements(1, 3, 7, 10)
        from burst in Gen.Choose(1, 8)
        from start in Gen.Choose(0, 50_000)
        from steps in Gen.ListOf(
            from delta in Gen.Frequency((6, Gen.Choose(0, windowMs * 1000 / Math.Max(1, limit))), (2, Gen.Choose(0, 5)), (1, Gen.Choose(0, windowMs * 2500)))
            from cost in Gen.Frequency((8, Gen.Constant(1)), (2, Gen.Choose(0, 10)))
            select ((long)delta, (long)cost))
        select new Schedule(
            new RateLimitRule
            {
                Name = "p",
                Algorithm = algorithm,
                PermitLimit = limit,
                Window = TimeSpan.FromMilliseconds(windowMs),
                Burst = algorithm is RateLimitAlgorithm.TokenBucket or RateLimitAlgorithm.LeakyBucket ? burst : null,
            },
            start,
            [.. steps]);
}
