using System.Diagnostics;
using System.Globalization;

namespace ApiKit.Testing;

/// <summary>
/// Starts a private three-master Redis Cluster (no replicas) on free loopback ports, every hash slot assigned, and
/// stops it at the end. Cluster-safety claims (a script touching keys of one slot, batching per slot) are tested
/// against it rather than against slot arithmetic alone.
/// </summary>
/// <remarks>Use it as an xunit class or collection fixture. A missing binary fails the test, it never skips.</remarks>
public sealed class RedisClusterFixture : IAsyncDisposable, Xunit.IAsyncLifetime
{
    private const int Masters = 3;
    private static readonly TimeSpan FormTimeout = TimeSpan.FromSeconds(30);
    private readonly RedisServerFixture[] _nodes;
    private readonly string _cli;

    /// <summary>Prepares the nodes; they start and form the cluster in <see cref="InitializeAsync"/>.</summary>
    public RedisClusterFixture()
    {
        _cli = ServerBinary.Find("redis-cli", "REDIS_SERVER_DIR", "Install it with 'apt-get install redis-server'.", "/usr/bin");
        _nodes = [.. Enumerable.Range(0, Masters).Select(_ => new RedisServerFixture(
            ["--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "2000"]))];
    }

    /// <summary>Gets the <c>host:port</c> endpoints of the masters.</summary>
    public IReadOnlyList<string> Endpoints => [.. _nodes.Select(n => n.Endpoint)];

    /// <summary>Gets a StackExchange.Redis configuration string naming every master, with short timeouts.</summary>
    public string ConnectionString => string.Join(',', Endpoints) + ",abortConnect=false,connectTimeout=2000,syncTimeout=2000";

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        foreach (var node in _nodes)
        {
            await node.StartAsync().ConfigureAwait(false);
        }

        // redis-cli assigns the 16,384 slots evenly and introduces the nodes to each other.
        await RunCliAsync(["--cluster", "create", .. Endpoints, "--cluster-replicas", "0", "--cluster-yes"]).ConfigureAwait(false);
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < FormTimeout)
        {
            var states = await Task.WhenAll(_nodes.Select(n => RunCliAsync(["-p", n.Port.ToString(CultureInfo.InvariantCulture), "cluster", "info"]))).ConfigureAwait(false);
            if (states.All(s => s.Contains("cluster_state:ok", StringComparison.Ordinal)))
            {
                return;
            }

            await Task.Delay(50).ConfigureAwait(false);
        }

        throw new InvalidOperationException($"The cluster on {string.Join(", ", Endpoints)} did not reach cluster_state:ok within {FormTimeout}.");
    }

    /// <inheritdoc />
    async Task Xunit.IAsyncLifetime.DisposeAsync() => await DisposeAsync().ConfigureAwait(false);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            await node.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task<string> RunCliAsync(string[] arguments)
    {
        var info = new ProcessStartInfo(_cli) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("redis-cli did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"redis-cli {string.Join(' ', arguments)} failed ({process.ExitCode}): {await error.ConfigureAwait(false)}");
        }

        return await output.ConfigureAwait(false);
    }
}
