namespace ApiKit.Security.Headers;

/// <summary>The default security-headers policy and named policies that endpoints select with <c>WithSecurityHeaders(name)</c>.</summary>
public sealed class SecurityHeadersOptions
{
    /// <summary>Gets the policy of responses whose endpoint names none (including 404s, errors and 429s).</summary>
    /// <value>The API preset (see <see cref="SecurityHeadersDefaults"/>).</value>
    public SecurityHeadersPolicy Default { get; } = new();

    /// <summary>Gets the named policies.</summary>
    /// <value>Empty by default.</value>
    public Dictionary<string, SecurityHeadersPolicy> Policies { get; } = new(StringComparer.Ordinal);

    /// <summary>Adds a named policy that starts from the defaults.</summary>
    /// <param name="name">The policy name.</param>
    /// <param name="configure">Configures the policy.</param>
    /// <returns>These options.</returns>
    public SecurityHeadersOptions AddPolicy(string name, Action<SecurityHeadersPolicy> configure)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(configure);
        var policy = new SecurityHeadersPolicy();
        configure(policy);
        Policies[name] = policy;
        return this;
    }
}
