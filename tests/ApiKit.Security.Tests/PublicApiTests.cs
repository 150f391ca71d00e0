namespace ApiKit.Security.Tests;

public sealed class PublicApiTests
{
    [Fact]
    public void PublicApi_Security_MatchesGoldenFile() =>
        ApiKit.Testing.PublicApi.AssertMatchesGolden("ApiKit.Security", typeof(PublicApiTests).Assembly);
}
