using System.Net;
using ApiKit.Testing;
using ChatApi.Infrastructure;
using ChatApi.Tests.Auth;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ChatApi.Tests.Infrastructure;

/// <summary>On Redis, two instances of the ChatApi share one count per user.</summary>
public sealed class RedisRateLimitingTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    [Fact]
    public void AddChatRateLimiting_RedisConnectionString_SelectsTheRedisBackend()
    {
        var withRedis = Register(new Dictionary<string, string?> { ["ConnectionStrings:Redis"] = redis.ConnectionString });
        var withoutRedis = Register(new Dictionary<string, string?>());

        Assert.Contains(withRedis, d => d.ServiceType.Name == "RedisRateLimitBackend");
        Assert.DoesNotContain(withoutRedis, d => d.ServiceType.Name == "RedisRateLimitBackend");
    }

    [Fact]
    public async Task TwoInstances_ShareTheUserLimitThroughRedis()
    {
        var directory = Path.Combine(Path.GetTempPath(), "chatapi-tests-" + Guid.NewGuid().ToString("N"));
        var settings = new Dictionary<string, string?> { ["ApiKit:RateLimiting:Policies:api:Limits:0:PermitLimit"] = "4" };

        // WebApplicationFactory applies its settings when Program builds the host, after Program has chosen the backend
        // from ConnectionStrings:Redis, so the test adds the Redis backend the way AddChatRateLimiting does.
        void UseRedis(IServiceCollection services) => services.AddApiKitRateLimiting().AddRedis(options => options.ConnectionString = redis.ConnectionString);
        using var first = new ChatApiFactory { DataDirectory = directory, Settings = settings, DeleteDirectoryOnDispose = false, ConfigureServices = UseRedis };
        using var second = new ChatApiFactory { DataDirectory = directory, Settings = settings, ConfigureServices = UseRedis };
        var user = await first.RegisterAsync();
        var onFirst = first.As(user.Id);
        var onSecond = second.As(user.Id);

        for (var i = 0; i < 2; i++)
        {
            await onFirst.GetAsync("/api/v1/rooms").ExpectAsync(HttpStatusCode.OK);
            await onSecond.GetAsync("/api/v1/rooms").ExpectAsync(HttpStatusCode.OK);
        }

        // Each instance admitted two: in memory either would still admit two more, on Redis the user's 4 are spent.
        var problem = await onFirst.GetAsync("/api/v1/rooms").ExpectProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.Equal("user", problem.GetProperty("limit").GetString());
        await onSecond.GetAsync("/api/v1/rooms").ExpectProblemAsync(HttpStatusCode.TooManyRequests);
    }

    private static ServiceCollection Register(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddChatRateLimiting(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        return services;
    }
}
