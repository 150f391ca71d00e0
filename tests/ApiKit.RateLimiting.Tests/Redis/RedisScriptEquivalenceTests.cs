using ApiKit.RateLimiting.Redis;
using ApiKit.Testing;
using FsCheck;
using FsCheck.Fluent;
using StackExchange.Redis;

namespace ApiKit.RateLimiting.Tests.Redis;

/// <summary>
/// The Lua script and <see cref="LimitMath"/> are two implementations of the same functions: for any set of limits and
/// any schedule (times passed in explicitly), every number the script returns equals the in-memory one.
/// </summary>
[Collection(nameof(RedisCollection))]
public sealed class RedisScriptEquivalenceTests(RedisServerFixture redis) : IAsyncLifetime
{
    private ConnectionMultiplexer? _connection;

    public async Task InitializeAsync() => _connection = await RedisTestConnection.ConnectAsync(redis.ConnectionString + ",syncTimeout=15000");

    public Task DisposeAsync()
    {
        _connection?.Dispose();
        return Task.CompletedTask;
    }

    private static string Describe(LimitParameters[] parameters, bool allowDelay) =>
        $"allowDelay={allowDelay} " + string.Join(" | ", parameters.Select(p => $"{p.Algorithm} N={p.PermitLimit} W={p.WindowMicros} B={p.Burst} Q={p.QueueLimit}"));

    [Fact]
    public void Script_AnyLimitsAndSchedule_EqualsLimitMath()
    {
        var database = _connection!.GetDatabase();
        var limitGen =
            from algorithm in Gen.Elements(Enum.GetValues<RateLimitAlgorithm>())
            from limit in Gen.Choose(1, 6)
            from windowMs in Gen.Elements(1, 4, 10)
            from burst in Gen.Choose(1, 6)
            from queue in Gen.Choose(0, 3)
            select new RateLimitRule
            {
                Name = "l",
                Algorithm = algorithm,
                PermitLimit = limit,
                Window = TimeSpan.FromMilliseconds(windowMs),
                Burst = algorithm is RateLimitAlgorithm.TokenBucket or RateLimitAlgorithm.LeakyBucket ? burst : null,
                QueueLimit = algorithm == RateLimitAlgorithm.LeakyBucket ? queue : 0,
            };
        var scenario =
            from limits in Gen.Choose(1, 3).SelectMany(n => Gen.ListOf(limitGen, n))
            from allowDelay in Gen.Elements(true, false)
            from steps in Gen.ListOf(Gen.Zip(Gen.Choose(0, 4000), Gen.Frequency((8, Gen.Constant(1)), (2, Gen.Choose(0, 8)))), 30)
            select (Limits: limits.ToArray(), AllowDelay: allowDelay, Steps: steps.ToArray());

        Check.One(Config.QuickThrowOnFailure.WithMaxTest(60), Prop.ForAll(scenario.ToArbitrary(), s =>
        {
            var parameters = s.Limits.Select(l => l.ToParameters()).ToArray();
            var states = new LimitState[parameters.Length];
            var prefix = Guid.NewGuid().ToString("N");
            var keys = parameters.Select((_, i) => (RedisKey)$"{{eq{prefix}}}:{i}").ToArray();
            var now = 1_763_700_000_000_000L;
            foreach (var (delta, cost) in s.Steps)
            {
                now += delta;
                var values = new List<RedisValue> { cost, s.AllowDelay ? 1 : 0, now };
                foreach (var p in parameters)
                {
                    values.AddRange([(int)p.Algorithm, p.PermitLimit, p.WindowMicros, p.Burst, p.QueueLimit]);
                }

                // Synchronous on purpose: FsCheck properties are synchronous, and blocking on SE.Redis 1.2.6's tasks
                // from inside one stalls; its own synchronous path does not.
                var result = ((RedisResult[])database.ScriptEvaluate(RedisRateLimitScript.Source, keys, [.. values])!)
                    .Select(r => (long)r).ToArray();

                var next = new LimitState[parameters.Length];
                var decisions = new LimitDecision[parameters.Length];
                var all = true;
                for (var i = 0; i < parameters.Length; i++)
                {
                    decisions[i] = LimitMath.Decide(parameters[i], states[i], now, cost, out next[i]);
                    all &= decisions[i].Allowed && (s.AllowDelay || decisions[i].DelayMicros == 0);
                }

                if (result[0] != (all ? 1 : 0))
                {
                    throw new InvalidOperationException($"all-allowed differs at now={now} cost={cost}: script {result[0]}, memory {all}; {Describe(parameters, s.AllowDelay)}");
                }

                for (var i = 0; i < parameters.Length; i++)
                {
                    var d = decisions[i];
                    long[] expected = [d.Allowed ? 1 : 0, d.RetryAfterMicros, d.Remaining, d.ResetMicros, d.DelayMicros];
                    var actual = result.Skip(1 + (5 * i)).Take(5).ToArray();
                    if (!expected.SequenceEqual(actual))
                    {
                        throw new InvalidOperationException(
                            $"limit {i} differs at now={now} cost={cost}: script [{string.Join(",", actual)}], memory [{string.Join(",", expected)}]; {Describe(parameters, s.AllowDelay)}");
                    }

                    if (all)
                    {
                        LimitMath.Commit(parameters[i], ref states[i], next[i], now, cost);
                    }
                }
            }

            return true;
        }));
    }

    [Fact]
    public void Source_SingleAndBatchScripts_EachCarryTheSharedAlgorithmsOnce()
    {
        const string Algorithms = "-- LimitMath.SlidingWindowCounter";
        foreach (var source in new[] { RedisRateLimitScript.Source, RedisRateLimitScript.BatchSource })
        {
            Assert.DoesNotContain("#include", source, StringComparison.Ordinal);
            var first = source.IndexOf(Algorithms, StringComparison.Ordinal);
            Assert.True(first >= 0);
            Assert.Equal(-1, source.IndexOf(Algorithms, first + 1, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Script_StateInAnotherFormat_IsAFreshState()
    {
        var database = _connection!.GetDatabase();
        RedisKey key = $"{{fmt{Guid.NewGuid():N}}}:state";
        database.StringSet(key, "1763700000000000:2:0");
        RedisValue[] values = [1, 0, 1_763_700_000_000_000L, (int)RateLimitAlgorithm.FixedWindow, 2, 1_000_000, 2, 0];

        var result = ((RedisResult[])database.ScriptEvaluate(RedisRateLimitScript.Source, [key], values)!).Select(r => (long)r).ToArray();
        var stored = (byte[])database.StringGet(key)!;

        // In the old text format this window is full (start, count 2 of 2); read as fresh, one permit is used, one is left.
        Assert.Equal([1, 1, 0, 1, 1_000_000, 0], result);
        Assert.Equal(25, stored.Length);
        Assert.Equal(1, stored[0]);
    }
}
