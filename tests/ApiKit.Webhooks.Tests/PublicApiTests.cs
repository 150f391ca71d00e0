namespace ApiKit.Webhooks.Tests;

public sealed class PublicApiTests
{
    [Fact]
    public void PublicApi_Webhooks_MatchesGoldenFile() =>
        ApiKit.Testing.PublicApi.AssertMatchesGolden("ApiKit.Webhooks", typeof(PublicApiTests).Assembly);

    [Fact]
    public void PublicApi_WebhooksRedis_MatchesGoldenFile() =>
        ApiKit.Testing.PublicApi.AssertMatchesGolden("ApiKit.Webhooks.Redis", typeof(PublicApiTests).Assembly);
}
