using Microsoft.Extensions.Options;

namespace ApiKit.Security.Headers;

/// <summary>Refuses header values that contain control or non-ASCII characters (header injection).</summary>
internal sealed class SecurityHeadersOptionsValidator : IValidateOptions<SecurityHeadersOptions>
{
    public ValidateOptionsResult Validate(string? name, SecurityHeadersOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        foreach (var (policyName, policy) in options.Policies.Prepend(new("(default)", options.Default)))
        {
            string?[] values = [policy.ContentSecurityPolicy, policy.FrameOptions, policy.ContentTypeOptions, policy.StrictTransportSecurity, policy.ReferrerPolicy, policy.PermissionsPolicy, policy.CrossOriginOpenerPolicy, policy.CrossOriginResourcePolicy, policy.XssProtection];
            if (!values.All(CompiledSecurityHeaders.IsValidHeaderValue))
            {
                failures.Add($"Security headers policy '{policyName}' has a value with characters outside visible ASCII.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
