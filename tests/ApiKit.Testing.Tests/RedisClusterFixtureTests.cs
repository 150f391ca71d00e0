using StackExchange.Redis;

namespace ApiKit.Testing.Tests;

public sealed class RedisClusterFixtureTests(RedisClusterFixture cluster) : IClassFixture<RedisClusterFixture>
{
    [Fact]
    public async Task ConnectionString_ThreeMastersServingEverySlot_KeysOfDifferentSlotsLiveOnDifferentNodes()
    {
        using var connection = await ConnectionMultiplexer.ConnectAsync(cluster.ConnectionString);
        var db = connection.GetDatabase();
        var nodes = new HashSet<string>();
        for (var i = 0; i < 64 && nodes.Count < 3; i++)
        {
            var key = $"{{tag{i}}}:k";
            await db.StringSetAsync(key, i);
            Assert.Equal(i, (int)await db.StringGetAsync(key));
            nodes.Add(db.IdentifyEndpoint(key)!.ToString()!);
        }

        Assert.Equal(3, nodes.Count);
        Assert.Equal(3, cluster.Endpoints.Count);
        var info = (string?)await db.ExecuteAsync("CLUSTER", "INFO");
        Assert.Contains("cluster_state:ok", info, StringComparison.Ordinal);
        Assert.Contains("cluster_slots_assigned:16384", info, StringComparison.Ordinal);
    }
}
