using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace ApiKit.Testing;

/// <summary>
/// Runs <c>initdb</c> into a temp folder and starts a private PostgreSQL server on a free loopback port
/// (binaries under <c>/usr/lib/postgresql/*/bin</c>, or the folder named by <c>PG_BIN</c>).
/// It can be stopped fast or killed (<c>immediate</c>, as a crash) and started again mid-test.
/// </summary>
/// <remarks>
/// PostgreSQL refuses to run as root, so under root the fixture runs its binaries as the <c>postgres</c>
/// user that Debian's package creates. A missing installation fails the test, it never skips.
/// </remarks>
public sealed class PostgresServerFixture : IAsyncDisposable, Xunit.IAsyncLifetime
{
    private readonly string _binFolder;
    private readonly string _root;
    private readonly string _dataDirectory;
    private readonly string _socketDirectory;
    private bool _initialized;

    /// <summary>Prepares a fixture; the cluster is created and started in <see cref="InitializeAsync"/>.</summary>
    public PostgresServerFixture()
    {
        var versions = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).OrderByDescending(d => d, StringComparer.Ordinal).ToArray()
            : [];
        var initdb = ServerBinary.Find("initdb", "PG_BIN", "Install it with 'apt-get install postgresql'.", versions);
        _binFolder = Path.GetDirectoryName(initdb)!;
        _root = Directory.CreateTempSubdirectory("apikit-pg-").FullName;
        _dataDirectory = Path.Combine(_root, "data");
        _socketDirectory = Path.Combine(_root, "socket");
        Directory.CreateDirectory(_socketDirectory);
        Port = FreePort.Next();
    }

    /// <summary>Gets the loopback port the server listens on.</summary>
    public int Port { get; }

    /// <summary>Gets an Npgsql connection string for the <c>postgres</c> database as the <c>postgres</c> superuser.</summary>
    public string ConnectionString => ConnectionStringFor("postgres");

    /// <summary>Gets an Npgsql connection string for <paramref name="database"/>.</summary>
    public string ConnectionStringFor(string database) =>
        $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database};Timeout=5;Command Timeout=30";

    /// <inheritdoc />
    public Task InitializeAsync() => StartAsync();

    /// <summary>Creates the cluster on first use, starts the server and waits until it accepts connections.</summary>
    public async Task StartAsync()
    {
        if (!_initialized)
        {
            if (ServerBinary.IsRoot)
            {
                await RunAsync("/bin/chown", ["-R", "postgres:postgres", _root], asPostgres: false).ConfigureAwait(false);
            }

            await RunAsync(Path.Combine(_binFolder, "initdb"), ["-D", _dataDirectory, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync", "--no-instructions"]).ConfigureAwait(false);
            _initialized = true;
        }

        var serverOptions = string.Join(' ',
            "-p", Port.ToString(CultureInfo.InvariantCulture),
            "-h", "127.0.0.1",
            "-k", _socketDirectory,
            // fsync off only loses data when the OS crashes; a killed server still keeps every commit,
            // which is what crash tests rely on (so synchronous_commit stays on).
            "-c", "fsync=off",
            "-c", "full_page_writes=off",
            "-c", "max_connections=200");
        await RunAsync(Path.Combine(_binFolder, "pg_ctl"), ["-D", _dataDirectory, "-o", serverOptions, "-l", Path.Combine(_root, "server.log"), "-w", "-t", "30", "start"]).ConfigureAwait(false);
    }

    /// <summary>Stops the server; <paramref name="crash"/> uses the <c>immediate</c> mode, which is what a crash looks like to clients.</summary>
    public Task StopAsync(bool crash = false) =>
        RunAsync(Path.Combine(_binFolder, "pg_ctl"), ["-D", _dataDirectory, "-m", crash ? "immediate" : "fast", "-w", "stop"]);

    /// <summary>Stops and starts the server again on the same port, keeping its data.</summary>
    public async Task RestartAsync(bool crash = false)
    {
        await StopAsync(crash).ConfigureAwait(false);
        await StartAsync().ConfigureAwait(false);
    }

    /// <summary>Runs a statement through <c>psql</c>, for setup that should not depend on the code under test.</summary>
    public Task<string> PsqlAsync(string sql, string database = "postgres") =>
        RunAsync(Path.Combine(_binFolder, "psql"), ["-h", "127.0.0.1", "-p", Port.ToString(CultureInfo.InvariantCulture), "-U", "postgres", "-d", database, "-v", "ON_ERROR_STOP=1", "-Atc", sql]);

    /// <inheritdoc />
    async Task Xunit.IAsyncLifetime.DisposeAsync() => await DisposeAsync().ConfigureAwait(false);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_initialized)
        {
            try
            {
                await StopAsync(crash: true).ConfigureAwait(false);
            }
            catch (InvalidOperationException)
            {
                // Already stopped by the test.
            }
        }

        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder must not fail the test run.
        }
    }

    private static async Task<string> RunAsync(string fileName, IReadOnlyList<string> arguments, bool asPostgres = true)
    {
        var runAsOther = asPostgres && ServerBinary.IsRoot;
        var info = new ProcessStartInfo(runAsOther ? "/usr/sbin/runuser" : fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (runAsOther)
        {
            foreach (var argument in new[] { "-u", "postgres", "--", fileName })
            {
                info.ArgumentList.Add(argument);
            }
        }

        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{fileName} did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().ConfigureAwait(false);
        var output = await stdout.ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            var error = new StringBuilder().Append(output).Append(await stderr.ConfigureAwait(false));
            throw new InvalidOperationException($"{Path.GetFileName(fileName)} {string.Join(' ', arguments)} exited with {process.ExitCode}:\n{error}");
        }

        return output.Trim();
    }
}
