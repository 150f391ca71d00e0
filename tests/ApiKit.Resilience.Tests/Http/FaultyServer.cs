using System.Collections.Concurrent;
using ApiKit.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace ApiKit.Resilience.Tests.Http;

/// <summary>
/// A real Kestrel server on 127.0.0.1 that fails, hangs and throttles on demand. Each scenario takes a <c>key</c>
/// so tests sharing the server do not disturb each other's counters.
/// </summary>
public sealed class FaultyServer : IAsyncLifetime
{
    private readonly ConcurrentDictionary<string, int> _hits = new();
    private WebApplication? _app;

    public int Port { get; } = FreePort.Next();

    public Uri BaseAddress => new($"http://127.0.0.1:{Port}/");

    public int Hits(string key) => _hits.TryGetValue(key, out var n) ? n : 0;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls(BaseAddress.ToString());
        _app = builder.Build();

        // /flaky/{key}/{failures}: answers 503 to the first {failures} requests of {key}, then 200.
        _app.MapMethods("/flaky/{key}/{failures:int}", ["GET", "POST"], (string key, int failures) =>
            Count(key) <= failures ? Results.StatusCode(503) : Results.Text("ok"));

        // /throttle/{key}/{seconds}: answers 429 with Retry-After: {seconds} to the first request, then 200.
        _app.MapGet("/throttle/{key}/{seconds:int}", (string key, int seconds, HttpResponse response) =>
        {
            if (Count(key) == 1)
            {
                response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                return Results.StatusCode(429);
            }

            return Results.Text("ok");
        });

        // /hang/{key}: never answers until the client gives up.
        _app.MapGet("/hang/{key}", async (string key, CancellationToken aborted) =>
        {
            Count(key);
            await Task.Delay(System.Threading.Timeout.InfiniteTimeSpan, aborted);
            return Results.Text("never");
        });

        // /fail/{key}: always 500.
        _app.MapGet("/fail/{key}", (string key) =>
        {
            Count(key);
            return Results.StatusCode(500);
        });

        await _app.StartAsync();

        // The first request pays for JIT and connection setup; tests with tight timeouts must not.
        using var client = new HttpClient { BaseAddress = BaseAddress };
        using var warmup = await client.GetAsync("flaky/warmup/0");
        warmup.EnsureSuccessStatusCode();
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    private int Count(string key) => _hits.AddOrUpdate(key, 1, static (_, n) => n + 1);
}
