using System.Diagnostics.Metrics;
using System.Net;
using ApiKit.RateLimiting.Redis;
using ApiKit.RateLimiting.Tests.Http;
using ApiKit.Testing;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace ApiKit.RateLimiting.Tests.Redis;

[Collection(nameof(RedisCollection))]
public sealed class RedisRateLimitingTests(RedisServerFixture redis) : IAsyncLifetime
{
    private readonly string _prefix = "t" + Guid.NewGuid().ToString("N")[..8];
    private ConnectionMultiplexer _connection = null!;

    public async Task InitializeAsync()
    {
        await redis.StartAsync();
        _connection = await RedisTestConnection.ConnectAsync(redis.ConnectionString);
    }

    public async Task DisposeAsync()
    {
        await redis.StartAsync();
        _connection.Dispose();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Get_64ParallelCallersOnOneKey_AdmitExactlyTheLimit(bool onRedis)
    {
        await using var app = await StartAsync(
            RedisFailureMode.FailClosed,
            o => o.AddPolicy("main", Limit("global", 300, RateLimitPartitions.Global, TimeSpan.FromHours(1))),
            onRedis);
        var admitted = 0;
        var failures = 0;
        await Task.WhenAll(Enumerable.Range(0, 64).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < 10; i++)
            {
                using var response = await app.GetAsync("/limited");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    Interlocked.Increment(ref admitted);
                }
                else if (response.StatusCode != HttpStatusCode.TooManyRequests)
                {
                    Interlocked.Increment(ref failures);
                }
            }
        })));

        Assert.Equal(0, failures);
        Assert.Equal(300, admitted);
    }

    [Fact]
    public async Task Get_SeveralLimitsOnRedis_ADenialConsumesFromNoneAndKeysExpireWithTheirWindow()
    {
        await using var app = await StartAsync(RedisFailureMode.FailClosed, o =>
            o.AddPolicy("main", Limit("user", 5, RateLimitPartitions.User, TimeSpan.FromMinutes(1)), Limit("ip", 2, RateLimitPartitions.ClientIp, TimeSpan.FromMinutes(1))));

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            using var response = await app.GetAsync("/limited", peer: "192.0.2.1", user: "bob");
            statuses.Add(response.StatusCode);
        }

        using var elsewhere = await app.GetAsync("/limited", peer: "192.0.2.2", user: "bob");

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses);
        Assert.Equal(HttpStatusCode.OK, elsewhere.StatusCode);
        Assert.StartsWith("\"user\";r=2;", elsewhere.Header("RateLimit"), StringComparison.Ordinal);
        var ttl = await _connection.GetDatabase().KeyTimeToLiveAsync($"{_prefix}:{{main}}:user:2:v2:bob");
        Assert.NotNull(ttl);
        Assert.InRange(ttl.Value, TimeSpan.FromMilliseconds(1), TimeSpan.FromMinutes(1));
    }

    [Theory]
    [InlineData(RedisFailureMode.FailOpen)]
    [InlineData(RedisFailureMode.FailClosed)]
    [InlineData(RedisFailureMode.InMemory)]
    public async Task Get_RedisStoppedAndRestarted_FailureModeDecidesThenRedisResumes(RedisFailureMode mode)
    {
        await using var app = await StartAsync(mode, o => o.AddPolicy("main", Limit("ip", 3, RateLimitPartitions.ClientIp, TimeSpan.FromMinutes(1))));
        var factory = app.Services.GetRequiredService<IMeterFactory>();
        var fallbacks = 0L;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, factory) && instrument.Meter.Name == RateLimitingTelemetry.MeterName
                && instrument.Name == RateLimitingTelemetry.FallbacksCounter)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref fallbacks, value));
        listener.Start();
        var key = $"{_prefix}:{{main:ip:192.0.2.10}}:2:v2";

        using var before = await app.GetAsync("/limited");
        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.True(await _connection.GetDatabase().KeyExistsAsync(key));

        await redis.StopAsync();
        var during = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            using var response = await app.GetAsync("/limited");
            during.Add(response.StatusCode);
            if (mode == RedisFailureMode.FailClosed)
            {
                Assert.NotNull(response.Header("Retry-After"));
            }
        }

        HttpStatusCode[] expected = mode switch
        {
            RedisFailureMode.FailOpen => [HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK],
            RedisFailureMode.FailClosed => [HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests],
            _ => [HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests],
        };
        Assert.Equal(expected, during);
        Assert.Equal(4, Interlocked.Read(ref fallbacks));

        await redis.StartAsync();
        await RedisTestConnection.WaitConnectedAsync(_connection);
        await RedisTestConnection.WaitConnectedAsync(app.Services.GetRequiredService<IConnectionMultiplexer>());
        app.Time.Advance(TimeSpan.FromSeconds(6));
        using var after = await app.GetAsync("/limited");

        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.Equal("\"ip\";r=2;", after.Header("RateLimit")![..9]);
        Assert.True(await _connection.GetDatabase().KeyExistsAsync(key));
        Assert.Equal(4, Interlocked.Read(ref fallbacks));
    }

    [Fact]
    public async Task Get_KnownExhaustedKey_IsRefusedWithoutRedis()
    {
        await using var app = await StartAsync(RedisFailureMode.FailOpen, o => o.AddPolicy("main", Limit("ip", 1, RateLimitPartitions.ClientIp, TimeSpan.FromSeconds(30))));

        using var first = await app.GetAsync("/limited");
        using var second = await app.GetAsync("/limited");
        await redis.StopAsync();
        using var cached = await app.GetAsync("/limited");
        app.Time.Advance(TimeSpan.FromSeconds(31));
        using var afterRetry = await app.GetAsync("/limited");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, cached.StatusCode);
        Assert.NotNull(cached.Header("Retry-After"));
        Assert.Equal(HttpStatusCode.OK, afterRetry.StatusCode);
    }

    [Fact]
    public async Task DecideAsync_WeightedCostAndMissingKey_SendTheirOwnArguments()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConnectionMultiplexer>(_connection);
        services.AddApiKitRateLimiting(o => o.AddPolicy(
                "main", Limit("user", 10, RateLimitPartitions.User, TimeSpan.FromMinutes(1)), Limit("ip", 4, RateLimitPartitions.ClientIp, TimeSpan.FromMinutes(1))))
            .AddRedis(o =>
            {
                o.KeyPrefix = _prefix;
                o.FailureMode = RedisFailureMode.FailClosed;
                o.Timeout = TimeSpan.FromSeconds(5);
            });
        await using var provider = services.BuildServiceProvider();
        var backend = provider.GetRequiredService<RedisRateLimitBackend>();
        var policy = provider.GetRequiredService<RateLimitPolicyRegistry>().Current.Policies["main"];
        var user = Array.FindIndex(policy.Limits, l => l.Name == "user");

        // Cost 3 under both limits, then cost 1 without a user (only the IP key goes to Redis), twice.
        var heavy = Keys(policy, user, "bob", "192.0.2.1", 3);
        var anonymous = Keys(policy, user, null, "192.0.2.1", 1);
        var refused = Keys(policy, user, null, "192.0.2.1", 1);
        foreach (var evaluation in new[] { heavy, anonymous, refused })
        {
            await backend.DecideAsync(evaluation, allowDelay: false, CancellationToken.None);
        }

        Assert.All(new[] { heavy, anonymous, refused }, e => Assert.Null(e.Fallback));
        Assert.True(heavy.Allowed);
        Assert.Equal(7, heavy.Decisions[user].Remaining);
        Assert.True(anonymous.Allowed);
        Assert.False(refused.Allowed);
    }

    [Fact]
    public async Task DecideAsync_LoneCostOneWithAndWithoutDelay_UseTheirOwnSharedArguments()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConnectionMultiplexer>(_connection);
        services.AddApiKitRateLimiting(o => o.AddPolicy("shape", new RateLimitPolicyLimit
            {
                Name = "global", Algorithm = RateLimitAlgorithm.LeakyBucket, PermitLimit = 1, Window = TimeSpan.FromMinutes(1), Burst = 1, QueueLimit = 2,
                PartitionBy = RateLimitPartitions.Global,
            }))
            .AddRedis(o =>
            {
                o.KeyPrefix = _prefix;
                o.FailureMode = RedisFailureMode.FailClosed;
                o.Timeout = TimeSpan.FromSeconds(5);
            });
        await using var provider = services.BuildServiceProvider();
        var backend = provider.GetRequiredService<RedisRateLimitBackend>();
        var policy = provider.GetRequiredService<RateLimitPolicyRegistry>().Current.Policies["shape"];

        // The burst admits the first at once; the second would have to wait, so without delay it is refused (and
        // consumes nothing), and with delay the same request is admitted to the queue with a wait; the next one queues
        // behind it, so it waits longer (it would wait as long if the delayed one had not been taken).
        var first = new PolicyEvaluation(policy, ["g"], 1);
        var undelayed = new PolicyEvaluation(policy, ["g"], 1);
        var delayed = new PolicyEvaluation(policy, ["g"], 1);
        await backend.DecideAsync(first, allowDelay: false, CancellationToken.None);
        await backend.DecideAsync(undelayed, allowDelay: false, CancellationToken.None);
        await backend.DecideAsync(delayed, allowDelay: true, CancellationToken.None);
        var next = new PolicyEvaluation(policy, ["g"], 1);
        await backend.DecideAsync(next, allowDelay: true, CancellationToken.None);

        Assert.All(new[] { first, undelayed, delayed, next }, e => Assert.Null(e.Fallback));
        Assert.True(first.Allowed);
        Assert.Equal(0, first.DelayMicros);
        Assert.False(undelayed.Allowed);
        Assert.True(delayed.Allowed);
        Assert.True(delayed.DelayMicros > 0);
        Assert.True(next.Allowed);
        Assert.True(next.DelayMicros > delayed.DelayMicros);
    }

    private static PolicyEvaluation Keys(CompiledPolicy policy, int userIndex, string? user, string ip, long cost)
    {
        var keys = new string?[policy.Limits.Length];
        keys[userIndex] = user;
        keys[1 - userIndex] = ip;
        return new PolicyEvaluation(policy, keys, cost);
    }

    private static RateLimitPolicyLimit Limit(string name, long permits, string partition, TimeSpan window) =>
        new() { Name = name, PermitLimit = permits, PartitionBy = partition, Algorithm = RateLimitAlgorithm.FixedWindow, Window = window };

    private Task<TestApp> StartAsync(RedisFailureMode mode, Action<ApiKitRateLimitingOptions> configure, bool onRedis = true) =>
        TestApp.StartAsync((services, _) =>
        {
            services.AddSingleton<IConnectionMultiplexer>(_connection);
            var builder = services.AddApiKitRateLimiting(configure);
            if (onRedis)
            {
                builder.AddRedis(o =>
                {
                    o.KeyPrefix = _prefix;
                    o.FailureMode = mode;
                    o.FailureThreshold = 2;
                    o.BreakDuration = TimeSpan.FromSeconds(5);
                    o.Timeout = TimeSpan.FromSeconds(5);
                });
            }
        });
}
