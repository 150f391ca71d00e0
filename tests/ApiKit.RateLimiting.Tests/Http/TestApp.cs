using System.Net;
using System.Security.Claims;
using ApiKit.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace ApiKit.RateLimiting.Tests.Http;

/// <summary>
/// A minimal API on TestServer. Test-only headers stand in for what a real server knows: <c>X-Test-Peer</c> sets the
/// connection's remote address, <c>X-Test-User</c> signs a user in with a <c>sub</c> claim.
/// </summary>
internal sealed class TestApp : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestApp(WebApplication app, ManualTimeProvider time)
    {
        _app = app;
        Time = time;
        Client = app.GetTestClient();
    }

    public HttpClient Client { get; }

    public ManualTimeProvider Time { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<TestApp> StartAsync(Action<IServiceCollection, ManualTimeProvider> configureServices)
    {
        var time = new ManualTimeProvider();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddSingleton<TimeProvider>(time);
        builder.Services.AddProblemDetails();
        configureServices(builder.Services, time);
        var app = builder.Build();
        app.Use((context, next) =>
        {
            if (context.Request.Headers.TryGetValue("X-Test-Peer", out var peer))
            {
                context.Connection.RemoteIpAddress = IPAddress.Parse(peer!);
            }

            if (context.Request.Headers.TryGetValue("X-Test-User", out var user))
            {
                context.User = new ClaimsPrincipal(new ClaimsIdentity([new Claim("sub", user!)], "test"));
            }

            return next(context);
        });
        app.UseRateLimiter();
        app.MapGet("/limited", () => "ok").RequireRateLimiting("main");
        app.MapGet("/attributed", [EnableRateLimiting("main")] () => "ok");
        app.MapGet("/other", () => "ok").RequireRateLimiting("other");
        app.MapGet("/free", () => "ok");
        app.MapGet("/disabled", () => "ok").DisableRateLimiting();
        await app.StartAsync();
        return new TestApp(app, time);
    }

    public Task<HttpResponseMessage> GetAsync(string path, string peer = "192.0.2.10", string? user = null, string? forwardedFor = null, string? apiKey = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("X-Test-Peer", peer);
        if (user is not null)
        {
            request.Headers.Add("X-Test-User", user);
        }

        if (forwardedFor is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Forwarded-For", forwardedFor);
        }

        if (apiKey is not null)
        {
            request.Headers.Add("X-Api-Key", apiKey);
        }

        return Client.SendAsync(request);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.DisposeAsync();
    }
}

internal static class ResponseExtensions
{
    public static string? Header(this HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(", ", values) : null;
}
