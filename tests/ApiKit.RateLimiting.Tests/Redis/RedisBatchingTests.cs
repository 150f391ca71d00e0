using ApiKit.RateLimiting.Redis;
using ApiKit.Testing;
using FsCheck;
using FsCheck.Fluent;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace ApiKit.RateLimiting.Tests.Redis;

/// <summary>
/// The batch script decides several requests in one call exactly as the one-request path would one after another
/// (same time), including shared keys and the all-or-nothing rule; and the backend's opportunistic batching keeps
/// exactness under 64 callers and hands every waiter its failure mode when Redis goes away mid-batch.
/// </summary>
[Collection(nameof(RedisCollection))]
public sealed class RedisBatchingTests(RedisServerFixture redis) : IAsyncLifetime
{
    private const long Start = 1_763_700_000_000_000L;
    private readonly string _prefix = "b" + Guid.NewGuid().ToString("N")[..8];
    private ConnectionMultiplexer _connection = null!;

    public async Task InitializeAsync()
    {
        await redis.StartAsync();
        _connection = await RedisTestConnection.ConnectAsync(redis.ConnectionString + ",syncTimeout=15000");
    }

    public async Task DisposeAsync()
    {
        await redis.StartAsync();
        _connection.Dispose();
    }

    [Fact]
    public void BatchScript_AnyBatchesOfRequests_EqualSequentialLimitMath()
    {
        var database = _connection.GetDatabase();
        var limitGen =
            from algorithm in Gen.Elements(RateLimitAlgorithm.TokenBucket, RateLimitAlgorithm.LeakyBucket, RateLimitAlgorithm.FixedWindow, RateLimitAlgorithm.SlidingWindowCounter)
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

        // A request: for each of the three limits, no key (-1) or one of two keys; at least one limit applies.
        var requestGen =
            from keys in Gen.ArrayOf(Gen.Choose(-1, 1), 3).Where(k => k.Any(i => i >= 0))
            from cost in Gen.Frequency((8, Gen.Constant(1)), (2, Gen.Choose(0, 5)))
            from allowDelay in Gen.Elements(true, false)
            select (Keys: keys, Cost: cost, AllowDelay: allowDelay);
        var scenario =
            from limits in Gen.ArrayOf(limitGen, 3)
            from batches in Gen.ListOf(Gen.Zip(Gen.Choose(0, 4000), Gen.Choose(1, 6).SelectMany(n => Gen.ArrayOf(requestGen, n))), 12)
            select (Limits: limits, Batches: batches.ToArray());

        Check.One(Config.QuickThrowOnFailure.WithMaxTest(50), Prop.ForAll(scenario.ToArbitrary(), s =>
        {
            var parameters = s.Limits.Select(l => l.ToParameters()).ToArray();
            var states = new Dictionary<(int, int), LimitState>();
            var id = Guid.NewGuid().ToString("N");
            var now = Start;
            foreach (var (delta, requests) in s.Batches)
            {
                now += delta;
                var batch = requests.Select(r => Pending(parameters, id, r.Keys, r.Cost, r.AllowDelay)).ToArray();
                var (keys, values) = RedisRateLimitBackend.BatchRequest(batch);
                values[0] = now;

                // Synchronous on purpose, as in RedisScriptEquivalenceTests: FsCheck properties are synchronous.
                var answer = (byte[])database.ScriptEvaluate(RedisRateLimitScript.BatchSource, keys, values)!;

                for (var q = 0; q < requests.Length; q++)
                {
                    var r = requests[q];
                    var applied = Enumerable.Range(0, 3).Where(i => r.Keys[i] >= 0).ToArray();
                    var next = new LimitState[applied.Length];
                    var expected = new List<long>();
                    var all = true;
                    for (var j = 0; j < applied.Length; j++)
                    {
                        var i = applied[j];
                        var d = LimitMath.Decide(parameters[i], states.GetValueOrDefault((i, r.Keys[i])), now, r.Cost, out next[j]);
                        all &= d.Allowed && (r.AllowDelay || d.DelayMicros == 0);
                        expected.AddRange([d.Allowed ? 1 : 0, d.RetryAfterMicros, d.Remaining, d.ResetMicros, d.DelayMicros]);
                    }

                    expected.Insert(0, all ? 1 : 0);
                    var actual = Decode(answer, batch[q].Offset, applied.Length);
                    if (!expected.SequenceEqual(actual))
                    {
                        throw new InvalidOperationException(
                            $"request {q} of the batch at now={now} differs: script [{string.Join(",", actual)}], sequential [{string.Join(",", expected)}]");
                    }

                    if (all)
                    {
                        for (var j = 0; j < applied.Length; j++)
                        {
                            var key = (applied[j], r.Keys[applied[j]]);
                            var state = states.GetValueOrDefault(key);
                            LimitMath.Commit(parameters[applied[j]], ref state, next[j], now, r.Cost);
                            states[key] = state;
                        }
                    }
                }
            }

            return true;
        }));
    }

    [Fact]
    public void BatchScript_RequestRefusedByOneLimit_ConsumesFromNoneInsideTheBatch()
    {
        var user = new LimitParameters(RateLimitAlgorithm.FixedWindow, 5, 60_000_000, 5, 0);
        var ip = new LimitParameters(RateLimitAlgorithm.FixedWindow, 1, 60_000_000, 1, 0);
        var id = Guid.NewGuid().ToString("N");
        LimitParameters[] parameters = [user, ip, user];

        // alice and the IP, then bob and the same IP (refused by the IP), then bob alone.
        var batch = new[]
        {
            Pending(parameters, id, [0, 0, -1], 1, false),
            Pending(parameters, id, [-1, 0, 1], 1, false),
            Pending(parameters, id, [-1, -1, 1], 1, false),
        };
        var (keys, values) = RedisRateLimitBackend.BatchRequest(batch);
        values[0] = Start;

        var answer = (byte[])_connection.GetDatabase().ScriptEvaluate(RedisRateLimitScript.BatchSource, keys, values)!;
        var first = Decode(answer, batch[0].Offset, 2);
        var second = Decode(answer, batch[1].Offset, 2);
        var third = Decode(answer, batch[2].Offset, 1);

        Assert.Equal(1, first[0]);
        Assert.Equal(0, second[0]);
        Assert.Equal(0, second[1]);
        Assert.Equal(1, second[1 + 5]);
        Assert.Equal(1, third[0]);
        Assert.Equal(4, third[3]);
    }

    [Fact]
    public void BatchScript_RequestWithoutKeys_AdmitsWithoutTouchingRedis()
    {
        var (keys, values) = RedisRateLimitBackend.BatchRequest([Pending([], "none", [], 1, false)]);

        var answer = (byte[])_connection.GetDatabase().ScriptEvaluate(RedisRateLimitScript.BatchSource, keys, values)!;

        Assert.Equal([1], answer);
    }

    [Fact]
    public async Task DecideAsync_64CallersWithBatching_AdmitExactlyTheLimitAndBatch()
    {
        await using var provider = Provider(RedisFailureMode.FailClosed, TimeSpan.FromSeconds(10));
        var backend = provider.GetRequiredService<RedisRateLimitBackend>();
        var policy = provider.GetRequiredService<RateLimitPolicyRegistry>().Current.Policies["main"];
        var admitted = 0;
        var fallbacks = 0;

        await Task.WhenAll(Enumerable.Range(0, 64).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < 10; i++)
            {
                var evaluation = new PolicyEvaluation(policy, ["k"], 1);
                await backend.DecideAsync(evaluation, allowDelay: false, CancellationToken.None);
                Interlocked.Add(ref admitted, evaluation.Allowed ? 1 : 0);
                Interlocked.Add(ref fallbacks, evaluation.Fallback is null or "exhausted_cache" ? 0 : 1);
            }
        }))).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(0, fallbacks);
        Assert.Equal(300, admitted);
        Assert.True(backend.BatchedDecisions > 0, "no decision was batched");
    }

    [Fact]
    public async Task DecideAsync_RedisStoppedMidBatch_EveryWaiterGetsItsFailureMode()
    {
        await using var provider = Provider(RedisFailureMode.FailClosed, TimeSpan.FromSeconds(2));
        var backend = provider.GetRequiredService<RedisRateLimitBackend>();
        var policy = provider.GetRequiredService<RateLimitPolicyRegistry>().Current.Policies["main"];
        var decided = 0;
        var admitted = 0;
        var refusedByFallback = 0;
        var stop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var callers = Enumerable.Range(0, 64).Select(c => Task.Run(async () =>
        {
            for (var i = 0; i < 40; i++)
            {
                if (Interlocked.Increment(ref decided) == 64 * 10)
                {
                    stop.TrySetResult();
                }

                var evaluation = new PolicyEvaluation(policy, [$"k{c % 4}"], 1);
                await backend.DecideAsync(evaluation, allowDelay: false, CancellationToken.None);
                if (evaluation.Fallback is null)
                {
                    Interlocked.Add(ref admitted, evaluation.Allowed ? 1 : 0);
                }
                else
                {
                    Assert.False(evaluation.Allowed);
                    Interlocked.Increment(ref refusedByFallback);
                }
            }
        })).ToArray();
        await stop.Task.WaitAsync(TimeSpan.FromSeconds(60));
        await redis.StopAsync();

        // No caller throws or hangs: every decision ends within the timeout, from Redis or from the failure mode.
        await Task.WhenAll(callers).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.True(refusedByFallback > 0, "Redis stopped but no decision fell back");
        Assert.InRange(admitted, 1, 4 * 300);
        Assert.True(backend.BatchedDecisions > 0, "no decision was batched");
    }

    [Fact]
    public async Task DecideAsync_RedisBusyPastTheTimeout_QueuedWaitersTakeTheirFailureModeWithinTheTimeout()
    {
        var time = new ManualTimeProvider();
        await using var provider = Provider(RedisFailureMode.FailOpen, TimeSpan.FromMilliseconds(200), time);
        var backend = provider.GetRequiredService<RedisRateLimitBackend>();
        var policy = provider.GetRequiredService<RateLimitPolicyRegistry>().Current.Policies["main"];
        var warmup = new PolicyEvaluation(policy, ["k"], 1);
        await backend.DecideAsync(warmup, allowDelay: false, CancellationToken.None);
        Assert.Null(warmup.Fallback);

        // A script that keeps the server busy for 3 s (Redis runs one script at a time): nothing answers meanwhile.
        using var other = await RedisTestConnection.ConnectAsync(redis.ConnectionString + ",syncTimeout=15000");
        var busy = other.GetDatabase().ScriptEvaluateAsync(
            "local s = redis.call('TIME') repeat local n = redis.call('TIME') until (n[1] - s[1]) * 1000000 + (n[2] - s[2]) > 3000000 return 1");
        var evaluations = Enumerable.Range(0, 64).Select(_ => new PolicyEvaluation(policy, ["k"], 1)).ToArray();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var decisions = evaluations.Select(e => backend.DecideAsync(e, allowDelay: false, CancellationToken.None).AsTask()).ToArray();
        while (backend.QueuedDecisions < 64 - RedisRateLimitBackend.MaxInFlight && clock.Elapsed < TimeSpan.FromSeconds(2))
        {
            await Task.Yield();
        }

        Assert.Equal(64 - RedisRateLimitBackend.MaxInFlight, backend.QueuedDecisions);
        time.Advance(TimeSpan.FromMilliseconds(200));
        await Task.WhenAll(decisions).WaitAsync(TimeSpan.FromSeconds(2));

        // All decided by the failure mode while Redis was still busy: the queued ones did not wait a second timeout.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2.5), $"took {clock.Elapsed}");
        Assert.All(evaluations, e => Assert.Equal("timeout", e.Fallback));
        Assert.All(evaluations, e => Assert.True(e.Allowed));
        await busy.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task DecideAsync_CancelledWhileQueuedForABatch_LeavesTheQueueAndTakesNoPermit()
    {
        await using var provider = Provider(RedisFailureMode.FailClosed, TimeSpan.FromSeconds(20));
        var backend = provider.GetRequiredService<RedisRateLimitBackend>();
        var policy = provider.GetRequiredService<RateLimitPolicyRegistry>().Current.Policies["main"];
        await backend.DecideAsync(new PolicyEvaluation(policy, ["k"], 1), allowDelay: false, CancellationToken.None);

        // The server busy for a second (Redis runs one script at a time): the two calls allowed out stay out, and the
        // next decisions queue behind them.
        using var other = await RedisTestConnection.ConnectAsync(redis.ConnectionString + ",syncTimeout=15000");
        var busy = other.GetDatabase().ScriptEvaluateAsync(
            "local s = redis.call('TIME') repeat local n = redis.call('TIME') until (n[1] - s[1]) * 1000000 + (n[2] - s[2]) > 1000000 return 1");
        var outstanding = Enumerable.Range(0, RedisRateLimitBackend.MaxInFlight)
            .Select(_ => backend.DecideAsync(new PolicyEvaluation(policy, ["k"], 1), allowDelay: false, CancellationToken.None).AsTask())
            .ToArray();
        using var cancel = new CancellationTokenSource();
        var withdrawn = backend.DecideAsync(new PolicyEvaluation(policy, ["k"], 1), allowDelay: false, cancel.Token).AsTask();
        var kept = backend.DecideAsync(new PolicyEvaluation(policy, ["k"], 1), allowDelay: false, CancellationToken.None).AsTask();
        Assert.Equal(2, backend.QueuedDecisions);

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => withdrawn);
        Assert.Equal(1, backend.QueuedDecisions);
        await Task.WhenAll([.. outstanding, kept, busy]).WaitAsync(TimeSpan.FromSeconds(10));

        // 1 + 2 + 1 decided so far, the withdrawn one not: the next sees 300 - 5 left.
        var after = new PolicyEvaluation(policy, ["k"], 1);
        await backend.DecideAsync(after, allowDelay: false, CancellationToken.None);
        Assert.Null(after.Fallback);
        Assert.Equal(300 - 5, after.Decisions[0].Remaining);
    }

    private static RedisRateLimitBackend.PendingDecision Pending(LimitParameters[] parameters, string id, int[] keyChoice, long cost, bool allowDelay)
    {
        var keys = new List<RedisKey>();
        var limits = new List<byte>();
        for (var i = 0; i < keyChoice.Length; i++)
        {
            if (keyChoice[i] < 0)
            {
                continue;
            }

            keys.Add($"{{bt{id}}}:l{i}:k{keyChoice[i]}");
            var packed = new byte[RedisRateLimitBackend.LimitSize];
            RedisRateLimitBackend.PackLimit(packed, parameters[i]);
            limits.AddRange(packed);
        }

        return new RedisRateLimitBackend.PendingDecision([.. keys], cost, allowDelay, [.. limits]);
    }

    /// <summary>One request's answer as the one-request script gives it: all-allowed, then five numbers per limit.</summary>
    private static long[] Decode(byte[] answer, int offset, int limits)
    {
        var decoded = new List<long> { answer[offset] };
        for (var j = 0; j < limits; j++)
        {
            var d = RedisRateLimitBackend.ReadDecision(answer, offset, j);
            decoded.AddRange([d.Allowed ? 1 : 0, d.RetryAfterMicros, d.Remaining, d.ResetMicros, d.DelayMicros]);
        }

        return [.. decoded];
    }

    private ServiceProvider Provider(RedisFailureMode mode, TimeSpan timeout, TimeProvider? time = null)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        if (time is not null)
        {
            services.AddSingleton(time);
        }

        services.AddSingleton<IConnectionMultiplexer>(_connection);
        services.AddApiKitRateLimiting(o => o.AddPolicy("main", new RateLimitPolicyLimit
        {
            Name = "global", PermitLimit = 300, PartitionBy = RateLimitPartitions.Global, Algorithm = RateLimitAlgorithm.FixedWindow, Window = TimeSpan.FromHours(1),
        }))
            .AddRedis(o =>
            {
                o.KeyPrefix = _prefix;
                o.FailureMode = mode;
                o.Timeout = timeout;
            });
        return services.BuildServiceProvider();
    }
}
