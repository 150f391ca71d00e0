using Microsoft.Extensions.Options;

namespace ChatApi.Tests.Webhooks;

public sealed class WebhookOptionsTests
{
    [Theory]
    [InlineData("ApiKit:Webhooks:AttemptTimeout", "00:00:00", "AttemptTimeout")]
    [InlineData("ApiKit:Webhooks:Ssrf:AllowedNetworks:0", "not a network", "AllowedNetworks")]
    [InlineData("ApiKit:Resilience:Http:Webhooks:AttemptTimeout", "00:01:00", "AttemptTimeout must not be longer than TotalRequestTimeout")]
    [InlineData("ApiKit:Resilience:Http:Webhooks:CircuitBreaker:FailureRatio", "2", "FailureRatio")]
    public void InvalidWebhookConfiguration_FailsStartUp(string key, string value, string expected)
    {
        using var factory = new ChatApiFactory { Settings = new Dictionary<string, string?> { [key] = value } };

        var exception = Assert.ThrowsAny<Exception>(() => factory.CreateClient());

        var validation = Assert.IsType<OptionsValidationException>(exception is AggregateException aggregate ? aggregate.Flatten().InnerExceptions[0] : exception);
        Assert.Contains(expected, validation.Message, StringComparison.Ordinal);
    }
}
