using ApiKit.Resilience.CircuitBreakers;
using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ApiKit.Webhooks.Tests.Delivery;

public sealed class WebhookDeliveryOptionsTests
{
    [Fact]
    public void AddWebhooks_ConfigurationSchedule_ReplacesDefaultInsteadOfAppending()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Webhooks:RetrySchedule:0"] = "00:00:00",
            ["Webhooks:RetrySchedule:1"] = "00:00:07",
            ["Webhooks:HeaderStyle"] = "XWebhook",
        }).Build();
        var services = new ServiceCollection();
        services.AddWebhooks(configuration.GetSection("Webhooks")).UseInMemoryStoreForTesting();

        var options = services.BuildServiceProvider().GetRequiredService<IOptions<WebhookDeliveryOptions>>().Value;

        Assert.Equal([TimeSpan.Zero, TimeSpan.FromSeconds(7)], options.RetrySchedule);
        Assert.Equal(WebhookHeaderStyle.XWebhook, options.HeaderStyle);
    }

    [Fact]
    public void AddWebhooks_ConfigurationCircuitBreaker_BindsAndKeepsOtherDefaults()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Webhooks:CircuitBreaker:ConsecutiveFailures"] = "3",
            ["Webhooks:CircuitBreaker:BreakDuration"] = "00:02:00",
        }).Build();
        var services = new ServiceCollection();
        services.AddWebhooks(configuration.GetSection("Webhooks")).UseInMemoryStoreForTesting();

        var breaker = services.BuildServiceProvider().GetRequiredService<IOptions<WebhookDeliveryOptions>>().Value.CircuitBreaker;

        Assert.Equal(3, breaker.ConsecutiveFailures);
        Assert.Equal(TimeSpan.FromMinutes(2), breaker.BreakDuration);
        Assert.Equal(WebhookDeliveryDefaults.CircuitBreakerFailureRatio, breaker.FailureRatio);
    }

    [Fact]
    public void AddWebhooks_Default_RegistersResilienceBreakerRegistry()
    {
        var services = new ServiceCollection();
        services.AddWebhooks(_ => { }).UseInMemoryStoreForTesting();

        var provider = services.BuildServiceProvider();

        Assert.NotNull(provider.GetService<CircuitBreakerRegistry>());
        Assert.Equal(WebhookDeliveryDefaults.CircuitBreakerConsecutiveFailures, provider.GetRequiredService<IOptions<WebhookDeliveryOptions>>().Value.CircuitBreaker.ConsecutiveFailures);
    }

    [Theory]
    [InlineData("LeaseDuration")]
    [InlineData("Schedule")]
    [InlineData("Network")]
    [InlineData("CircuitBreaker")]
    [InlineData("Retention")]
    [InlineData("RetentionInterval")]
    public void Validate_BadOptions_Fail(string problem)
    {
        var services = new ServiceCollection();
        services.AddWebhooks(o =>
        {
            switch (problem)
            {
                case "LeaseDuration":
                    o.LeaseDuration = o.AttemptTimeout;
                    break;
                case "Schedule":
                    o.RetrySchedule = [TimeSpan.FromSeconds(-1)];
                    break;
                case "CircuitBreaker":
                    o.CircuitBreaker.FailureRatio = 2;
                    break;
                case "Retention":
                    o.RetentionPeriod = TimeSpan.Zero;
                    break;
                case "RetentionInterval":
                    o.RetentionCleanupInterval = TimeSpan.Zero;
                    break;
                default:
                    o.Ssrf.AllowedNetworks.Add("not-a-network");
                    break;
            }
        }).UseInMemoryStoreForTesting();

        Assert.Throws<OptionsValidationException>(() => services.BuildServiceProvider().GetRequiredService<IOptions<WebhookDeliveryOptions>>().Value);
    }

    [Fact]
    public void AddWebhookReceiver_MalformedSecret_FailsValidation()
    {
        var services = new ServiceCollection();
        services.AddWebhookReceiver(o => o.Secrets.Add("whsec_short"));

        Assert.Throws<OptionsValidationException>(() => services.BuildServiceProvider().GetRequiredService<IOptionsMonitor<WebhookReceiverOptions>>().Get(Options.DefaultName));
    }

    [Fact]
    public async Task RunOnce_XWebhookHeaderStyle_SendsXHeadersThatVerify()
    {
        var harness = new ProcessorHarness(new ScriptedHandler(HttpStatusCode.OK), o => o.HeaderStyle = WebhookHeaderStyle.XWebhook);
        var endpoint = await harness.AddEndpointAsync();
        await harness.Publisher.PublishAsync(new WebhookEvent("a", Json.Of(1)));

        await harness.RunAsync();

        var (request, body) = Assert.Single(harness.Handler.Requests);
        Assert.False(request.Headers.Contains("webhook-signature"));
        var options = new WebhookReceiverOptions { HeaderStyle = WebhookHeaderStyle.XWebhook };
        options.Secrets.Add(endpoint.Secrets[0].Secret);
        var verifier = new WebhookVerifier(options, harness.Time);
        Assert.Equal(WebhookVerificationStatus.Valid, verifier.Verify(
            request.Headers.GetValues("X-Webhook-ID").Single(), request.Headers.GetValues("X-Webhook-Timestamp").Single(), request.Headers.GetValues("X-Webhook-Signature").Single(), body));
    }
}
