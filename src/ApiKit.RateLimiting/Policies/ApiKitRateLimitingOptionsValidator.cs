using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace ApiKit.RateLimiting;

/// <summary>Validates the whole option tree, including every limit, partition name and network.</summary>
internal sealed class ApiKitRateLimitingOptionsValidator : IValidateOptions<ApiKitRateLimitingOptions>
{
    private static readonly HashSet<string> BuiltInPartitions = new(
        [RateLimitPartitions.User, RateLimitPartitions.ClientIp, RateLimitPartitions.ApiKey, RateLimitPartitions.Endpoint, RateLimitPartitions.Global],
        StringComparer.OrdinalIgnoreCase);

    public ValidateOptionsResult Validate(string? name, ApiKitRateLimitingOptions options)
    {
        var failures = new List<string>();
        Annotations(options, "options", failures);
        Annotations(options.ClientIp, "ClientIp", failures);
        if (options.DefaultPolicy is { } fallback && !options.Policies.ContainsKey(fallback))
        {
            failures.Add($"DefaultPolicy '{fallback}' is not a policy.");
        }

        if (string.IsNullOrWhiteSpace(options.ApiKeyHeader) || string.IsNullOrWhiteSpace(options.ClientIp.ForwardedForHeader) || string.IsNullOrWhiteSpace(options.UserClaimType))
        {
            failures.Add("ApiKeyHeader, UserClaimType and ClientIp.ForwardedForHeader must not be empty.");
        }

        foreach (var network in options.ClientIp.TrustedProxies.Concat(options.AllowList.ClientNetworks).Concat(options.DenyList.ClientNetworks))
        {
            if (!NetworkList.TryParseEntry(network.Trim(), out _))
            {
                failures.Add($"'{network}' is neither an IP address nor a CIDR network.");
            }
        }

        foreach (var (policyName, policy) in options.Policies)
        {
            if (policy.Limits.Count is 0 or > RateLimitPolicyOptions.MaxLimits)
            {
                failures.Add($"Policy '{policyName}' must have between 1 and {RateLimitPolicyOptions.MaxLimits} limits.");
            }

            if (policy.Limits.Select(l => l.Name).Distinct(StringComparer.Ordinal).Count() != policy.Limits.Count)
            {
                failures.Add($"Policy '{policyName}' has two limits with the same name.");
            }

            foreach (var limit in policy.Limits)
            {
                Annotations(limit, $"Policy '{policyName}' limit '{limit.Name}'", failures);
                foreach (var part in limit.PartitionBy.Split('+', StringSplitOptions.TrimEntries))
                {
                    if (!BuiltInPartitions.Contains(part) && !options.CustomPartitions.ContainsKey(part))
                    {
                        failures.Add($"Policy '{policyName}' limit '{limit.Name}': unknown partition '{part}'.");
                    }
                }
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Annotations(object instance, string path, List<string> failures)
    {
        var results = new List<ValidationResult>();
        if (!Validator.TryValidateObject(instance, new ValidationContext(instance), results, validateAllProperties: true))
        {
            failures.AddRange(results.Select(r => $"{path}: {r.ErrorMessage}"));
        }
    }
}
