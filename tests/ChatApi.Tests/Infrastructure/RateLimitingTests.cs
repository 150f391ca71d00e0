using System.Net;
using System.Net.Http.Json;
using ChatApi.Tests.Auth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace ChatApi.Tests.Infrastructure;

/// <summary>
/// The rate limits of appsettings.json through HTTP. TestServer requests carry no client address, so a startup filter
/// takes it from the test-only <c>X-Test-Client-Ip</c> header; other limits use the defaults or smaller numbers set here.
/// </summary>
public sealed class RateLimitingTests : IDisposable
{
    private readonly ChatApiFactory _factory = Create();

    [Fact]
    public async Task Login_EleventhAttemptInAMinuteFromOneIp_Returns429WithRetryAfterAndHeaders()
    {
        var user = await _factory.RegisterAsync();
        using var client = ClientFrom(_factory, "203.0.113.7");
        for (var i = 0; i < 10; i++)
        {
            using var attempt = await client.PostAsJsonAsync("/api/v1/auth/login", new { username = user.Username, password = "wrong password" });
            Assert.Equal(HttpStatusCode.Unauthorized, attempt.StatusCode);
            Assert.Contains("\"auth-ip\";q=10;w=60", string.Join(",", attempt.Headers.GetValues("RateLimit-Policy")), StringComparison.Ordinal);
        }

        using var response = await client.PostAsJsonAsync("/api/v1/auth/login", new { username = user.Username, password = user.Password });

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        var retryAfter = Assert.Single(response.Headers.GetValues("Retry-After"));
        Assert.InRange(int.Parse(retryAfter, System.Globalization.CultureInfo.InvariantCulture), 1, 60);
        Assert.Contains("\"auth-ip\";r=0", string.Join(",", response.Headers.GetValues("RateLimit")), StringComparison.Ordinal);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("auth-ip", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));

        // Another address is not affected, and the same one may try again once the window has slid past.
        using var other = ClientFrom(_factory, "203.0.113.8");
        await other.PostAsJsonAsync("/api/v1/auth/login", new { username = user.Username, password = user.Password }).ExpectAsync(HttpStatusCode.OK);
        _factory.Time.Advance(TimeSpan.FromSeconds(61));
        await client.PostAsJsonAsync("/api/v1/auth/login", new { username = user.Username, password = user.Password }).ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Api_EveryResponse_CarriesTheDesignDocumentLimits()
    {
        var user = await _factory.RegisterAsync();
        var client = _factory.As(user.Id);
        client.DefaultRequestHeaders.Add("X-Test-Client-Ip", "198.51.100.1");

        using var response = await client.GetAsync("/api/v1/rooms");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var policy = string.Join(",", response.Headers.GetValues("RateLimit-Policy"));
        Assert.Contains("\"user\";q=1000;w=3600", policy, StringComparison.Ordinal);
        Assert.Contains("\"ip\";q=5000;w=3600", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("\"key\"", policy, StringComparison.Ordinal);
        Assert.Contains("\"user\";r=999", string.Join(",", response.Headers.GetValues("RateLimit")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_IsNotLimited()
    {
        using var client = ClientFrom(_factory, "203.0.113.9");

        using var response = await client.GetAsync("/health/live");

        Assert.False(response.Headers.Contains("RateLimit-Policy"));
    }

    [Fact]
    public async Task User_OverTheirLimit_Gets429WhileOthersDoNot()
    {
        using var factory = Create(("ApiKit:RateLimiting:Policies:api:Limits:0:PermitLimit", "3"));
        var alice = factory.As((await factory.RegisterAsync()).Id);
        var bob = factory.As((await factory.RegisterAsync()).Id);
        for (var i = 0; i < 3; i++)
        {
            await alice.GetAsync("/api/v1/rooms").ExpectAsync(HttpStatusCode.OK);
        }

        var problem = await alice.GetAsync("/api/v1/rooms").ExpectProblemAsync(HttpStatusCode.TooManyRequests);

        Assert.Equal("user", problem.GetProperty("limit").GetString());
        await bob.GetAsync("/api/v1/rooms").ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task ApiKey_OverItsLimit_Gets429()
    {
        using var factory = Create(("ApiKit:RateLimiting:Policies:api:Limits:1:PermitLimit", "2"));
        var owner = await factory.RegisterAsync();
        var key = (await factory.As(owner.Id).PostAsJsonAsync("/api/v1/auth/api-keys", new { name = "bot" }).ExpectAsync(HttpStatusCode.Created))
            .GetProperty("key").GetString();
        using var bot = factory.CreateClient();
        bot.DefaultRequestHeaders.Add("X-API-Key", key);

        using var first = await bot.GetAsync("/api/v1/rooms");
        Assert.Contains("\"key\";q=2;w=3600", string.Join(",", first.Headers.GetValues("RateLimit-Policy")), StringComparison.Ordinal);
        await bot.GetAsync("/api/v1/rooms").ExpectAsync(HttpStatusCode.OK);

        var problem = await bot.GetAsync("/api/v1/rooms").ExpectProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.Equal("key", problem.GetProperty("limit").GetString());
    }

    [Fact]
    public async Task MfaAttempts_AreLimitedPerUser()
    {
        // Below the second-factor lockout (5 wrong codes), so the 429 here is the rate limiter's.
        using var factory = Create(("ApiKit:RateLimiting:Policies:auth:Limits:1:PermitLimit", "3"));
        var client = factory.As((await factory.RegisterAsync()).Id);
        await client.PostAsync("/api/v1/auth/mfa/totp", null).ExpectAsync(HttpStatusCode.OK);
        for (var i = 0; i < 2; i++)
        {
            await client.PostAsJsonAsync("/api/v1/auth/mfa/totp/confirm", new { code = "000000" }).ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "invalid_totp_code");
        }

        var problem = await client.PostAsJsonAsync("/api/v1/auth/mfa/totp/confirm", new { code = "000000" }).ExpectProblemAsync(HttpStatusCode.TooManyRequests);

        Assert.Equal("auth-user", problem.GetProperty("limit").GetString());
    }

    public void Dispose() => _factory.Dispose();

    private static HttpClient ClientFrom(ChatApiFactory factory, string ip)
    {
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Add("X-Test-Client-Ip", ip);
        return client;
    }

    private static ChatApiFactory Create(params (string Key, string Value)[] settings) => new()
    {
        Settings = settings.ToDictionary(s => s.Key, s => (string?)s.Value),
        ConfigureServices = services => services.AddSingleton<IStartupFilter, TestClientIpStartupFilter>(),
    };

    /// <summary>Gives TestServer requests the client address named in <c>X-Test-Client-Ip</c>.</summary>
    private sealed class TestClientIpStartupFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                if (IPAddress.TryParse(context.Request.Headers["X-Test-Client-Ip"], out var address))
                {
                    context.Connection.RemoteIpAddress = address;
                }

                return nextMiddleware(context);
            });
            next(app);
        };
    }
}
