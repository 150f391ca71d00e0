using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ApiKit.RateLimiting.Tests.Http;

public sealed class HttpRateLimiterTests
{
    private static RateLimitPolicyLimit Limit(string name, long permits, string partition, RateLimitAlgorithm algorithm = RateLimitAlgorithm.FixedWindow, TimeSpan? window = null) =>
        new() { Name = name, PermitLimit = permits, PartitionBy = partition, Algorithm = algorithm, Window = window ?? TimeSpan.FromMinutes(1) };

    [Fact]
    public async Task Get_AcceptedRequest_CarriesIetfHeaders()
    {
        await using var app = await TestApp.StartAsync((services, _) => services.AddApiKitRateLimiting(o =>
            o.AddPolicy("main", Limit("user", 3, RateLimitPartitions.User, RateLimitAlgorithm.TokenBucket))));

        using var response = await app.GetAsync("/limited", user: "alice");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("\"user\";q=3;w=60", response.Header("RateLimit-Policy"));
        Assert.Equal("\"user\";r=2;t=20", response.Header("RateLimit"));
        Assert.Null(response.Header("X-RateLimit-Limit"));
    }

    [Fact]
    public async Task Get_Exhausted_Returns429ProblemDetailsWithRetryAfterAndHeaders()
    {
        await using var app = await TestApp.StartAsync((services, _) => services.AddApiKitRateLimiting(o =>
            o.AddPolicy("main", Limit("ip", 1, RateLimitPartitions.ClientIp))));
        app.Time.Advance(TimeSpan.FromSeconds(15));

        using var first = await app.GetAsync("/attributed");
        using var second = await app.GetAsync("/attributed");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
        Assert.Equal("45", second.Header("Retry-After"));
        Assert.Equal("\"ip\";r=0;t=45", second.Header("RateLimit"));
        Assert.Equal("application/problem+json", second.Content.Headers.ContentType?.MediaType);
        using var body = JsonDocument.Parse(await second.Content.ReadAsStringAsync());
        Assert.Equal(429, body.RootElement.GetProperty("status").GetInt32());
        Assert.Equal("main", body.RootElement.GetProperty("policy").GetString());
        Assert.Equal("ip", body.RootElement.GetProperty("limit").GetString());
        Assert.Equal(45, body.RootElement.GetProperty("retryAfter").GetInt64());
    }

    [Fact]
    public async Task Get_SeveralLimits_ADenialConsumesFromNone()
    {
        await using var app = await TestApp.StartAsync((services, _) => services.AddApiKitRateLimiting(o =>
            o.AddPolicy("main", Limit("user", 5, RateLimitPartitions.User), Limit("ip", 2, RateLimitPartitions.ClientIp))));

        for (var i = 0; i < 2; i++)
        {
            using var ok = await app.GetAsync("/limited", peer: "192.0.2.1", user: "bob");
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        for (var i = 0; i < 3; i++)
        {
            using var refused = await app.GetAsync("/limited", peer: "192.0.2.1", user: "bob");
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        }

        using var elsewhere = await app.GetAsync("/limited", peer: "192.0.2.2", user: "bob");

        Assert.Equal(HttpStatusCode.OK, elsewhere.StatusCode);
        Assert.Equal("\"user\";q=5;w=60, \"ip\";q=2;w=60", elsewhere.Header("RateLimit-Policy"));
        Assert.StartsWith("\"user\";r=2;", elsewhere.Header("RateLimit"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_AnonymousRequest_SkipsUserLimit()
    {
        await using var app = await TestApp.StartAsync((services, _) => services.AddApiKitRateLimiting(o =>
            o.AddPolicy("main", Limit("user", 1, RateLimitPartitions.User), Limit("ip", 10, RateLimitPartitions.ClientIp))));

        using var first = await app.GetAsync("/limited");
        using var second = await app.GetAsync("/limited");

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal("\"ip\";q=10;w=60", second.Header("RateLimit-Policy"));
    }

    [Fact]
    public async Task Get_TrustedProxy_LimitsTheForwardedClient()
    {
        await using var app = await TestApp.StartAsync((services, _) => services.AddApiKitRateLimiting(o =>
        {
            o.ClientIp.TrustedProxies.Add("10.0.0.0/8");
            o.AddPolicy("main", Limit("ip", 1, RateLimitPartitions.ClientIp));
        }));

        using var a = await app.GetAsync("/limited", peer: "10.1.2.3", forwardedFor: "203.0.113.5");
        using var b = await app.GetAsync("/limited", peer: "10.1.2.3", forwardedFor: "203.0.113.6");
        using var spoofedThroughProxy = await app.GetAsync("/limited", peer: "10.1.2.3", forwardedFor: "198.51.100.99, 203.0.113.5, 10.9.9.9");

        Assert.Equal(HttpStatusCode.OK, a.StatusCode);
        Assert.Equal(HttpStatusCode.OK, b.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, spoofedThroughProxy.StatusCode);
    }

    [Fact]
    public async Task Get_SpoofedForwardedForFromUntrustedPeer_IsIgnored()
    {
        await using var app = await TestApp.StartAsync((services, _) => services.AddApiKitRateLimiting(o =>
        {
            o.ClientIp.TrustedProxies.Add("10.0.0.1");
            o.AddPolicy("main", Limit("ip", 1, RateLimitPartitions.ClientIp));
        }));

        using var first = await app.GetAsync("/limited", peer: "198.51.100.7", forwardedFor: "203.0.113.1");
        using var second = await app.GetAsync("/limited", peer: "198.51.100.7", forwardedFor: "203.0.113.2");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
    }

    [Theory]
    [InlineData("not-an-ip")]
    [InlineData("[[::1")]
    [InlineData(",,,,")]
    [InlineData("1.2.3.4:99999:1")]
    [InlineData("203.0.113.5, , garbage\u00e9, 10.0.0.2")]
    public async Task Get_MalformedForwardedFor_NeverFails(string forwardedFor)
    {
        await using var app = await TestApp.StartAsync((services, _) => services.AddApiKitRateLimiting(o =>
        {
            o.ClientIp.TrustedProxies.Add("10.0.0.0/8");
            o.AddPolicy("main", Limit("ip", 1, RateLimitPartitions.ClientIp));
        }));

        using var first = await app.GetAsync("/limited", peer: "10.0.0.1", forwardedFor: forwardedFor);
        using var second = await app.GetAsync("/limited", peer: "10.0.0.1", forwardedFor: forwardedFor);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
    }

    [Fact]
    public async Task Get_LegacyHeadersEnabled_WritesTheTrio()
    {
        await using var app = await TestApp.StartAsync((services, _) => services.AddApiKitRateLimiting(o =>
        {
            o.Headers = RateLimitHeaderMode.Ietf | RateLimitHeaderMode.Legacy;
            o.AddPolicy("main", Limit("ip", 10, RateLimitPartitions.ClientIp), Limit("global", 4, RateLimitPartitions.Global));
        }));

        using var response = await app.GetAsync("/limited");

        Assert.Equal("4", response.Header("X-RateLimit-Limit"));
        Assert.Equal("3", response.Header("X-RateLimit-Remaining"));
        Assert.Equal("60", response.Header("X-RateLimit-Reset"));
    }

    [Fact]
    public async Task Get_DenyListedAndAllowListed_AreRefusedOrNeverLimited()
    {
        await using var app = await TestApp.StartAsync((services, _) => services.AddApiKitRateLimiting(o =>
        {
            o.DenyList.ClientNetworks.Add("198.51.100.0/24");
            o.AllowList.ApiKeys.Add("trusted-key");
            o.AllowList.Users.Add("ops");
            o.AddPolicy("main", Limit("ip", 1, RateLimitPartitions.ClientIp));
        }));

        using var denied = await app.GetAsync("/limited", peer: "198.51.100.20", user: "ops");
        var allowed = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            using var byKey = await app.GetAsync("/limited", apiKey: "trusted-key");
            using var byUser = await app.GetAsync("/limited", user: "ops", peer: "192.0.2.50");
            allowed.Add(byKey.StatusCode);
            allowed.Add(byUser.StatusCode);
        }

        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        Assert.Equal("application/problem+json", denied.Content.Headers.ContentType?.MediaType);
        Assert.All(allowed, s => Assert.Equal(HttpStatusCode.OK, s));
    }

    [Fact]
    public async Task Get_UnlimitedEndpoints_CarryNoHeaders()
    {
        await using var app = await TestApp.StartAsync((services, _) => services.AddApiKitRateLimiting(o =>
            o.AddPolicy("main", Limit("ip", 1, RateLimitPartitions.ClientIp))));

        using var free = await app.GetAsync("/free");
        using var disabled = await app.GetAsync("/disabled");

        Assert.Equal(HttpStatusCode.OK, free.StatusCode);
        Assert.Null(free.Header("RateLimit"));
        Assert.Null(disabled.Header("RateLimit"));
    }

    [Fact]
    public async Task Get_DefaultPolicyAndComposedPartition_AppliesPerUserAndEndpoint()
    {
        await using var app = await TestApp.StartAsync((services, _) => services.AddApiKitRateLimiting(o =>
        {
            o.AddPolicy("main", Limit("per-route", 1, "User+Endpoint"));
            o.AddPolicy("other", Limit("x", 100, RateLimitPartitions.Global));
            o.DefaultPolicy = "main";
        }));

        using var a = await app.GetAsync("/free", user: "carol");
        using var b = await app.GetAsync("/limited", user: "carol");
        using var c = await app.GetAsync("/free", user: "carol");

        Assert.Equal(HttpStatusCode.OK, a.StatusCode);
        Assert.Equal(HttpStatusCode.OK, b.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, c.StatusCode);
    }

    [Fact]
    public async Task Get_CustomPartition_KeysByItsValue()
    {
        await using var app = await TestApp.StartAsync((services, _) => services.AddApiKitRateLimiting(o =>
        {
            o.AddPartition("Tenant", context => context.Request.Query["tenant"].FirstOrDefault());
            o.AddPolicy("main", Limit("tenant", 1, "Tenant"));
        }));

        using var a = await app.GetAsync("/limited?tenant=a");
        using var b = await app.GetAsync("/limited?tenant=b");
        using var a2 = await app.GetAsync("/limited?tenant=a");

        Assert.Equal(HttpStatusCode.OK, a.StatusCode);
        Assert.Equal(HttpStatusCode.OK, b.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, a2.StatusCode);
    }

    [Fact]
    public async Task Get_ConfigurationChanges_ApplyWithoutRestart()
    {
        var config = new ConfigurationManager();
        config.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Policies:main:Limits:0:Name"] = "ip",
            ["Policies:main:Limits:0:PermitLimit"] = "1",
            ["Policies:main:Limits:0:Window"] = "00:01:00",
            ["Policies:main:Limits:0:Algorithm"] = "FixedWindow",
        });
        await using var app = await TestApp.StartAsync((services, _) => services.AddApiKitRateLimiting(config));

        using var first = await app.GetAsync("/limited");
        using var refused = await app.GetAsync("/limited");
        config["Policies:main:Limits:0:PermitLimit"] = "5";
        ((IConfigurationRoot)config).Reload();
        using var afterReload = await app.GetAsync("/limited");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, afterReload.StatusCode);
        Assert.Equal("\"ip\";q=5;w=60", afterReload.Header("RateLimit-Policy"));
    }

    [Fact]
    public async Task Start_InvalidConfiguration_FailsValidation()
    {
        await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(async () =>
        {
            await using var app = await TestApp.StartAsync((services, _) => services.AddApiKitRateLimiting(o =>
            {
                o.ClientIp.TrustedProxies.Add("not-a-network");
                o.AddPolicy("main", Limit("ip", 1, "NoSuchPartition"));
            }));
        });
    }
}
