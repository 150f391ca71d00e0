using ChatApi.Data;
using ChatApi.Infrastructure;
using ChatApi.Webhooks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Options;

namespace ChatApi.Tests.Webhooks;

public sealed class WebhookOptionsTests
{
    [Theory]
    [InlineData("ApiKit:Webhooks:AttemptTimeout", "00:00:00", "AttemptTimeout")]
    [InlineData("ApiKit:Webhooks:Ssrf:AllowedNetworks:0", "not a network", "AllowedNetworks")]
    [InlineData("ApiKit:Resilience:Http:Webhooks:AttemptTimeout", "00:01:00", "AttemptTimeout must not be longer than TotalRequestTimeout")]
    [InlineData("ApiKit:Resilience:Http:Webhooks:CircuitBreaker:FailureRatio", "2", "FailureRatio")]
    public void InvalidWebhookConfiguration_FailsStartUpValidation(string key, string value, string expected)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [key] = value }).Build();
        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddSingleton<IHostEnvironment>(new HostingEnvironment { EnvironmentName = Environments.Production, ContentRootPath = Path.GetTempPath() })
            .AddLogging()
            .AddChatApi()
            .AddChatSqliteStorage()
            .AddChatWebhooks(configuration);
        using var provider = services.BuildServiceProvider();

        // IStartupValidator is what ValidateOnStart hooks into: the host runs it before it starts anything. Several
        // options may fail together (the pipeline's timeouts follow the delivery's), then they come aggregated.
        var exception = Assert.ThrowsAny<Exception>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        var failures = exception is AggregateException aggregate ? aggregate.Flatten().InnerExceptions : [exception];
        Assert.All(failures, failure => Assert.IsType<OptionsValidationException>(failure));
        Assert.Contains(failures, failure => failure.Message.Contains(expected, StringComparison.Ordinal));
    }
}
