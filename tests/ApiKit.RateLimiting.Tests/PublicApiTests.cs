namespace ApiKit.RateLimiting.Tests;

public sealed class PublicApiTests
{
    [Fact]
    public void PublicApi_RateLimiting_MatchesGoldenFile() =>
        ApiKit.Testing.PublicApi.AssertMatchesGolden("ApiKit.RateLimiting", typeof(PublicApiTests).Assembly);

    [Fact]
    public void PublicApi_RateLimitingRedis_MatchesGoldenFile() =>
        ApiKit.Testing.PublicApi.AssertMatchesGolden("ApiKit.RateLimiting.Redis", typeof(PublicApiTests).Assembly);
}
