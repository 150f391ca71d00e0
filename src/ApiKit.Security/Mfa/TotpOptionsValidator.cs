using Microsoft.Extensions.Options;

namespace ApiKit.Security.Mfa;

internal sealed class TotpOptionsValidator : IValidateOptions<TotpOptions>
{
    public ValidateOptionsResult Validate(string? name, TotpOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Issuer) || options.Issuer.Contains(':', StringComparison.Ordinal))
        {
            failures.Add($"{nameof(options.Issuer)} must be a non-empty name without ':'.");
        }

        if (!Enum.IsDefined(options.Algorithm))
        {
            failures.Add($"{nameof(options.Algorithm)} '{options.Algorithm}' is not a TOTP algorithm.");
        }

        Check(failures, options.Digits, 6, 8, nameof(options.Digits));
        Check(failures, options.PeriodSeconds, 15, 300, nameof(options.PeriodSeconds));
        Check(failures, options.AllowedDriftSteps, 0, 5, nameof(options.AllowedDriftSteps));
        Check(failures, options.SecretLength, 16, 64, nameof(options.SecretLength));
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Check(List<string> failures, int value, int min, int max, string name)
    {
        if (value < min || value > max)
        {
            failures.Add($"{name} is {value}; it must be between {min} and {max}.");
        }
    }
}
