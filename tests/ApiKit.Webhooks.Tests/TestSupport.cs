using System.Net;
using ApiKit.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace ApiKit.Webhooks.Tests;

/// <summary>An HTTP handler whose answers a test scripts; it records every request with its body.</summary>
internal sealed class ScriptedHandler(Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> respond) : HttpMessageHandler
{
    private readonly List<(HttpRequestMessage Request, byte[] Body)> _requests = [];

    public ScriptedHandler(HttpStatusCode status)
        : this((_, _) => Task.FromResult(new HttpResponseMessage(status)))
    {
    }

    public IReadOnlyList<(HttpRequestMessage Request, byte[] Body)> Requests
    {
        get
        {
            lock (_requests)
            {
                return [.. _requests];
            }
        }
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken);
        lock (_requests)
        {
            _requests.Add((request, body));
        }

        return await respond(request, cancellationToken);
    }
}

internal sealed class FixedHttpClientFactory(HttpMessageHandler handler) : IHttpClientFactory
{
    public HttpClient CreateClient(string name) => new(handler, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan };
}

/// <summary>A processor over the in-memory store with a scripted handler and a manual clock.</summary>
internal sealed class ProcessorHarness
{
    public ProcessorHarness(ScriptedHandler handler, Action<WebhookDeliveryOptions>? configure = null)
    {
        Options.RequireHttps = false;
        Options.PauseAfterConsecutiveFailures = 0;
        configure?.Invoke(Options);
        Handler = handler;
        Processor = new WebhookDeliveryProcessor(
            Store, Store, new FixedHttpClientFactory(handler), Microsoft.Extensions.Options.Options.Create(Options), Time,
            NullLogger<WebhookDeliveryProcessor>.Instance, new ConsecutiveFailureCircuit(Options.PauseAfterConsecutiveFailures, Options.PauseDuration))
        {
            NextRandom = () => 0.5,
        };
        Publisher = new WebhookPublisher(Store, Store, new WebhookDispatchSignal(Time), Time);
    }

    public WebhookDeliveryOptions Options { get; } = new();

    public ManualTimeProvider Time { get; } = new(DateTimeOffset.FromUnixTimeSeconds(1_800_000_000));

    public InMemoryWebhookStoreForTesting Store { get; } = new();

    public ScriptedHandler Handler { get; }

    public WebhookDeliveryProcessor Processor { get; }

    public WebhookPublisher Publisher { get; }

    public async Task<WebhookEndpoint> AddEndpointAsync(string id = "ep_1", string url = "http://receiver.test/hook", string[]? events = null, params WebhookEndpointSecret[] secrets)
    {
        var endpoint = new WebhookEndpoint
        {
            Id = id,
            Url = url,
            Events = events ?? ["*"],
            Secrets = secrets.Length == 0 ? [new WebhookEndpointSecret(WebhookSecret.Generate().ToString(), null)] : secrets,
            CreatedAt = Time.GetUtcNow(),
            UpdatedAt = Time.GetUtcNow(),
        };
        await Store.CreateAsync(endpoint, CancellationToken.None);
        return endpoint;
    }

    public Task<int> RunAsync() => Processor.RunOnceAsync("worker", CancellationToken.None);
}

internal static class Json
{
    public static System.Text.Json.JsonElement Of(object value) => System.Text.Json.JsonSerializer.SerializeToElement(value);
}
