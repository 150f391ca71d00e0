namespace ApiKit.Resilience.Tests;

public sealed class PublicApiTests
{
    [Fact]
    public void PublicApi_Resilience_MatchesGoldenFile() =>
        ApiKit.Testing.PublicApi.AssertMatchesGolden("ApiKit.Resilience", typeof(PublicApiTests).Assembly);

    [Fact]
    public void PublicApi_ResilienceRedis_MatchesGoldenFile() =>
        ApiKit.Testing.PublicApi.AssertMatchesGolden("ApiKit.Resilience.Redis", typeof(PublicApiTests).Assembly);
}
