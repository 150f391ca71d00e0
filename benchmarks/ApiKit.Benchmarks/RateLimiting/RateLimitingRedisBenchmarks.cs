using ApiKit.RateLimiting;
using ApiKit.RateLimiting.Redis;
using ApiKit.Testing;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace ApiKit.Benchmarks.RateLimiting;

/// <summary>
/// Redis decisions per second with 1 and 64 concurrent callers: ApiKit's full decision (script, key building, result
/// parsing, backend) against the floor, a trivial one-key EVALSHA on the same kind of connection. Each invocation makes
/// 640 round trips, split over the callers. A private redis-server runs on loopback for the duration.
/// </summary>
[Config(typeof(RateLimitingBenchmarkConfig))]
public class RateLimitingRedisBenchmarks
{
    private const int Operations = 640;
    private static readonly RedisKey[] ScriptKeys = ["apikit:rl:{bench:user:script}:2"];
    private static readonly RedisValue[] ScriptValues = [1, 0, string.Empty, 2, 1_000_000_000, 1_000_000, 1_000_000_000, 0];
    private RedisServerFixture _redis = null!;
    private ConnectionMultiplexer _connection = null!;
    private ServiceProvider _services = null!;
    private RedisRateLimitBackend _backend = null!;
    private CompiledPolicy _policy = null!;
    private byte[] _floorHash = null!;

    [Params(1, 64)]
    public int Callers { get; set; }

    // The in-process toolchain does not await Task-returning setup methods, so setup blocks on a pool thread.
    [GlobalSetup]
    public void Setup() => Task.Run(SetupAsync).GetAwaiter().GetResult();

    [GlobalCleanup]
    public void Cleanup() => Task.Run(CleanupAsync).GetAwaiter().GetResult();

    private async Task SetupAsync()
    {
        _redis = new RedisServerFixture();
        await _redis.InitializeAsync();
        _connection = await ConnectionMultiplexer.ConnectAsync(_redis.ConnectionString);
        while (!_connection.IsConnected)
        {
            await Task.Delay(50);
        }

        var hex = (string)(await _connection.GetDatabase().ExecuteAsync("SCRIPT", "LOAD", "return redis.call('INCR', KEYS[1])"))!;
        _floorHash = Convert.FromHexString(hex);

        var collection = new ServiceCollection();
        collection.AddLogging();
        collection.AddSingleton<IConnectionMultiplexer>(_connection);
        collection.AddApiKitRateLimiting(o => o.AddPolicy("bench", new RateLimitPolicyLimit
        {
            Name = "user", Algorithm = RateLimitAlgorithm.FixedWindow, PermitLimit = 1_000_000_000, Window = TimeSpan.FromSeconds(1), PartitionBy = RateLimitPartitions.Global,
        })).AddRedis(o => o.Timeout = TimeSpan.FromSeconds(5));
        _services = collection.BuildServiceProvider();
        _backend = _services.GetRequiredService<RedisRateLimitBackend>();
        _policy = _services.GetRequiredService<RateLimitPolicyRegistry>().Current.Policies["bench"];
        var probe = new PolicyEvaluation(_policy, ["k"], 1);
        await _backend.DecideAsync(probe, allowDelay: false, CancellationToken.None);
        if (probe.Fallback is not null || !probe.Allowed)
        {
            throw new InvalidOperationException("The Redis backend did not decide on Redis.");
        }
    }

    private async Task CleanupAsync()
    {
        await _services.DisposeAsync();
        _connection.Dispose();
        await _redis.DisposeAsync();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Operations)]
    public Task EvalshaFloor() => Run(async () =>
    {
        await _connection.GetDatabase().ScriptEvaluateAsync(_floorHash, ["floor"]);
    });

    /// <summary>
    /// The one-request decision script alone (<c>RateLimit.lua</c>, same limit as <see cref="ApiKitDecision"/>), which
    /// ApiKit now uses only for the sliding log; kept to compare with earlier runs.
    /// </summary>
    [Benchmark(OperationsPerInvoke = Operations)]
    public Task ScriptOnly() => Run(async () =>
    {
        await RedisRateLimitScript.EvaluateAsync(_connection.GetDatabase(), ScriptKeys, ScriptValues);
    });

    [Benchmark(OperationsPerInvoke = Operations)]
    public Task ApiKitDecision() => Run(async () =>
    {
        var evaluation = new PolicyEvaluation(_policy, ["k"], 1);
        await _backend.DecideAsync(evaluation, allowDelay: false, CancellationToken.None);
    });

    private Task Run(Func<Task> operation)
    {
        var perCaller = Operations / Callers;
        var callers = new Task[Callers];
        for (var c = 0; c < Callers; c++)
        {
            callers[c] = Task.Run(async () =>
            {
                for (var i = 0; i < perCaller; i++)
                {
                    await operation();
                }
            });
        }

        return Task.WhenAll(callers);
    }
}
