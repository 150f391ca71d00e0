using Microsoft.AspNetCore.Authentication;

namespace ApiKit.Security.Jwt;

/// <summary>Options of the bearer authentication scheme added by <c>AddApiKitJwtBearer</c>.</summary>
public sealed class ApiKitJwtBearerOptions : AuthenticationSchemeOptions
{
    /// <summary>Gets or sets the <c>realm</c> attribute of <c>WWW-Authenticate</c> (RFC 6750 section 3).</summary>
    /// <value><see langword="null"/> (no realm).</value>
    public string? Realm { get; set; }

    /// <summary>Gets or sets a value indicating whether <c>error_description</c> is sent. Descriptions are fixed texts per error code and never echo the token.</summary>
    /// <value><see langword="true"/>.</value>
    public bool IncludeErrorDescription { get; set; } = true;
}
