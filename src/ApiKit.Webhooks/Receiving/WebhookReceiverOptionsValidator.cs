using Microsoft.Extensions.Options;

namespace ApiKit.Webhooks;

/// <summary>Refuses malformed secrets at start-up rather than at the first request.</summary>
internal sealed class WebhookReceiverOptionsValidator : IValidateOptions<WebhookReceiverOptions>
{
    public ValidateOptionsResult Validate(string? name, WebhookReceiverOptions options)
    {
        for (var i = 0; i < options.Secrets.Count; i++)
        {
            if (!WebhookSecret.TryParse(options.Secrets[i], out _))
            {
                return ValidateOptionsResult.Fail($"WebhookReceiverOptions '{name}': Secrets[{i}] is not a '{WebhookSecret.Prefix}' secret of {WebhookSecret.MinKeyBytes} to {WebhookSecret.MaxKeyBytes} base64 bytes.");
            }
        }

        return ValidateOptionsResult.Success;
    }
}
