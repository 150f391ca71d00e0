using ApiKit.Testing;

namespace ApiKit.Webhooks.Tests.Delivery;

public sealed class EndpointCacheTests
{
    private static readonly WebhookEndpoint Endpoint = new() { Id = "ep_1", Url = "https://example.com/hook", Events = ["*"], Secrets = [] };

    [Fact]
    public void TryGet_WithinDuration_Cached()
    {
        var time = new ManualTimeProvider();
        var cache = new EndpointCache(time);
        cache.Set("ep_1", Endpoint);
        time.Advance(EndpointCache.Duration - TimeSpan.FromMilliseconds(1));

        Assert.True(cache.TryGet("ep_1", 0, out var endpoint));
        Assert.Same(Endpoint, endpoint);
        Assert.False(cache.TryGet("ep_2", 0, out _));
    }

    [Fact]
    public void TryGet_AfterDuration_ReadAgain()
    {
        var time = new ManualTimeProvider();
        var cache = new EndpointCache(time);
        cache.Set("ep_1", Endpoint);
        time.Advance(EndpointCache.Duration);

        Assert.False(cache.TryGet("ep_1", 0, out _));
    }

    [Fact]
    public void TryGet_ProcessorChangedAnEndpoint_AllReadAgain()
    {
        var cache = new EndpointCache(new ManualTimeProvider());
        cache.Set("ep_1", Endpoint);
        cache.Set("ep_gone", null);

        Assert.True(cache.TryGet("ep_gone", 0, out var gone));
        Assert.Null(gone);
        Assert.False(cache.TryGet("ep_1", 1, out _));
        Assert.False(cache.TryGet("ep_gone", 1, out _));
    }
}
