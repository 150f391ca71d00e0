using System.Diagnostics;
using ApiKit.Resilience.CircuitBreakers;
using ApiKit.Resilience.Redis;
using ApiKit.Testing;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace ApiKit.Resilience.Tests.Redis;

/// <summary>One "instance" of a service: its own connection, shared-state client and breaker registry.</summary>
internal sealed class Instance : IAsyncDisposable
{
    private Instance(ConnectionMultiplexer connection, RedisCircuitBreakerSharedState shared)
    {
        Connection = connection;
        Shared = shared;
        Registry = new CircuitBreakerRegistry(_ => new CircuitBreakerOptions
        {
            FailureRatio = null,
            ConsecutiveFailures = 2,
            BreakDuration = TimeSpan.FromSeconds(30),
            SharedState = shared,
        });
    }

    public ConnectionMultiplexer Connection { get; }

    public RedisCircuitBreakerSharedState Shared { get; }

    public CircuitBreakerRegistry Registry { get; }

    public static async Task<Instance> StartAsync(string connectionString, string prefix, string? channel = null)
    {
        var connection = await ConnectionMultiplexer.ConnectAsync(connectionString);
        return new Instance(connection, new RedisCircuitBreakerSharedState(
            connection,
            new RedisCircuitBreakerSharedStateOptions { KeyPrefix = prefix + ":", Channel = channel ?? prefix, ResyncInterval = TimeSpan.FromMilliseconds(500) }));
    }

    public async Task FailAsync(string name, int times = 2)
    {
        for (var i = 0; i < times; i++)
        {
            await Registry.GetOrAdd(name).ExecuteOutcomeAsync<int, int>(static (_, _) => throw new HttpRequestException(), 0);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Shared.Dispose();
        await Connection.CloseAsync();
        Connection.Dispose();
    }
}

internal static class Eventually
{
    public static async Task<bool> TrueAsync(Func<bool> condition, TimeSpan? within = null)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < (within ?? TimeSpan.FromSeconds(10)))
        {
            if (condition())
            {
                return true;
            }

            await Task.Delay(20);
        }

        return condition();
    }
}

public sealed class RedisSharedStateTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    private static string Prefix() => "t" + Guid.NewGuid().ToString("N");

    [Fact]
    public async Task Open_OnOneInstance_OpensTheSameBreakerOnTheOther()
    {
        var prefix = Prefix();
        await using var a = await Instance.StartAsync(redis.ConnectionString, prefix);
        await using var b = await Instance.StartAsync(redis.ConnectionString, prefix);
        var peer = b.Registry.GetOrAdd("payments");
        var unrelated = b.Registry.GetOrAdd("search");
        await Eventually.TrueAsync(() => b.Connection.IsConnected);
        await Task.Delay(200);

        await a.FailAsync("payments");
        Assert.Equal(CircuitState.Open, a.Registry.GetOrAdd("payments").State);
        Assert.True(await Eventually.TrueAsync(() => peer.State == CircuitState.Open));
        Assert.InRange(peer.GetSnapshot().RetryAfter, TimeSpan.FromSeconds(25), TimeSpan.FromSeconds(31));
        Assert.Equal(CircuitState.Closed, unrelated.State);

        a.Registry.GetOrAdd("payments").Close();
        Assert.True(await Eventually.TrueAsync(() => peer.State == CircuitState.Closed));
    }

    [Fact]
    public async Task Isolate_OnOneInstance_IsolatesOtherUntilClosedAnywhere()
    {
        var prefix = Prefix();
        await using var a = await Instance.StartAsync(redis.ConnectionString, prefix);
        await using var b = await Instance.StartAsync(redis.ConnectionString, prefix);
        var mine = a.Registry.GetOrAdd("ledger");
        var peer = b.Registry.GetOrAdd("ledger");
        await Task.Delay(200);

        mine.Isolate();
        Assert.True(await Eventually.TrueAsync(() => peer.State == CircuitState.Isolated));
        peer.Close();
        Assert.True(await Eventually.TrueAsync(() => mine.State == CircuitState.Closed));
    }

    [Fact]
    public async Task Subscribe_MalformedAnnouncementsAndKeys_AreIgnoredAndValidOnesStillApply()
    {
        var prefix = Prefix();
        await using var a = await Instance.StartAsync(redis.ConnectionString, prefix);
        var breaker = a.Registry.GetOrAdd("catalog");
        await Task.Delay(200);
        var publisher = a.Connection.GetSubscriber();
        foreach (var garbage in new[] { "", "catalog", "catalog\n", "catalog\n1|x|other", "catalog\n9|0|other", "catalog\n1|0", "\n1|0|other", "catalog\n-1|0|other" })
        {
            await publisher.PublishAsync(prefix, garbage);
        }

        await a.Connection.GetDatabase().StringSetAsync(prefix + ":catalog", "not|a|state|at all");
        a.Registry.GetOrAdd("catalog");
        await Task.Delay(700);
        Assert.Equal(CircuitState.Closed, breaker.State);

        var until = DateTimeOffset.UtcNow.AddMinutes(1).ToUnixTimeMilliseconds();
        await publisher.PublishAsync(prefix, $"catalog\n1|{until}|other");
        Assert.True(await Eventually.TrueAsync(() => breaker.State == CircuitState.Open));
    }

    [Fact]
    public async Task Attach_InstanceStartingWhileCircuitOpen_ReadsOpenStateFromKey()
    {
        var prefix = Prefix();
        await using var a = await Instance.StartAsync(redis.ConnectionString, prefix);
        await a.FailAsync("inventory");
        await Task.Delay(200);

        await using var late = await Instance.StartAsync(redis.ConnectionString, prefix);
        var breaker = late.Registry.GetOrAdd("inventory");
        Assert.True(await Eventually.TrueAsync(() => breaker.State == CircuitState.Open));
    }
}

public sealed class RedisDependencyInjectionTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    [Fact]
    public async Task AddApiKitResilienceRedis_RegistryBreakersOfTwoProviders_ShareState()
    {
        using var first = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        using var second = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        await using var one = Provider(first);
        await using var two = Provider(second);
        var mine = one.GetRequiredService<CircuitBreakerRegistry>().GetOrAdd("billing");
        var peer = two.GetRequiredService<CircuitBreakerRegistry>().GetOrAdd("billing");
        await Task.Delay(200);

        mine.Isolate();
        Assert.True(await Eventually.TrueAsync(() => peer.State == CircuitState.Isolated));
        mine.Close();
        Assert.True(await Eventually.TrueAsync(() => peer.State == CircuitState.Closed));
    }

    private static ServiceProvider Provider(IConnectionMultiplexer connection)
    {
        var services = new ServiceCollection();
        services.AddApiKitResilienceRedis(_ => connection, o => o.KeyPrefix = "di:");
        return services.BuildServiceProvider();
    }
}

public sealed class RedisResyncTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    [Fact]
    public async Task Resync_AnnouncementNeverReceived_StateStillArrivesThroughTheKey()
    {
        // The peer listens on another channel, so it never hears the announcement: only the periodic re-read can tell it.
        await using var a = await Instance.StartAsync(redis.ConnectionString, "resync", "channel-a");
        await using var b = await Instance.StartAsync(redis.ConnectionString, "resync", "channel-b");
        var peer = b.Registry.GetOrAdd("orders");
        await Task.Delay(200);

        await a.FailAsync("orders");
        Assert.True(await Eventually.TrueAsync(() => peer.State == CircuitState.Open));
        var snapshot = peer.GetSnapshot();

        // Further re-reads of the same opening must not restart its break.
        await Task.Delay(1200);
        Assert.Equal(CircuitState.Open, peer.State);
        Assert.True(peer.GetSnapshot().RetryAfter < snapshot.RetryAfter);
    }
}

public sealed class RedisOutageTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    [Fact]
    public async Task RedisDown_BreakersKeepWorkingLocallyWithoutThrowing_AndShareAgainAfterRecovery()
    {
        var prefix = "outage";
        await using var a = await Instance.StartAsync(redis.ConnectionString, prefix);
        await using var b = await Instance.StartAsync(redis.ConnectionString, prefix);
        var mine = a.Registry.GetOrAdd("payments");
        var peer = b.Registry.GetOrAdd("payments");
        await Task.Delay(200);

        await redis.StopAsync();
        Assert.True(await Eventually.TrueAsync(() => !a.Connection.IsConnected && !b.Connection.IsConnected));

        var watch = Stopwatch.StartNew();
        await a.FailAsync("payments");
        var rejected = await mine.ExecuteOutcomeAsync(static (v, _) => ValueTask.FromResult(v), 1);
        watch.Stop();
        Assert.Equal(CircuitState.Open, mine.State);
        Assert.True(rejected.IsRejected);
        Assert.True(watch.Elapsed < TimeSpan.FromMilliseconds(500), $"Calls took {watch.Elapsed} while Redis was down.");
        Assert.Equal(CircuitState.Closed, peer.State);
        mine.Close();
        Assert.True((await peer.ExecuteOutcomeAsync(static (v, _) => ValueTask.FromResult(v), 1)).IsSuccess);

        await redis.StartAsync();
        Assert.True(await Eventually.TrueAsync(() => a.Connection.IsConnected && b.Connection.IsConnected, TimeSpan.FromSeconds(30)));
        await Task.Delay(500);
        mine.Isolate();
        Assert.True(await Eventually.TrueAsync(() => peer.State == CircuitState.Isolated, TimeSpan.FromSeconds(15)));
    }
}
