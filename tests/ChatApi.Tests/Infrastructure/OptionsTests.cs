using ChatApi.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ChatApi.Tests.Infrastructure;

public sealed class OptionsTests
{
    [Theory]
    [InlineData("10")]
    [InlineData("0")]
    [InlineData("-1")]
    public void InvalidBodyLimit_FailsStartUpValidation(string value)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["ChatApi:MaxRequestBodyBytes"] = value })
            .Build();
        using var provider = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddChatApi().BuildServiceProvider();

        // IStartupValidator is what ValidateOnStart hooks into: the host runs it before it starts.
        var exception = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains("MaxRequestBodyBytes", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConfiguredBodyLimit_IsEnforced()
    {
        using var factory = new ChatApiFactory { Settings = new Dictionary<string, string?> { ["ChatApi:MaxRequestBodyBytes"] = "2048" } };
        var client = factory.CreateClient();

        await client.PostRawAsync("/api/v1/auth/register", $$"""{"username":"abc","email":"a@example.com","password":"{{new string('x', 3000)}}"}""")
            .ExpectProblemAsync(System.Net.HttpStatusCode.RequestEntityTooLarge);
    }
}
