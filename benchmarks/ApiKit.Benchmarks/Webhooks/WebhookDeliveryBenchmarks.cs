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
using Microsoft.Extensions.Logging;

namespace ApiKit.Benchmarks.Webhooks;

/// <summary>
/// Delivering 500 webhooks of about 1 KB to a Kestrel receiver on loopback: plain HttpClient POSTs of the same
/// bodies at the same concurrency are the floor; the outbox paths add claiming, signing and recording.
/// </summary>
[Config(typeof(InProcessSingleInvocationConfig))]
public class WebhookDeliveryBenchmarks
{
    private const int Messages = 500;
    private const int Concurrency = 32;
    private readonly string _folder = Directory.CreateTempSubdirectory("apikit-wh-bench-").FullName;
    private WebApplication _receiver = null!;
    private HttpClient _plain = null!;
    private string _url = string.Empty;
    private byte[] _body = [];
    private RedisServerFixture _redis = null!;
    private ServiceProvider _sqlite = null!;
    private ServiceProvider _redisServices = null!;

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

        _redis = new RedisServerFixture();
        await _redis.InitializeAsync();
        _redisServices = Services(b => b.UseRedisStore(o => o.Configuration = _redis.ConnectionString));
        await CreateEndpointAsync(_redisServices);
    }

    private async Task CleanupAsync()
    {
        await _sqlite.DisposeAsync();
        await _redisServices.DisposeAsync();
        await _redis.DisposeAsync();
        await _receiver.DisposeAsync();
        _plain.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [IterationSetup(Target = nameof(SqliteOutbox))]
    public void EnqueueSqlite() => EnqueueAsync(_sqlite).GetAwaiter().GetResult();

    [IterationSetup(Target = nameof(RedisStreams))]
    public void EnqueueRedis() => EnqueueAsync(_redisServices).GetAwaiter().GetResult();

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

    // The hosted dispatcher's own pipeline, stopped once nothing is due or in flight.
    private static async Task DrainAsync(ServiceProvider services)
    {
        await services.GetRequiredService<WebhookDispatchPipeline>().RunAsync("bench", stopWhenIdle: true, CancellationToken.None);
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
            o.BatchSize = 64;
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
}
