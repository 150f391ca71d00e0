using System.Net;
using System.Text;
using System.Text.Json;
using ApiKit.Testing;
using ApiKit.Webhooks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ChatApi.Tests.Webhooks;

/// <summary>A webhook delivery as the receiver got it: headers and exact body bytes.</summary>
internal sealed record ReceivedWebhook(string Path, string? Id, string? Timestamp, string? Signature, string? IdempotencyKey, byte[] Body)
{
    public JsonElement Envelope
    {
        get
        {
            using var document = JsonDocument.Parse(Body);
            return document.RootElement.Clone();
        }
    }

    public string Type => Envelope.GetProperty("type").GetString()!;

    public JsonElement Data => Envelope.GetProperty("data");

    /// <summary>Checks the Standard Webhooks signature and timestamp with the library's receiver verifier.</summary>
    public WebhookVerificationStatus Verify(string secret, TimeProvider clock)
    {
        var options = new WebhookReceiverOptions();
        options.Secrets.Add(secret);
        return new WebhookVerifier(options, clock).Verify(Id, Timestamp, Signature, Body);
    }
}

/// <summary>
/// A real Kestrel server on 127.0.0.1 that records every POST and answers <see cref="StatusCode"/>. Waiting for a
/// delivery is event-driven and bounded in real time: deliveries arrive on the app's background dispatcher.
/// </summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    private static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(20);

    private readonly WebApplication _app;
    private readonly Lock _gate = new();
    private readonly List<ReceivedWebhook> _received = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private WebhookReceiver(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    public int Port { get; }

    /// <summary>Gets the base address, <c>http://127.0.0.1:port</c>.</summary>
    public string Url => $"http://127.0.0.1:{Port}";

    /// <summary>Gets or sets the status every request is answered with.</summary>
    public HttpStatusCode StatusCode { get; set; } = HttpStatusCode.OK;

    public IReadOnlyList<ReceivedWebhook> Received
    {
        get
        {
            lock (_gate)
            {
                return [.. _received];
            }
        }
    }

    public static async Task<WebhookReceiver> StartAsync()
    {
        var port = FreePort.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        var receiver = new WebhookReceiver(app, port);
        app.MapPost("/{**path}", receiver.HandleAsync);
        await app.StartAsync();
        return receiver;
    }

    /// <summary>Returns the first delivery that matches, waiting for it at most <paramref name="timeout"/> of real time.</summary>
    public async Task<ReceivedWebhook> WaitForAsync(Func<ReceivedWebhook, bool> match, TimeSpan? timeout = null)
    {
        using var deadline = new CancellationTokenSource(timeout ?? DefaultWait);
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (_received.FirstOrDefault(match) is { } hit)
                {
                    return hit;
                }

                changed = _changed.Task;
            }

            try
            {
                await changed.WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"No matching webhook within {timeout ?? DefaultWait}; received: {string.Join(", ", Received.Select(r => r.Path + " " + Encoding.UTF8.GetString(r.Body)))}");
            }
        }
    }

    /// <summary>Waits until at least <paramref name="count"/> deliveries arrived.</summary>
    public async Task WaitForCountAsync(int count, TimeSpan? timeout = null)
    {
        var seen = 0;
        await WaitForAsync(_ => ++seen >= count, timeout);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task<IResult> HandleAsync(HttpRequest request)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer);
        var received = new ReceivedWebhook(
            request.Path.Value ?? "/",
            request.Headers["webhook-id"].FirstOrDefault(),
            request.Headers["webhook-timestamp"].FirstOrDefault(),
            request.Headers["webhook-signature"].FirstOrDefault(),
            request.Headers["Idempotency-Key"].FirstOrDefault(),
            buffer.ToArray());
        var status = StatusCode;
        lock (_gate)
        {
            _received.Add(received);
            var changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            changed.TrySetResult();
        }

        return Results.StatusCode((int)status);
    }
}

/// <summary>
/// The ChatApi as the webhook tests need it: plain-http targets and 127.0.0.1 allowed through the library's SSRF
/// allow-list (SSRF protection stays on for everything else).
/// </summary>
public sealed class WebhookChatApiFactory : ChatApiFactory
{
    public WebhookChatApiFactory() => Settings = CreateSettings();

    /// <summary>The settings of <see cref="WebhookChatApiFactory"/>, plus <paramref name="extra"/>.</summary>
    public static Dictionary<string, string?> CreateSettings(params (string Key, string Value)[] extra)
    {
        var settings = new Dictionary<string, string?>
        {
            ["ApiKit:Webhooks:RequireHttps"] = "false",
            ["ApiKit:Webhooks:Ssrf:AllowedNetworks:0"] = "127.0.0.1/32",
        };
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }

        return settings;
    }
}
