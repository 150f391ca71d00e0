using System.Collections.Concurrent;
using ApiKit.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ChatApi.Tests;

/// <summary>
/// Hosts the ChatApi in memory on its own temporary SQLite file (one per test class through
/// <c>IClassFixture</c>), with a manual clock and a log sink the tests can read.
/// </summary>
public class ChatApiFactory : WebApplicationFactory<Program>
{
    /// <summary>Gets the folder of the database file; a fresh temporary folder unless set.</summary>
    public string DataDirectory { get; init; } = Path.Combine(Path.GetTempPath(), "chatapi-tests-" + Guid.NewGuid().ToString("N"));

    /// <summary>Gets a value indicating whether disposing deletes <see cref="DataDirectory"/>.</summary>
    public bool DeleteDirectoryOnDispose { get; init; } = true;

    public string DatabasePath => Path.Combine(DataDirectory, "chat.db");

    public ManualTimeProvider Time { get; } = new();

    public LogSink Logs { get; } = new();

    /// <summary>Gets or sets extra service registrations, applied after the app's own.</summary>
    public Action<IServiceCollection>? ConfigureServices { get; init; }

    /// <summary>Gets or sets extra configuration values.</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; init; } = new Dictionary<string, string?>();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        builder.ConfigureAppConfiguration((_, configuration) =>
        {
            var settings = new Dictionary<string, string?>
            {
                // A relative data source resolved against ChatApi:DataDirectory, exactly as in production.
                ["ConnectionStrings:Chat"] = "Data Source=chat.db",
                ["ChatApi:DataDirectory"] = DataDirectory,

                // The smallest Argon2id cost the hasher accepts: the tests log in hundreds of times, and what they
                // check (right, wrong, oversized passwords) does not depend on the cost.
                ["Security:Argon2id:MemoryKiB"] = "7168",
                ["Security:Argon2id:Iterations"] = "1",
            };
            foreach (var (key, value) in Settings)
            {
                settings[key] = value;
            }

            configuration.AddInMemoryCollection(settings);
        });
        builder.ConfigureLogging(logging => logging.ClearProviders().AddProvider(Logs).SetMinimumLevel(LogLevel.Information));
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton<TimeProvider>(Time);
            ConfigureServices?.Invoke(services);
        });
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing && DeleteDirectoryOnDispose)
        {
            SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(DataDirectory, recursive: true);
            }
            catch (DirectoryNotFoundException)
            {
            }
        }
    }
}

/// <summary>Keeps every log entry written through it, with its structured state.</summary>
public sealed class LogSink : ILoggerProvider
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();

    public IReadOnlyCollection<LogEntry> Entries => _entries;

    public ILogger CreateLogger(string categoryName) => new SinkLogger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class SinkLogger(LogSink sink, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var properties = state is IEnumerable<KeyValuePair<string, object?>> pairs
                ? pairs.ToDictionary(p => p.Key, p => p.Value)
                : [];
            sink._entries.Enqueue(new LogEntry(category, logLevel, formatter(state, exception), properties, exception));
        }
    }
}

public sealed record LogEntry(string Category, LogLevel Level, string Message, IReadOnlyDictionary<string, object?> Properties, Exception? Exception);
