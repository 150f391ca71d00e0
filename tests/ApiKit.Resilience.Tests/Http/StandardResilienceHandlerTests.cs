using System.Diagnostics;
using System.Net;
using ApiKit.Resilience.CircuitBreakers;
using ApiKit.Resilience.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ApiKit.Resilience.Tests.Http;

public sealed class StandardResilienceHandlerTests(FaultyServer server) : IClassFixture<FaultyServer>
{
    private ServiceProvider Provider(Action<HttpStandardResilienceOptions>? configure = null, string name = "downstream")
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddHttpClient(name, c => c.BaseAddress = server.BaseAddress)
            .AddApiKitStandardResilience(o =>
            {
                o.Retry.Delay = TimeSpan.FromMilliseconds(10);
                o.Retry.UseJitter = false;
                o.AttemptTimeout = TimeSpan.FromSeconds(5);
                o.TotalRequestTimeout = TimeSpan.FromSeconds(10);
                configure?.Invoke(o);
            });
        return services.BuildServiceProvider();
    }

    private static HttpClient Client(ServiceProvider provider, string name = "downstream") =>
        provider.GetRequiredService<IHttpClientFactory>().CreateClient(name);

    private static string Key() => Guid.NewGuid().ToString("N");

    [Fact]
    public async Task Get_ServerFailsTwiceThenAnswers_RetriedToSuccess()
    {
        await using var provider = Provider();
        var key = Key();
        using var response = await Client(provider).GetAsync($"flaky/{key}/2");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3, server.Hits(key));
    }

    [Fact]
    public async Task Get_ServerAlwaysFails_ReturnsLastResponseAfterMaxAttempts()
    {
        await using var provider = Provider(o => o.Retry.MaxRetryAttempts = 2);
        var key = Key();
        using var response = await Client(provider).GetAsync($"fail/{key}");
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal(3, server.Hits(key));
    }

    [Fact]
    public async Task Get_429WithRetryAfter_WaitsTheRequestedSecondBeforeRetrying()
    {
        await using var provider = Provider();
        var key = Key();
        var watch = Stopwatch.StartNew();
        using var response = await Client(provider).GetAsync($"throttle/{key}/1");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, server.Hits(key));
        Assert.InRange(watch.Elapsed, TimeSpan.FromMilliseconds(950), TimeSpan.FromSeconds(4));
    }

    [Fact]
    public async Task Post_FailingServer_NotRetriedUnlessOptedInOrIdempotencyKey()
    {
        await using var provider = Provider();
        var key = Key();
        using (var response = await Client(provider).PostAsync($"flaky/{key}/1", new StringContent("x")))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Equal(1, server.Hits(key));
        }

        var keyed = Key();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"flaky/{keyed}/1") { Content = new StringContent("x") };
        request.Headers.Add("Idempotency-Key", "order-42");
        using (var response = await Client(provider).SendAsync(request))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(2, server.Hits(keyed));
        }

        await using var optedIn = Provider(o => o.RetryUnsafeMethods = true, "unsafe");
        var other = Key();
        using (var response = await Client(optedIn, "unsafe").PostAsync($"flaky/{other}/1", new StringContent("x")))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(2, server.Hits(other));
        }
    }

    [Fact]
    public async Task Get_ServerHangs_EachAttemptTimesOutAndTotalTimeoutEndsIt()
    {
        var retriedAfterTimeout = 0;
        await using var provider = Provider(o =>
        {
            o.AttemptTimeout = TimeSpan.FromMilliseconds(500);
            o.TotalRequestTimeout = TimeSpan.FromMilliseconds(2500);
            o.Retry.MaxRetryAttempts = 10;
            o.Retry.OnRetry = a => Interlocked.Add(ref retriedAfterTimeout, a.Exception is TimeoutRejectedException ? 1 : 0);
        });
        var key = Key();
        var watch = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<TimeoutRejectedException>(() => Client(provider).GetAsync($"hang/{key}"));
        Assert.Equal(TimeSpan.FromMilliseconds(2500), error.Timeout);
        Assert.InRange(watch.Elapsed, TimeSpan.FromMilliseconds(2450), TimeSpan.FromSeconds(10));
        Assert.InRange(Volatile.Read(ref retriedAfterTimeout), 1, 6);
        Assert.InRange(server.Hits(key), 1, 7);
    }

    [Fact]
    public async Task Get_CallerCancels_CancellationFlowsToServerCall()
    {
        await using var provider = Provider(o => o.AttemptTimeout = TimeSpan.FromSeconds(5));
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        var key = Key();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Client(provider).GetAsync($"hang/{key}", cts.Token));
        Assert.Equal(1, server.Hits(key));
    }

    [Fact]
    public async Task Get_FailuresTripBreakerOfThatAuthorityOnly_OthersStillFlow()
    {
        await using var provider = Provider(o =>
        {
            o.Retry.MaxRetryAttempts = 0;
            o.CircuitBreaker.MinimumThroughput = 3;
            o.CircuitBreaker.FailureRatio = 0.5;
            o.CircuitBreaker.BreakDuration = TimeSpan.FromMinutes(1);
        });
        var client = Client(provider);
        var key = Key();
        for (var i = 0; i < 3; i++)
        {
            using var response = await client.GetAsync($"fail/{key}");
        }

        var error = await Assert.ThrowsAsync<BrokenCircuitException>(() => client.GetAsync($"fail/{key}"));
        Assert.InRange(error.RetryAfter, TimeSpan.FromSeconds(50), TimeSpan.FromMinutes(1));
        Assert.Equal(3, server.Hits(key));

        // "localhost" is another authority for the same server: its breaker is separate and closed.
        using (var response = await client.GetAsync(new Uri($"http://localhost:{server.Port}/flaky/{Key()}/0")))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var snapshots = provider.GetRequiredService<CircuitBreakerRegistry>().GetSnapshots().ToDictionary(s => s.Name, s => s.State);
        Assert.Equal(CircuitState.Open, snapshots[$"downstream:http://127.0.0.1:{server.Port}"]);
        Assert.Equal(CircuitState.Closed, snapshots[$"downstream:http://localhost:{server.Port}"]);
    }

    [Fact]
    public async Task AddApiKitStandardResilience_FromConfiguration_AppliesPerClient()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Http:configured:Retry:MaxRetryAttempts"] = "1",
            ["Http:configured:Retry:Delay"] = "00:00:00.010",
            ["Http:configured:AttemptTimeout"] = "00:00:01",
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddHttpClient("configured", c => c.BaseAddress = server.BaseAddress)
            .AddApiKitStandardResilience(configuration.GetSection("Http:configured"));
        await using var provider = services.BuildServiceProvider();
        var options = provider.GetRequiredService<IOptionsMonitor<HttpStandardResilienceOptions>>().Get("configured");
        Assert.Equal(1, options.Retry.MaxRetryAttempts);
        Assert.Equal(HttpStandardResilienceDefaults.MinimumThroughput, options.CircuitBreaker.MinimumThroughput);

        var key = Key();
        using var response = await Client(provider, "configured").GetAsync($"fail/{key}");
        Assert.Equal(2, server.Hits(key));
    }

    [Fact]
    public void AddApiKitStandardResilience_InvalidConfiguration_FailsValidationWithClearMessage()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AttemptTimeout"] = "00:01:00",
            ["TotalRequestTimeout"] = "00:00:10",
            ["CircuitBreaker:FailureRatio"] = "2",
        }).Build();
        var services = new ServiceCollection();
        services.AddHttpClient("bad").AddApiKitStandardResilience(configuration);
        using var provider = services.BuildServiceProvider();
        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptionsMonitor<HttpStandardResilienceOptions>>().Get("bad"));
        Assert.Contains(error.Failures, f => f.Contains("AttemptTimeout", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("FailureRatio", StringComparison.Ordinal));
    }
}
