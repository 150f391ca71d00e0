using System.ComponentModel.DataAnnotations;

namespace ApiKit.Security.Jwt;

/// <summary>How access tokens are issued and validated. Bind from configuration (for example the <c>Jwt</c> section).</summary>
public sealed class JwtOptions
{
    /// <summary>Gets or sets the issuer written to <c>iss</c> and required when validating.</summary>
    /// <value>No default; required.</value>
    [Required]
    public string Issuer { get; set; } = string.Empty;

    /// <summary>Gets the accepted audiences; a token is valid when one of its <c>aud</c> values is listed. Issued tokens use the first one unless the descriptor names others.</summary>
    /// <value>Empty by default; at least one is required.</value>
    [MinLength(1)]
    public IList<string> Audiences { get; } = [];

    /// <summary>Gets the accepted algorithms. When empty, <see cref="JwtDefaults.Algorithms"/> apply. HS256 is only accepted when listed here.</summary>
    /// <value>Empty by default (RS256, PS256, ES256).</value>
    public IList<JwsAlgorithm> Algorithms { get; } = [];

    /// <summary>Gets or sets the lifetime of issued access tokens.</summary>
    /// <value><see cref="JwtDefaults.AccessTokenLifetime"/> (15 minutes).</value>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan AccessTokenLifetime { get; set; } = JwtDefaults.AccessTokenLifetime;

    /// <summary>Gets or sets the tolerance applied to <c>exp</c>, <c>nbf</c> and <c>iat</c>.</summary>
    /// <value><see cref="JwtDefaults.ClockSkew"/> (30 seconds).</value>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan ClockSkew { get; set; } = JwtDefaults.ClockSkew;

    /// <summary>Gets or sets the longest token accepted, in characters; longer tokens are rejected before any decoding.</summary>
    /// <value><see cref="JwtDefaults.MaxTokenSize"/> (8192).</value>
    [Range(256, 65_536)]
    public int MaxTokenSize { get; set; } = JwtDefaults.MaxTokenSize;

    /// <summary>Gets or sets the explicit type written to and required in the <c>typ</c> header (RFC 8725 section 3.11). Compared case-insensitively, with an optional <c>application/</c> prefix.</summary>
    /// <value><see cref="JwtDefaults.TokenType"/> (<c>at+jwt</c>).</value>
    [Required]
    public string TokenType { get; set; } = JwtDefaults.TokenType;

    /// <summary>Gets or sets a value indicating whether tokens without the expected <c>typ</c> are rejected.</summary>
    /// <value><see langword="true"/>.</value>
    public bool RequireTokenType { get; set; } = true;

    /// <summary>Gets or sets a value indicating whether tokens without a <c>kid</c> header are rejected. When off, such tokens are tried against every key bound to their algorithm.</summary>
    /// <value><see langword="true"/>.</value>
    public bool RequireKeyId { get; set; } = true;

    /// <summary>Gets or sets a value indicating whether tokens without <c>exp</c> are rejected.</summary>
    /// <value><see langword="true"/>.</value>
    public bool RequireExpiration { get; set; } = true;

    /// <summary>Gets or sets a value indicating whether tokens without <c>aud</c> are rejected. A token that has <c>aud</c> must always name one of <see cref="Audiences"/>.</summary>
    /// <value><see langword="true"/>.</value>
    public bool RequireAudience { get; set; } = true;

    /// <summary>Gets or sets a value indicating whether validated tokens are cached (keyed by a seeded hash of the whole token, a hit confirmed by comparing the whole token), so a repeated token skips the signature check. Entries honour <c>exp</c> and are dropped when the key ring changes.</summary>
    /// <value><see langword="false"/>.</value>
    public bool EnableValidationCache { get; set; }

    /// <summary>Gets or sets the most tokens the validation cache holds.</summary>
    /// <value><see cref="JwtDefaults.ValidationCacheCapacity"/> (10000).</value>
    [Range(1, 10_000_000)]
    public int ValidationCacheCapacity { get; set; } = JwtDefaults.ValidationCacheCapacity;

    internal IReadOnlyList<JwsAlgorithm> EffectiveAlgorithms => Algorithms.Count == 0 ? JwtDefaults.Algorithms : [.. Algorithms];
}
