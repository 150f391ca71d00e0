using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ApiKit.Resilience.Http;
using ApiKit.Webhooks;
using ChatApi.Tests.Auth;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ChatApi.Tests.Webhooks;

/// <summary>
/// The webhook deliveries (the ChatApi's outbound HTTP calls) go through ApiKit.Resilience, and /health/ready lists
/// every circuit breaker. Each test hosts its own app, so the breakers it reads are its own.
/// </summary>
public sealed class WebhookResilienceTests
{
    private const string AuthorityBreakerPrefix = WebhookDeliveryDefaults.HttpClientName + ":";

    [Fact]
    public async Task DeliveryClient_HandlerChain_HasTheResilienceHandlerBeforeTheSocketsHandler()
    {
        await using var factory = new ChatApiFactory { Settings = WebhookChatApiFactory.CreateSettings() };

        var handler = factory.Services.GetRequiredService<IHttpMessageHandlerFactory>().CreateHandler(WebhookDeliveryDefaults.HttpClientName);
        var chain = new List<string>();
        for (HttpMessageHandler? current = handler; current is not null; current = (current as DelegatingHandler)?.InnerHandler)
        {
            chain.Add(current.GetType().FullName!);
        }

        Assert.Contains("ApiKit.Resilience.Http.ResilienceHandler", chain);
        Assert.Equal(typeof(SocketsHttpHandler).FullName, chain[^1]);

        // No retry loop inside an attempt (the outbox owns retries); the pipeline's timeouts are the attempt timeout.
        var options = factory.Services.GetRequiredService<IOptionsMonitor<HttpStandardResilienceOptions>>().Get(WebhookDeliveryDefaults.HttpClientName);
        Assert.Equal(0, options.Retry.MaxRetryAttempts);
        Assert.False(options.RetryUnsafeMethods);
        Assert.Equal(WebhookDeliveryDefaults.AttemptTimeout, options.AttemptTimeout);
        Assert.Equal(WebhookDeliveryDefaults.AttemptTimeout, options.TotalRequestTimeout);
    }

    [Fact]
    public async Task Delivery_RetryableLookingPostThatFails_IsSentOncePerAttempt()
    {
        await using var factory = new ChatApiFactory { Settings = WebhookChatApiFactory.CreateSettings(("ApiKit:Resilience:Http:Webhooks:Retry:MaxRetryAttempts", "5")) };
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.StatusCode = HttpStatusCode.ServiceUnavailable;
        var admin = factory.CreateAdminClient();

        // The Idempotency-Key header would make the standard pipeline retry a POST, and configuration asks for retries.
        var id = await CreateAsync(admin, receiver.Url + "/once", new Dictionary<string, string> { ["Idempotency-Key"] = "chat-test" });
        var messageId = await SendTestEventAsync(admin, id);

        var attempts = await Eventually.ReturnsAsync(() => AttemptsAsync(admin, id), a => a.GetArrayLength() == 1);
        Assert.Equal(503, attempts[0].GetProperty("statusCode").GetInt32());
        var sent = Assert.Single(receiver.Received);
        Assert.Equal(messageId, sent.Id);
        Assert.Equal("chat-test", sent.IdempotencyKey);
    }

    [Fact]
    public async Task StandardPipeline_FailingPost_IsRetriedOnlyWhenItCarriesAnIdempotencyKey()
    {
        // The premise of the layering: on its own, the standard pipeline leaves POSTs alone, except with an
        // Idempotency-Key (which a subscription can add as a custom header), hence retries forced off for deliveries.
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.StatusCode = HttpStatusCode.ServiceUnavailable;
        var services = new ServiceCollection().AddLogging();
        services.AddHttpClient("plain").AddApiKitStandardResilience(o =>
        {
            o.Retry.MaxRetryAttempts = 2;
            o.Retry.Delay = TimeSpan.FromMilliseconds(1);
        });
        await using var provider = services.BuildServiceProvider();
        var client = provider.GetRequiredService<IHttpClientFactory>().CreateClient("plain");

        using (var post = await client.PostAsync(receiver.Url + "/plain", new StringContent("{}")))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, post.StatusCode);
        }

        Assert.Single(receiver.Received);
        using var keyed = new HttpRequestMessage(HttpMethod.Post, receiver.Url + "/keyed") { Content = new StringContent("{}") };
        keyed.Headers.Add("Idempotency-Key", "k");
        using (var post = await client.SendAsync(keyed))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, post.StatusCode);
        }

        Assert.Equal(3, receiver.Received.Count(r => r.Path == "/keyed"));
    }

    [Fact]
    public async Task HealthReady_AfterADelivery_ListsTheEndpointAndAuthorityBreakersClosed()
    {
        await using var factory = new ChatApiFactory { Settings = WebhookChatApiFactory.CreateSettings() };
        await using var receiver = await WebhookReceiver.StartAsync();
        var admin = factory.CreateAdminClient();
        using var anonymous = factory.CreateClient();
        var before = await ReadyAsync(admin);
        Assert.Empty(Breakers(before).EnumerateObject());

        var id = await CreateAsync(admin, receiver.Url + "/ok");
        var messageId = await SendTestEventAsync(admin, id);
        await receiver.WaitForAsync(r => r.Id == messageId);

        var ready = await Eventually.ReturnsAsync(() => ReadyAsync(admin), r => Breakers(r).EnumerateObject().Count() == 2);
        Assert.Equal("Healthy", ready.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, (await ReadyAsync(anonymous)).GetProperty("checks").GetProperty("circuit-breakers").GetProperty("data").ValueKind);
        Assert.Equal("Closed", Breakers(ready).GetProperty(WebhookDeliveryDefaults.CircuitBreakerKeyPrefix + id).GetString());
        Assert.Equal("Closed", Breakers(ready).GetProperty(AuthorityBreakerPrefix + receiver.Url).GetString());
        Assert.Equal("Healthy", ready.GetProperty("checks").GetProperty("database").GetProperty("status").GetString());
    }

    [Fact]
    public async Task HealthReady_ReceiverFailing_ShowsTheEndpointBreakerOpenUntilTheBreakEndsAndAProbeSucceeds()
    {
        await using var factory = new ChatApiFactory { Settings = WebhookChatApiFactory.CreateSettings() };
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.StatusCode = HttpStatusCode.InternalServerError;
        var admin = factory.CreateAdminClient();
        var id = await CreateAsync(admin, receiver.Url + "/failing");
        var breaker = WebhookDeliveryDefaults.CircuitBreakerKeyPrefix + id;

        // Five failed first attempts in a row open the endpoint's circuit (the library's default rule).
        for (var i = 0; i < WebhookDeliveryDefaults.CircuitBreakerConsecutiveFailures; i++)
        {
            await SendTestEventAsync(admin, id);
        }

        await receiver.WaitForCountAsync(WebhookDeliveryDefaults.CircuitBreakerConsecutiveFailures);
        var open = await Eventually.ReturnsAsync(() => ReadyAsync(admin), r => State(r, breaker) == "Open");
        Assert.Equal("Degraded", open.GetProperty("status").GetString());
        Assert.Equal("Degraded", open.GetProperty("checks").GetProperty("circuit-breakers").GetProperty("status").GetString());
        Assert.Equal("Closed", State(open, AuthorityBreakerPrefix + receiver.Url));

        // Before the break (30 s) is over nothing is sent, although the retries (5 s) are due.
        receiver.StatusCode = HttpStatusCode.OK;
        factory.Time.Advance(TimeSpan.FromSeconds(20));
        Assert.Equal("Open", State(await ReadyAsync(admin), breaker));
        Assert.Equal(WebhookDeliveryDefaults.CircuitBreakerConsecutiveFailures, receiver.Received.Count);

        // After it, one probe goes out, succeeds and closes the circuit. The clock moves a second per look, which
        // drives the dispatcher's polls.
        factory.Time.Advance(TimeSpan.FromSeconds(10));
        var healthy = await Eventually.ReturnsAsync(
            () =>
            {
                factory.Time.Advance(TimeSpan.FromSeconds(1));
                return ReadyAsync(admin);
            },
            r => State(r, breaker) == "Closed");
        Assert.Equal("Healthy", healthy.GetProperty("status").GetString());
        Assert.True(receiver.Received.Count > WebhookDeliveryDefaults.CircuitBreakerConsecutiveFailures);
    }

    [Fact]
    public async Task AuthorityBreaker_Open_RejectsWithoutSendingAndTheAttemptIsRecordedAsFailed()
    {
        await using var factory = new ChatApiFactory
        {
            Settings = WebhookChatApiFactory.CreateSettings(("ApiKit:Resilience:Http:Webhooks:CircuitBreaker:MinimumThroughput", "3")),
        };
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.StatusCode = HttpStatusCode.InternalServerError;
        var admin = factory.CreateAdminClient();
        var failing = await CreateAsync(admin, receiver.Url + "/a");
        var authority = AuthorityBreakerPrefix + receiver.Url;

        // Three failures on one endpoint of the host open the host's circuit (and not yet the endpoint's: that takes five).
        for (var i = 1; i <= 3; i++)
        {
            await SendTestEventAsync(admin, failing);
            await receiver.WaitForCountAsync(i);
        }

        var open = await Eventually.ReturnsAsync(() => ReadyAsync(admin), r => State(r, authority) == "Open");
        Assert.Equal("Degraded", open.GetProperty("status").GetString());

        // Another endpoint on the same host: its delivery is refused by the open circuit before any connection, and the
        // dispatcher records it as a failed attempt (to be retried on the outbox's schedule) instead of losing track of it.
        var other = await CreateAsync(admin, receiver.Url + "/b");
        var messageId = await SendTestEventAsync(admin, other);
        var attempts = await Eventually.ReturnsAsync(() => AttemptsAsync(admin, other), a => a.GetArrayLength() == 1);
        var attempt = attempts[0];
        Assert.Equal(messageId, attempt.GetProperty("messageId").GetString());
        Assert.Equal(nameof(WebhookAttemptOutcome.NetworkError), attempt.GetProperty("outcome").GetString());
        Assert.Contains("The circuit is open", attempt.GetProperty("response").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(receiver.Received, r => r.Path == "/b");

        var ready = await ReadyAsync(admin);
        Assert.Equal("Closed", State(ready, WebhookDeliveryDefaults.CircuitBreakerKeyPrefix + failing));
        Assert.Equal("Open", State(ready, authority));
    }

    private static async Task<string> CreateAsync(HttpClient admin, string url, Dictionary<string, string>? headers = null) =>
        (await admin.PostAsJsonAsync("/api/v1/webhooks", new { url, events = new[] { "message.sent" }, headers }).ExpectAsync(HttpStatusCode.Created))
            .GetProperty("id").GetString()!;

    private static async Task<string> SendTestEventAsync(HttpClient admin, string endpointId) =>
        (await admin.PostAsync($"/api/v1/webhooks/{endpointId}/test", null).ExpectAsync(HttpStatusCode.Accepted)).GetProperty("messageId").GetString()!;

    private static Task<JsonElement> AttemptsAsync(HttpClient admin, string endpointId) =>
        admin.GetAsync($"/api/v1/webhooks/{endpointId}/attempts").ExpectAsync(HttpStatusCode.OK);

    private static Task<JsonElement> ReadyAsync(HttpClient client) => client.GetAsync("/health/ready").ExpectAsync(HttpStatusCode.OK);

    private static JsonElement Breakers(JsonElement ready) => ready.GetProperty("checks").GetProperty("circuit-breakers").GetProperty("data");

    private static string? State(JsonElement ready, string breaker) =>
        Breakers(ready).TryGetProperty(breaker, out var state) ? state.GetString() : null;
}
