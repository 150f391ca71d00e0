namespace ApiKit.Security.Jwt;

/// <summary>What goes into an access token issued by <see cref="IJwtIssuer"/>.</summary>
public sealed class JwtTokenDescriptor
{
    /// <summary>Gets or sets the <c>sub</c> claim.</summary>
    /// <value><see langword="null"/> by default.</value>
    public string? Subject { get; set; }

    /// <summary>Gets the <c>aud</c> values; when empty the first of <see cref="JwtOptions.Audiences"/> is used. One value is written as a string, several as an array.</summary>
    /// <value>Empty by default.</value>
    public IList<string> Audiences { get; } = [];

    /// <summary>Gets or sets the lifetime; <see cref="JwtOptions.AccessTokenLifetime"/> when <see langword="null"/>.</summary>
    /// <value><see langword="null"/> by default.</value>
    public TimeSpan? Lifetime { get; set; }

    /// <summary>Gets or sets the <c>nbf</c> claim; the issue time when <see langword="null"/>.</summary>
    /// <value><see langword="null"/> by default.</value>
    public DateTimeOffset? NotBefore { get; set; }

    /// <summary>Gets or sets the <c>jti</c> claim; 128 random bits when <see langword="null"/>.</summary>
    /// <value><see langword="null"/> by default.</value>
    public string? JwtId { get; set; }

    /// <summary>Gets or sets the <c>scope</c> claim (space-separated).</summary>
    /// <value><see langword="null"/> by default.</value>
    public string? Scope { get; set; }

    /// <summary>Gets the <c>roles</c> claim.</summary>
    /// <value>Empty by default (not written).</value>
    public IList<string> Roles { get; } = [];

    /// <summary>Gets the <c>permissions</c> claim.</summary>
    /// <value>Empty by default (not written).</value>
    public IList<string> Permissions { get; } = [];

    /// <summary>Gets custom claims: strings, booleans, numbers, string arrays or <see cref="System.Text.Json.JsonElement"/> values. Registered claim names are refused.</summary>
    /// <value>Empty by default.</value>
    public IDictionary<string, object?> Claims { get; } = new Dictionary<string, object?>(StringComparer.Ordinal);
}
