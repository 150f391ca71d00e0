using System.ComponentModel.DataAnnotations;
using System.Net;
using Microsoft.Extensions.Options;

namespace ApiKit.Webhooks;

internal sealed class WebhookDeliveryOptionsValidator : IValidateOptions<WebhookDeliveryOptions>
{
    public ValidateOptionsResult Validate(string? name, WebhookDeliveryOptions options)
    {
        var failures = new List<string>();
        if (options.LeaseDuration <= options.AttemptTimeout)
        {
            failures.Add("LeaseDuration must exceed AttemptTimeout, or a delivery could run twice at once.");
        }

        if (options.RetentionPeriod <= TimeSpan.Zero)
        {
            failures.Add("RetentionPeriod must be positive, or null to keep everything.");
        }

        if (options.RetrySchedule.Any(d => d < TimeSpan.Zero))
        {
            failures.Add("RetrySchedule may not hold negative delays.");
        }

        var breakerErrors = new List<ValidationResult>();
        if (!Validator.TryValidateObject(options.CircuitBreaker, new ValidationContext(options.CircuitBreaker), breakerErrors, validateAllProperties: true))
        {
            failures.AddRange(breakerErrors.Select(e => $"CircuitBreaker: {e.ErrorMessage}"));
        }

        foreach (var network in options.Ssrf.AllowedNetworks)
        {
            if (!IPNetwork.TryParse(network, out _))
            {
                failures.Add($"Ssrf.AllowedNetworks: '{network}' is not a CIDR network.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
