using StackExchange.Redis;

namespace ApiKit.Testing.Tests;

public sealed class RedisServerFixtureTests : IClassFixture<RedisServerFixture>
{
    private readonly RedisServerFixture _redis;

    public RedisServerFixtureTests(RedisServerFixture redis) => _redis = redis;

    [Fact]
    public async Task ConnectionString_ReachesServer_WithPersistenceOff()
    {
        using var connection = await ConnectionMultiplexer.ConnectAsync(_redis.ConnectionString);
        var db = connection.GetDatabase();
        await db.StringSetAsync("fixture:key", "value");

        Assert.Equal("value", (string?)await db.StringGetAsync("fixture:key"));
        var appendOnly = (RedisResult[])(await db.ExecuteAsync("CONFIG", "GET", "appendonly"))!;
        var save = (RedisResult[])(await db.ExecuteAsync("CONFIG", "GET", "save"))!;
        Assert.Equal("no", (string?)appendOnly[1]);
        Assert.Equal(string.Empty, (string?)save[1]);
    }

    [Fact]
    public async Task StopAndStart_ServerGoesAwayAndComesBackOnSamePort()
    {
        await _redis.StopAsync();
        Assert.False(_redis.IsRunning);
        Assert.False(await _redis.PingAsync());

        await _redis.StartAsync();
        Assert.True(_redis.IsRunning);
        Assert.True(await _redis.PingAsync());
    }
}
