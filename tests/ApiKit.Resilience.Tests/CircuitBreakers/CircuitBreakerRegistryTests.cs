using ApiKit.Resilience.CircuitBreakers;
using ApiKit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ApiKit.Resilience.Tests.CircuitBreakers;

public sealed class CircuitBreakerRegistryTests
{
    [Fact]
    public void GetOrAdd_SameKeyConcurrently_ReturnsOneBreakerNamedByKey()
    {
        var registry = new CircuitBreakerRegistry();
        var breakers = new CircuitBreaker[32];
        Parallel.For(0, 32, i => breakers[i] = registry.GetOrAdd("api.example.com:443"));
        Assert.All(breakers, b => Assert.Same(breakers[0], b));
        Assert.Equal("api.example.com:443", breakers[0].Name);
        Assert.Equal(1, registry.Count);
    }

    [Fact]
    public async Task GetSnapshots_SeveralBreakers_ListsEveryStateByName()
    {
        var registry = new CircuitBreakerRegistry(_ => new CircuitBreakerOptions { ConsecutiveFailures = 1 }, new ManualTimeProvider());
        registry.GetOrAdd("b").Isolate();
        registry.GetOrAdd("a");
        await registry.GetOrAdd("c", new CircuitBreakerOptions { FailureRatio = null, ConsecutiveFailures = 1 })
            .ExecuteOutcomeAsync<int, int>(static (_, _) => throw new InvalidOperationException(), 0);
        Assert.Equal(
            [("a", CircuitState.Closed), ("b", CircuitState.Isolated), ("c", CircuitState.Open)],
            registry.GetSnapshots().Select(s => (s.Name, s.State)));
        Assert.True(registry.Remove("a"));
        Assert.False(registry.TryGet("a", out _));
    }

    [Fact]
    public async Task HealthCheck_AllClosedThenOneOpen_HealthyThenDegradedWithStates()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<TimeProvider>(new ManualTimeProvider());
        services.AddHealthChecks().AddApiKitCircuitBreakers(tags: ["ready"]);
        services.Configure<CircuitBreakerOptions>("payments", o => o.BreakDuration = TimeSpan.FromMinutes(1));
        await using var provider = services.BuildServiceProvider();
        var registry = provider.GetRequiredService<CircuitBreakerRegistry>();
        registry.GetOrAdd("payments");
        registry.GetOrAdd("search");
        var health = provider.GetRequiredService<HealthCheckService>();

        var report = await health.CheckHealthAsync();
        Assert.Equal(HealthStatus.Healthy, report.Status);

        registry.GetOrAdd("payments").Isolate();
        report = await health.CheckHealthAsync();
        var entry = report.Entries["circuit-breakers"];
        Assert.Equal(HealthStatus.Degraded, entry.Status);
        Assert.Equal("Isolated", entry.Data["payments"]);
        Assert.Equal("Closed", entry.Data["search"]);
        Assert.Contains("ready", entry.Tags);
    }

    [Fact]
    public void AddApiKitResilience_NamedOptions_ConfigureThatKeyOnly()
    {
        var services = new ServiceCollection();
        services.AddApiKitResilience(o => o.MinimumThroughput = 50);
        services.Configure<CircuitBreakerOptions>("slow", o => o.SlowCallDuration = TimeSpan.FromSeconds(1));
        using var provider = services.BuildServiceProvider();
        var registry = provider.GetRequiredService<CircuitBreakerRegistry>();
        Assert.Equal("slow", registry.GetOrAdd("slow").Name);
        Assert.Same(registry, provider.GetRequiredService<CircuitBreakerRegistry>());
    }
}
