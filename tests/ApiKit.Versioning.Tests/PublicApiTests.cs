namespace ApiKit.Versioning.Tests;

public sealed class PublicApiTests
{
    [Fact]
    public void PublicApi_Versioning_MatchesGoldenFile() =>
        ApiKit.Testing.PublicApi.AssertMatchesGolden("ApiKit.Versioning", typeof(PublicApiTests).Assembly);
}
