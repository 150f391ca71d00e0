using ApiKit.RateLimiting.Redis;
using ApiKit.Testing;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace ApiKit.RateLimiting.Tests.Redis;

/// <summary>
/// On a real three-master Redis Cluster: a request's script touches the keys of one slot (a multi-limit policy's tag is
/// the policy, a single-limit policy's the key), and batches hold the waiters of one slot, so nothing is refused with
/// CROSSSLOT and every limit stays exact.
/// </summary>
public sealed class RedisClusterTests(RedisClusterFixture cluster) : IClassFixture<RedisClusterFixture>
{
    [Fact]
    public async Task DecideAsync_MultiLimitAndPerUserPoliciesWith64Callers_EveryLimitAdmitsExactlyItsPermits()
    {
        using var connection = await RedisTestConnection.ConnectAsync(cluster.ConnectionString);
        var database = connection.GetDatabase();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConnectionMultiplexer>(connection);
        services.AddApiKitRateLimiting(o =>
        {
            // Two limits: every key in the slot of {both}, decided atomically there. One limit per user: every user's
            // key in a slot of its own, spread over the masters, batched per slot.
            o.AddPolicy("both", Limit("user", 40, RateLimitPartitions.User), Limit("global", 100, RateLimitPartitions.Global));
            o.AddPolicy("peruser", Limit("user", 10, RateLimitPartitions.User));
        }).AddRedis(o =>
        {
            o.KeyPrefix = "c" + Guid.NewGuid().ToString("N")[..8];
            o.FailureMode = RedisFailureMode.FailClosed;
            o.Timeout = TimeSpan.FromSeconds(10);
        });
        await using var provider = services.BuildServiceProvider();
        var backend = provider.GetRequiredService<RedisRateLimitBackend>();
        var policies = provider.GetRequiredService<RateLimitPolicyRegistry>().Current.Policies;
        var users = Enumerable.Range(0, 16).Select(u => $"u{u}").ToArray();
        Assert.True(users.Select(u => database.IdentifyEndpoint($"{{peruser:user:{u}}}")).Distinct().Count() > 1, "all users on one master");

        var admitted = new int[2];
        var failed = 0;
        await Task.WhenAll(Enumerable.Range(0, 64).Select(caller => Task.Run(async () =>
        {
            for (var i = 0; i < 10; i++)
            {
                var which = (caller + i) % 2;
                var evaluation = which == 0
                    ? new PolicyEvaluation(policies["both"], [users[caller % 4], "all"], 1)
                    : new PolicyEvaluation(policies["peruser"], [users[((caller * 10) + i) % 16]], 1);
                await backend.DecideAsync(evaluation, allowDelay: false, CancellationToken.None);

                // The local cache of exhausted keys refuses without a round trip; anything else is Redis failing
                // (a CROSSSLOT refusal, say).
                Interlocked.Add(ref failed, evaluation.Fallback is null or "exhausted_cache" ? 0 : 1);
                Interlocked.Add(ref admitted[which], evaluation.Allowed ? 1 : 0);
            }
        })));

        // 320 requests each. "both": four users of 40 (160 in all), so the global 100 binds, and a request denied by
        // either limit takes from neither, or fewer than 100 would pass. "peruser": 16 to 24 requests for each of the
        // 16 users, 10 admitted each.
        Assert.Equal(0, failed);
        Assert.Equal(100, admitted[0]);
        Assert.Equal(16 * 10, admitted[1]);
        Assert.True(backend.BatchedDecisions > 0, "no decision was batched");
    }

    private static RateLimitPolicyLimit Limit(string name, int permits, string partition) => new()
    {
        Name = name, PermitLimit = permits, PartitionBy = partition, Algorithm = RateLimitAlgorithm.FixedWindow, Window = TimeSpan.FromHours(1),
    };
}
