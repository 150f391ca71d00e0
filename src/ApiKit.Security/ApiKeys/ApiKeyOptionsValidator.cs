using Microsoft.Extensions.Options;

namespace ApiKit.Security.ApiKeys;

internal sealed class ApiKeyOptionsValidator : IValidateOptions<ApiKeyOptions>
{
    public ValidateOptionsResult Validate(string? name, ApiKeyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.Prefix is null || options.Prefix.Length is < 2 or > 16 || !options.Prefix.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c)))
        {
            failures.Add($"{nameof(options.Prefix)} '{options.Prefix}' must be 2 to 16 lower-case ASCII letters or digits.");
        }

        if (options.DefaultLifetime is { } lifetime && lifetime <= TimeSpan.Zero)
        {
            failures.Add($"{nameof(options.DefaultLifetime)} must be positive or null (no expiry).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
