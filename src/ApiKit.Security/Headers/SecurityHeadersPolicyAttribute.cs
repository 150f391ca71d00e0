namespace ApiKit.Security.Headers;

/// <summary>Endpoint metadata that selects a named security-headers policy (see <see cref="SecurityHeadersOptions.Policies"/>).</summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method | AttributeTargets.Delegate, AllowMultiple = false, Inherited = true)]
public sealed class SecurityHeadersPolicyAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="policyName">The policy name.</param>
    public SecurityHeadersPolicyAttribute(string policyName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(policyName);
        PolicyName = policyName;
    }

    /// <summary>Gets the policy name.</summary>
    public string PolicyName { get; }
}
