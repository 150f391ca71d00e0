using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ApiKit.Testing;

/// <summary>
/// Starts a private <c>redis-server</c> on a free loopback port with persistence off, and stops it at the end.
/// Outage tests can <see cref="StopAsync"/> and <see cref="StartAsync"/> it mid-test; the port stays the same.
/// </summary>
/// <remarks>Use it as an xunit class or collection fixture. A missing binary fails the test, it never skips.</remarks>
public sealed class RedisServerFixture : IAsyncDisposable, Xunit.IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(15);
    private readonly string _binary;
    private readonly string _workDirectory;
    private readonly string[] _extraArguments;
    private Process? _process;

    /// <summary>Prepares a fixture; the server starts in <see cref="InitializeAsync"/>.</summary>
    public RedisServerFixture()
        : this([])
    {
    }

    /// <summary>Prepares a server started with more arguments (a cluster node's).</summary>
    internal RedisServerFixture(string[] extraArguments)
    {
        _binary = ServerBinary.Find("redis-server", "REDIS_SERVER_DIR", "Install it with 'apt-get install redis-server'.", "/usr/bin");
        _workDirectory = Directory.CreateTempSubdirectory("apikit-redis-").FullName;
        _extraArguments = extraArguments;
        Port = FreePort.Next();
    }

    /// <summary>Gets the loopback port the server listens on.</summary>
    public int Port { get; }

    /// <summary>Gets the <c>host:port</c> endpoint of the server.</summary>
    public string Endpoint => $"127.0.0.1:{Port}";

    /// <summary>
    /// Gets a StackExchange.Redis configuration string for the server: it does not abort when the server is down,
    /// and times out quickly, so outage tests stay short.
    /// </summary>
    public string ConnectionString => $"{Endpoint},abortConnect=false,connectTimeout=1000,syncTimeout=1000,connectRetry=1";

    /// <summary>Gets whether the server process is running.</summary>
    public bool IsRunning => _process is { HasExited: false };

    /// <inheritdoc />
    public Task InitializeAsync() => StartAsync();

    /// <summary>Starts the server (again) and waits until it answers PING.</summary>
    public async Task StartAsync()
    {
        if (IsRunning)
        {
            return;
        }

        var info = new ProcessStartInfo(_binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = _workDirectory,
        };
        foreach (var argument in new[]
        {
            "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--bind", "127.0.0.1",
            "--save", string.Empty,
            "--appendonly", "no",
            "--daemonize", "no",
            "--protected-mode", "no",
            "--dir", _workDirectory,
        }.Concat(_extraArguments))
        {
            info.ArgumentList.Add(argument);
        }

        var output = new StringBuilder();
        _process = Process.Start(info) ?? throw new InvalidOperationException("redis-server did not start.");
        _process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        _process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < StartTimeout)
        {
            if (_process.HasExited)
            {
                break;
            }

            if (await PingAsync().ConfigureAwait(false))
            {
                return;
            }

            await Task.Delay(25).ConfigureAwait(false);
        }

        string log;
        lock (output)
        {
            log = output.ToString();
        }

        throw new InvalidOperationException($"redis-server did not answer PING on {Endpoint} within {StartTimeout}. Output:\n{log}");
    }

    /// <summary>Kills the server (as a crash would) and waits until the port no longer accepts connections.</summary>
    public async Task StopAsync()
    {
        if (_process is null)
        {
            return;
        }

        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().ConfigureAwait(false);
        }

        _process.Dispose();
        _process = null;
        while (FreePort.IsListening(Port))
        {
            await Task.Delay(10).ConfigureAwait(false);
        }
    }

    /// <summary>Stops the server, then starts it again on the same port with an empty data set.</summary>
    public async Task RestartAsync()
    {
        await StopAsync().ConfigureAwait(false);
        await StartAsync().ConfigureAwait(false);
    }

    /// <summary>Sends a raw RESP PING; returns whether the server answered PONG.</summary>
    public async Task<bool> PingAsync()
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, Port).ConfigureAwait(false);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray()).ConfigureAwait(false);
            var buffer = new byte[16];
            var read = await stream.ReadAsync(buffer).ConfigureAwait(false);
            return Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (SocketException)
        {
            return false;
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <inheritdoc />
    async Task Xunit.IAsyncLifetime.DisposeAsync() => await DisposeAsync().ConfigureAwait(false);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        try
        {
            Directory.Delete(_workDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder must not fail the test run.
        }
    }
}
