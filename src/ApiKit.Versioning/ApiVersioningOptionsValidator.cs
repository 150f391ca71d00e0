using Microsoft.Extensions.Options;

namespace ApiKit.Versioning;

/// <summary>Checks what data annotations cannot: the default version and the keys and dates of the policies.</summary>
internal sealed class ApiVersioningOptionsValidator : IValidateOptions<ApiVersioningOptions>
{
    public ValidateOptionsResult Validate(string? name, ApiVersioningOptions options)
    {
        var failures = new List<string>();
        if (!options.DefaultVersion.IsValid)
        {
            failures.Add("ApiVersioningOptions.DefaultVersion must be a valid version.");
        }

        foreach (var (key, policy) in options.Policies)
        {
            if (!ApiVersion.TryParse(key.AsSpan().Trim(), out _))
            {
                failures.Add($"ApiVersioningOptions.Policies key '{key}' is not a version ('major[.minor]' or 'yyyy-MM-dd').");
            }

            if (policy.Deprecation is { } deprecation && policy.Sunset is { } sunset && sunset < deprecation)
            {
                failures.Add($"ApiVersioningOptions.Policies['{key}'].Sunset must not be before its Deprecation (RFC 9745 section 4).");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
