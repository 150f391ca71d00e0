using Microsoft.Extensions.Options;

namespace ChatApi.Tests.Infrastructure;

public sealed class OptionsTests
{
    [Theory]
    [InlineData("10")]
    [InlineData("0")]
    [InlineData("-1")]
    public void InvalidBodyLimit_FailsAtStartUp(string value)
    {
        using var factory = new ChatApiFactory { Settings = new Dictionary<string, string?> { ["ChatApi:MaxRequestBodyBytes"] = value } };

        var exception = Assert.ThrowsAny<Exception>(() => factory.CreateClient());

        Assert.IsType<OptionsValidationException>(exception.GetBaseException());
        Assert.Contains("MaxRequestBodyBytes", exception.GetBaseException().Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConfiguredBodyLimit_IsEnforced()
    {
        using var factory = new ChatApiFactory { Settings = new Dictionary<string, string?> { ["ChatApi:MaxRequestBodyBytes"] = "2048" } };
        var client = factory.CreateClient();

        await client.PostRawAsync("/api/v1/users", $$"""{"username":"abc","email":"a@example.com","displayName":"{{new string('x', 3000)}}"}""")
            .ExpectProblemAsync(System.Net.HttpStatusCode.RequestEntityTooLarge);
    }
}
