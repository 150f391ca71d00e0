using System.Diagnostics;
using System.Reflection;
using ApiKit.Testing;
using ApiKit.Webhooks.Tests.Redis;
using ApiKit.Webhooks.Tests.Subscriptions;
using Xunit.Abstractions;

namespace ApiKit.Webhooks.Tests.Delivery;

/// <summary>
/// A dispatcher in a child process is killed with SIGKILL mid-delivery; a second one takes over.
/// Every committed event must reach the receiver at least once; a duplicate carries the same webhook-id.
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class CrashTests(RedisServerFixture redis, ITestOutputHelper output)
{
    private const int Events = 300;

    [Fact]
    public async Task SqliteOutbox_WorkerKilledMidDelivery_EveryCommittedEventArrives()
    {
        var folder = Directory.CreateTempSubdirectory("apikit-wh-crash-").FullName;
        var database = Path.Combine(folder, "outbox.db");
        try
        {
            await using var receiver = await RecordingReceiver.StartAsync(TimeSpan.FromMilliseconds(15));
            var store = new SqlWebhookStore(new SqlWebhookStoreOptions { ConnectionFactory = () => Sqlite.Connect(database) });
            await store.EnsureSchemaAsync();
            await store.CreateAsync(Endpoint(receiver), CancellationToken.None);
            var publisher = new WebhookPublisher(store, store, new WebhookDispatchSignal(TimeProvider.System), TimeProvider.System);
            var committed = new List<string>();
            var rolledBack = new List<string>();
            await using (var connection = Sqlite.Connect(database))
            {
                await connection.OpenAsync();
                for (var i = 0; i < Events + (Events / 10); i++)
                {
                    await using var transaction = await connection.BeginTransactionAsync();
                    var id = await publisher.PublishAsync(WebhookEvent.Create("order.created", new { id = i }), transaction);
                    if (i % 11 == 10)
                    {
                        await transaction.RollbackAsync();
                        rolledBack.Add(id);
                    }
                    else
                    {
                        await transaction.CommitAsync();
                        committed.Add(id);
                    }
                }
            }

            await RunCrashAsync(receiver, committed, "sqlite", database);

            Assert.DoesNotContain(rolledBack, receiver.Received.ContainsKey);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task RedisStore_WorkerKilledMidDelivery_EveryEventArrives()
    {
        var prefix = "crash" + Guid.NewGuid().ToString("N")[..8];
        await using var receiver = await RecordingReceiver.StartAsync(TimeSpan.FromMilliseconds(15));
        await using var store = new ApiKit.Webhooks.Redis.RedisWebhookStore(new ApiKit.Webhooks.Redis.RedisWebhookStoreOptions { Configuration = redis.ConnectionString, KeyPrefix = prefix });
        await store.CreateAsync(Endpoint(receiver), CancellationToken.None);
        var publisher = new WebhookPublisher(store, store, new WebhookDispatchSignal(TimeProvider.System), TimeProvider.System);
        var published = new List<string>();
        for (var i = 0; i < Events; i++)
        {
            published.Add(await publisher.PublishAsync(WebhookEvent.Create("order.created", new { id = i })));
        }

        await RunCrashAsync(receiver, published, "redis", redis.ConnectionString, prefix);
    }

    private async Task RunCrashAsync(RecordingReceiver receiver, List<string> expected, params string[] workerArgs)
    {
        var first = await StartWorkerAsync(workerArgs);
        try
        {
            await receiver.WaitForAsync(r => r.Total >= 60, TimeSpan.FromSeconds(30));
            await receiver.WaitForAsync(r => r.InFlight > 0, TimeSpan.FromSeconds(5));
        }
        finally
        {
            // Process.Kill is SIGKILL on Unix: no shutdown code runs, leases stay held until they expire.
            first.Kill();
            await first.WaitForExitAsync();
        }

        var seenAtKill = receiver.Received.Count;
        Assert.True(seenAtKill < expected.Count, "the first worker finished before it was killed; the test proves nothing");
        var second = await StartWorkerAsync(workerArgs);
        try
        {
            await receiver.WaitForAsync(r => expected.All(r.Received.ContainsKey), TimeSpan.FromSeconds(40));
        }
        finally
        {
            second.Kill();
            await second.WaitForExitAsync();
        }

        Assert.All(expected, id => Assert.True(receiver.Received.ContainsKey(id), $"{id} was never delivered"));
        Assert.All(receiver.Received.Keys, id => Assert.Contains(id, expected));
        output.WriteLine($"{expected.Count} events, {seenAtKill} seen when the first worker was killed, {receiver.Duplicates} delivered twice (same webhook-id).");
    }

    private static WebhookEndpoint Endpoint(RecordingReceiver receiver) => new()
    {
        Id = "ep_crash",
        Url = receiver.Url,
        Events = ["*"],
        Secrets = [new WebhookEndpointSecret(receiver.Secret.ToString(), null)],
    };

    private static async Task<Process> StartWorkerAsync(string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(WorkerPath());
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        var process = Process.Start(info)!;
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        var ready = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal("READY", ready);
        return process;
    }

    private static string WorkerPath()
    {
        var project = typeof(CrashTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "ApiKit.ProjectDirectory").Value!;
        var configuration = typeof(CrashTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration;
        return Path.Combine(project, "..", "ApiKit.Webhooks.CrashWorker", "bin", configuration, "net10.0", "ApiKit.Webhooks.CrashWorker.dll");
    }
}
