using System.Net;
using System.Text;
using ApiKit.Testing;
using ApiKit.Webhooks;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace ApiKit.Benchmarks.Webhooks;

/// <summary>
/// Delivering 1000 webhooks of about 1 KB to a Kestrel receiver on loopback: plain HttpClient POSTs of the same
/// bodies at the same concurrency are the floor; the outbox paths add claiming, signing and recording.
/// </summary>
/// <remarks>
/// Every row times the same thing: from "1000 committed messages in the store" (the iteration setup enqueues and
/// commits them, outside the timed region) to "1000 delivered and acknowledged". A thousand, so the first claim and
/// the last record weigh little next to the steady throughput being measured. The floor sends with
/// <see cref="Concurrency"/> requests at once, which is exactly the dispatcher's per-endpoint concurrency limit
/// (one endpoint here), over a <see cref="SocketsHttpHandler"/> configured like the dispatcher's. The dispatcher
/// is woken by the enqueue signal and loops without waiting while work is due or in flight, so no poll interval
/// is in the timed path. The check that nothing was left undelivered runs in the iteration cleanup, untimed.
/// </remarks>
[Config(typeof(InProcessSingleInvocationConfig))]
public class WebhookDeliveryBenchmarks
{
    private const int Messages = 1000;
    private const int Concurrency = 32;
    private const int BatchSize = 64;
    private readonly string _folder = Directory.CreateTempSubdirectory("apikit-wh-bench-").FullName;
    private WebApplication _receiver = null!;
    private HttpClient _plain = null!;
    private string _url = string.Empty;
    private byte[] _body = [];
    private RedisServerFixture _redis = null!;
    private ServiceProvider _sqlite = null!;
    private ServiceProvider _redisServices = null!;
    private ServiceProvider _noStore = null!;

    // Synchronous on purpose: the in-process toolchain does not wait for an async global setup.
    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    [GlobalCleanup]
    public void Cleanup() => CleanupAsync().GetAwaiter().GetResult();

    private async Task SetupAsync()
    {
        SQLitePCL.Batteries_V2.Init();
        var port = FreePort.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        _receiver = builder.Build();
        _receiver.MapPost("/hook", async (HttpRequest request) =>
        {
            await request.Body.CopyToAsync(Stream.Null);
            return Results.NoContent();
        });
        await _receiver.StartAsync();
        _url = $"http://127.0.0.1:{port}/hook";
        _plain = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false });
        _body = Encoding.UTF8.GetBytes("{\"type\":\"message.sent\",\"timestamp\":\"2027-01-15T08:00:00Z\",\"data\":{\"text\":\"" + new string('x', 1024 - 78) + "\"}}");

        var database = Path.Combine(_folder, "outbox.db");
        _sqlite = Services(b => b.UseSqlStore(o => o.ConnectionFactory = () => new SqliteConnection($"Data Source={database}")));
        await _sqlite.GetRequiredService<SqlWebhookStore>().EnsureSchemaAsync();
        await CreateEndpointAsync(_sqlite);

        _noStore = Services(b => b.UseInMemoryStoreForTesting().Services.Replace(ServiceDescriptor.Singleton<IWebhookDeliveryStore, QueueStore>()));
        await CreateEndpointAsync(_noStore);

        _redis = new RedisServerFixture();
        await _redis.InitializeAsync();
        _redisServices = Services(b => b.UseRedisStore(o => o.Configuration = _redis.ConnectionString));
        await CreateEndpointAsync(_redisServices);
    }

    private async Task CleanupAsync()
    {
        await _sqlite.DisposeAsync();
        await _redisServices.DisposeAsync();
        await _noStore.DisposeAsync();
        await _redis.DisposeAsync();
        await _receiver.DisposeAsync();
        _plain.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [IterationSetup(Target = nameof(SqliteOutbox))]
    public void EnqueueSqlite() => EnqueueAsync(_sqlite).GetAwaiter().GetResult();

    [IterationSetup(Target = nameof(SqliteStoreOnly))]
    public void EnqueueSqliteStoreOnly() => EnqueueAsync(_sqlite).GetAwaiter().GetResult();

    [IterationSetup(Target = nameof(RedisStreams))]
    public void EnqueueRedis() => EnqueueAsync(_redisServices).GetAwaiter().GetResult();

    [IterationSetup(Target = nameof(DispatcherWithoutStore))]
    public void EnqueueNoStore() => EnqueueAsync(_noStore).GetAwaiter().GetResult();

    [IterationSetup(Target = nameof(RedisStoreOnly))]
    public void EnqueueRedisStoreOnly() => EnqueueAsync(_redisServices).GetAwaiter().GetResult();

    [IterationCleanup(Targets = [nameof(SqliteOutbox), nameof(SqliteStoreOnly)])]
    public void CheckSqliteDrained() => CheckDrainedAsync(_sqlite).GetAwaiter().GetResult();

    [IterationCleanup(Targets = [nameof(RedisStreams), nameof(RedisStoreOnly)])]
    public void CheckRedisDrained() => CheckDrainedAsync(_redisServices).GetAwaiter().GetResult();

    [Benchmark(Baseline = true)]
    public Task PlainHttpClient() =>
        Parallel.ForEachAsync(Enumerable.Range(0, Messages), new ParallelOptions { MaxDegreeOfParallelism = Concurrency }, async (_, ct) =>
        {
            using var content = new ByteArrayContent(_body);
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            using var response = await _plain.PostAsync(_url, content, ct);
            if (response.StatusCode != HttpStatusCode.NoContent)
            {
                throw new InvalidOperationException(response.StatusCode.ToString());
            }
        });

    [Benchmark]
    public Task SqliteOutbox() => DrainAsync(_sqlite);

    [Benchmark]
    public Task RedisStreams() => DrainAsync(_redisServices);

    // The dispatcher's own cost: the same pipeline over a store that costs (almost) nothing.
    [Benchmark]
    public Task DispatcherWithoutStore() => DrainAsync(_noStore);

    // Where the outbox's time goes: the same claims and records, in the dispatcher's batch size, with no HTTP at all.
    [Benchmark]
    public Task SqliteStoreOnly() => ClaimAndRecordAsync(_sqlite);

    [Benchmark]
    public Task RedisStoreOnly() => ClaimAndRecordAsync(_redisServices);

    private static async Task ClaimAndRecordAsync(ServiceProvider services)
    {
        var store = services.GetRequiredService<IWebhookDeliveryStore>();
        while (true)
        {
            var now = TimeProvider.System.GetUtcNow();
            var claimed = await store.ClaimAsync("bench", BatchSize, now, TimeSpan.FromMinutes(1), CancellationToken.None);
            if (claimed.Count == 0)
            {
                return;
            }

            await store.RecordAsync([.. claimed.Select(d => new WebhookDeliveryResult(d, WebhookDeliveryState.Succeeded, null, new WebhookAttempt(d.Message.Id, d.EndpointId, 1, now, WebhookAttemptOutcome.Succeeded, 204, TimeSpan.FromMilliseconds(1), null)))], now, CancellationToken.None);
        }
    }

    // The hosted dispatcher's own pipeline, stopped once nothing is due or in flight.
    private static Task DrainAsync(ServiceProvider services) =>
        services.GetRequiredService<WebhookDispatchPipeline>().RunAsync("bench", stopWhenIdle: true, CancellationToken.None);

    private static async Task CheckDrainedAsync(ServiceProvider services)
    {
        var left = (await services.GetRequiredService<IWebhookDeliveryStore>().ClaimAsync("check", 1, TimeProvider.System.GetUtcNow(), TimeSpan.Zero, CancellationToken.None)).Count;
        if (left != 0)
        {
            throw new InvalidOperationException("Deliveries were left undelivered.");
        }
    }

    private ServiceProvider Services(Action<WebhooksBuilder> store)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        var builder = services.AddWebhooks(o =>
        {
            o.RequireHttps = false;
            o.Ssrf.AllowedNetworks.Add("127.0.0.1/32");
            o.BatchSize = BatchSize;
            o.MaxInFlight = 256;
            o.MaxConcurrencyPerEndpoint = Concurrency;
        });
        store(builder);
        return services.BuildServiceProvider();
    }

    private async Task CreateEndpointAsync(ServiceProvider services) =>
        await services.GetRequiredService<IWebhookEndpointStore>().CreateAsync(new WebhookEndpoint
        {
            Id = "ep_bench",
            Url = _url,
            Events = ["*"],
            Secrets = [new WebhookEndpointSecret(WebhookSecret.Generate().ToString(), null)],
        }, CancellationToken.None);

    private static async Task EnqueueAsync(ServiceProvider services)
    {
        var store = services.GetRequiredService<IWebhookDeliveryStore>();
        var data = System.Text.Json.JsonSerializer.SerializeToElement(new { text = new string('x', 1024 - 78) });
        if (store is SqlWebhookStore)
        {
            var publisher = services.GetRequiredService<IWebhookPublisher>();
            await using var connection = new SqliteConnection(services.GetRequiredService<Microsoft.Extensions.Options.IOptions<SqlWebhookStoreOptions>>().Value.ConnectionFactory!().ConnectionString);
            await connection.OpenAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            for (var i = 0; i < Messages; i++)
            {
                await publisher.PublishAsync(new WebhookEvent("message.sent", data), transaction);
            }

            await transaction.CommitAsync();
            return;
        }

        var redisPublisher = services.GetRequiredService<IWebhookPublisher>();
        await Task.WhenAll(Enumerable.Range(0, Messages).Select(_ => redisPublisher.PublishAsync(new WebhookEvent("message.sent", data))));
    }

    /// <summary>A store that is a queue in memory: claims and records cost next to nothing.</summary>
    private sealed class QueueStore : IWebhookDeliveryStore
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<WebhookDelivery> _due = new();
        private long _sequence;

        public Task EnqueueAsync(WebhookMessage message, IReadOnlyList<string> endpointIds, System.Data.Common.DbTransaction? transaction, CancellationToken cancellationToken)
        {
            foreach (var endpoint in endpointIds)
            {
                _due.Enqueue(new WebhookDelivery(Interlocked.Increment(ref _sequence).ToString(System.Globalization.CultureInfo.InvariantCulture), message, endpoint, 0, "1"));
            }

            return Task.CompletedTask;
        }

        public Task<IReadOnlyList<WebhookDelivery>> ClaimAsync(string workerId, int maxCount, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken)
        {
            var claimed = new List<WebhookDelivery>(maxCount);
            while (claimed.Count < maxCount && _due.TryDequeue(out var delivery))
            {
                claimed.Add(delivery);
            }

            return Task.FromResult<IReadOnlyList<WebhookDelivery>>(claimed);
        }

        public Task RecordAsync(IReadOnlyList<WebhookDeliveryResult> results, DateTimeOffset now, CancellationToken cancellationToken)
        {
            foreach (var result in results)
            {
                if (result.State == WebhookDeliveryState.Pending)
                {
                    _due.Enqueue(result.Delivery);
                }
            }

            return Task.CompletedTask;
        }

        public Task<IReadOnlyList<WebhookAttempt>> ListAttemptsAsync(string endpointId, string? messageId, int limit, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<WebhookAttempt>>([]);

        public Task<bool> RedeliverAsync(string endpointId, string messageId, DateTimeOffset now, CancellationToken cancellationToken) => Task.FromResult(false);

        public Task<int> RecoverAsync(string endpointId, DateTimeOffset since, DateTimeOffset now, CancellationToken cancellationToken) => Task.FromResult(0);
    }
}
