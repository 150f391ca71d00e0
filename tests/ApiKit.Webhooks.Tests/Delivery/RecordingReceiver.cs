using System.Collections.Concurrent;
using ApiKit.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ApiKit.Webhooks.Tests.Delivery;

/// <summary>A real Kestrel receiver on 127.0.0.1 that verifies signatures and counts every webhook-id it accepted.</summary>
internal sealed class RecordingReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _inFlight;

    private RecordingReceiver(WebApplication app, int port, WebhookSecret secret)
    {
        _app = app;
        Url = $"http://127.0.0.1:{port}/hook";
        Secret = secret;
    }

    public string Url { get; }

    public WebhookSecret Secret { get; }

    public ConcurrentDictionary<string, int> Received { get; } = new(StringComparer.Ordinal);

    public int Total => Received.Values.Sum();

    /// <summary>Gets how many requests are inside the handler right now.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Gets how many webhook-ids arrived more than once.</summary>
    public int Duplicates => Received.Values.Count(n => n > 1);

    public static async Task<RecordingReceiver> StartAsync(TimeSpan delay = default)
    {
        var port = FreePort.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        RecordingReceiver? self = null;
        var secret = WebhookSecret.Generate();
        builder.Services.AddWebhookReceiver(o =>
        {
            o.Secrets.Add(secret.ToString());
            o.ReplayProtection = false;
        });
        var app = builder.Build();
        app.MapPost("/hook", async (HttpRequest request) =>
        {
            Interlocked.Increment(ref self!._inFlight);
            try
            {
                if (delay > TimeSpan.Zero)
                {
                    await Task.Delay(delay);
                }

                self.Received.AddOrUpdate(request.Headers["webhook-id"].ToString(), 1, (_, n) => n + 1);
                return Results.NoContent();
            }
            finally
            {
                Interlocked.Decrement(ref self._inFlight);
            }
        }).RequireWebhookSignature();
        self = new RecordingReceiver(app, port, secret);
        await app.StartAsync();
        return self;
    }

    public async Task WaitForAsync(Func<RecordingReceiver, bool> condition, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (!condition(this))
        {
            await Task.Delay(25, cts.Token);
        }
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
