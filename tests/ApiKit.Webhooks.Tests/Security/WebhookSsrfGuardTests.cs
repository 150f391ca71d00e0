using System.Net;
using ApiKit.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ApiKit.Webhooks.Tests.Security;

public sealed class WebhookSsrfGuardTests
{
    [Theory]
    [InlineData("127.0.0.1", false)]
    [InlineData("127.255.255.254", false)]
    [InlineData("10.0.0.1", false)]
    [InlineData("172.16.0.1", false)]
    [InlineData("172.31.255.255", false)]
    [InlineData("172.32.0.1", true)]
    [InlineData("192.168.1.1", false)]
    [InlineData("169.254.169.254", false)]
    [InlineData("169.254.1.1", false)]
    [InlineData("100.64.0.1", false)]
    [InlineData("100.127.255.255", false)]
    [InlineData("100.128.0.1", true)]
    [InlineData("0.0.0.0", false)]
    [InlineData("224.0.0.1", false)]
    [InlineData("239.255.255.250", false)]
    [InlineData("255.255.255.255", false)]
    [InlineData("8.8.8.8", true)]
    [InlineData("93.184.216.34", true)]
    [InlineData("::1", false)]
    [InlineData("::", false)]
    [InlineData("fc00::1", false)]
    [InlineData("fd00:ec2::254", false)]
    [InlineData("fe80::1", false)]
    [InlineData("ff02::1", false)]
    [InlineData("::ffff:127.0.0.1", false)]
    [InlineData("::ffff:10.1.2.3", false)]
    [InlineData("::ffff:169.254.169.254", false)]
    [InlineData("::ffff:8.8.8.8", true)]
    [InlineData("::127.0.0.1", false)]
    [InlineData("2002:7f00:1::", false)]
    [InlineData("64:ff9b::a00:1", false)]
    [InlineData("2001:4860:4860::8888", true)]
    [InlineData("2606:4700:4700::1111", true)]
    public void IsAllowed_DefaultGuard_BlocksInternalAddresses(string address, bool allowed)
    {
        var guard = new WebhookSsrfGuard(new WebhookSsrfOptions());

        Assert.Equal(allowed, guard.IsAllowed(IPAddress.Parse(address)));
    }

    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("::ffff:127.0.0.1", true)]
    [InlineData("127.0.0.2", false)]
    [InlineData("10.1.2.3", true)]
    [InlineData("10.2.0.1", false)]
    public void IsAllowed_AllowList_OpensOnlyListedNetworks(string address, bool allowed)
    {
        var options = new WebhookSsrfOptions();
        options.AllowedNetworks.Add("127.0.0.1/32");
        options.AllowedNetworks.Add("10.1.0.0/16");
        var guard = new WebhookSsrfGuard(options);

        Assert.Equal(allowed, guard.IsAllowed(IPAddress.Parse(address)));
    }
}

/// <summary>The real named client against a real Kestrel receiver on loopback.</summary>
public sealed class WebhookHttpClientTests : IAsyncLifetime
{
    private readonly int _port = FreePort.Next();
    private WebApplication _receiver = null!;
    private int _hits;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{_port}");
        builder.Logging.ClearProviders();
        _receiver = builder.Build();
        _receiver.MapPost("/ok", () =>
        {
            Interlocked.Increment(ref _hits);
            return Results.Ok();
        });
        _receiver.MapPost("/redirect", () => Results.Redirect($"http://127.0.0.1:{_port}/ok", permanent: false, preserveMethod: true));
        await _receiver.StartAsync();
    }

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("localhost")]
    public async Task Deliver_LoopbackWithoutAllowList_BlockedAtConnect(string host)
    {
        var (processor, store) = Build(allow: false);
        var attempt = await DeliverOnceAsync(processor, store, $"http://{host}:{_port}/ok");

        Assert.Equal(WebhookAttemptOutcome.Blocked, attempt.Outcome);
        Assert.Equal(0, _hits);
    }

    [Fact]
    public async Task Deliver_AllowListedLoopback_Delivered()
    {
        var (processor, store) = Build(allow: true);
        var attempt = await DeliverOnceAsync(processor, store, $"http://127.0.0.1:{_port}/ok");

        Assert.Equal(WebhookAttemptOutcome.Succeeded, attempt.Outcome);
        Assert.Equal(1, _hits);
    }

    [Fact]
    public async Task Deliver_Redirect_NotFollowed()
    {
        var (processor, store) = Build(allow: true);
        var attempt = await DeliverOnceAsync(processor, store, $"http://127.0.0.1:{_port}/redirect");

        Assert.Equal(WebhookAttemptOutcome.HttpError, attempt.Outcome);
        Assert.Equal(307, attempt.StatusCode);
        Assert.Equal(0, _hits);
    }

    private static (WebhookDeliveryProcessor Processor, InMemoryWebhookStoreForTesting Store) Build(bool allow)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddWebhooks(o =>
        {
            o.RequireHttps = false;
            if (allow)
            {
                o.Ssrf.AllowedNetworks.Add("127.0.0.1/32");
            }
        }).UseInMemoryStoreForTesting();
        var provider = services.BuildServiceProvider();
        return (provider.GetRequiredService<WebhookDeliveryProcessor>(), provider.GetRequiredService<InMemoryWebhookStoreForTesting>());
    }

    private static async Task<WebhookAttempt> DeliverOnceAsync(WebhookDeliveryProcessor processor, InMemoryWebhookStoreForTesting store, string url)
    {
        await store.CreateAsync(new WebhookEndpoint { Id = "ep", Url = url, Events = ["*"], Secrets = [new WebhookEndpointSecret(WebhookSecret.Generate().ToString(), null)] }, CancellationToken.None);
        await store.EnqueueAsync(new WebhookMessage("msg_1", "a", "{}"u8.ToArray(), TimeProvider.System.GetUtcNow(), null), ["ep"], null, CancellationToken.None);
        await processor.RunOnceAsync("w", CancellationToken.None);
        return Assert.Single(await store.ListAttemptsAsync("ep", null, 10, CancellationToken.None));
    }
}
