using Microsoft.AspNetCore.Authentication;

namespace ApiKit.Security.ApiKeys;

/// <summary>Options of the API key authentication scheme.</summary>
public sealed class ApiKeyAuthenticationOptions : AuthenticationSchemeOptions
{
    /// <summary>Gets or sets the request header that carries the key.</summary>
    /// <value>The default is <see cref="ApiKeyDefaults.HeaderName"/> ("X-API-Key").</value>
    public string HeaderName { get; set; } = ApiKeyDefaults.HeaderName;

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        if (string.IsNullOrWhiteSpace(HeaderName))
        {
            throw new InvalidOperationException($"{nameof(HeaderName)} must be a header name.");
        }
    }
}
