using System.Text.Json;

namespace ApiKit.Security.Jwt;

/// <summary>
/// A token whose signature, header and registered claims have been validated. Registered claims are materialised on
/// first access, so validation itself allocates only this object and a copy of the claims set.
/// </summary>
public sealed class ValidatedJwt
{
    private readonly byte[] _payload;
    private volatile ParsedClaims? _claims;

    internal ValidatedJwt(byte[] payload, JwtSigningKey key, long expires, long? notBefore, long? issuedAt)
    {
        _payload = payload;
        Key = key;
        ExpiresUnixSeconds = expires;
        NotBeforeUnixSeconds = notBefore;
        IssuedAtUnixSeconds = issuedAt;
    }

    /// <summary>Gets the id of the key that verified the token.</summary>
    public string KeyId => Key.KeyId;

    /// <summary>Gets the token's algorithm.</summary>
    public JwsAlgorithm Algorithm => Key.Algorithm;

    /// <summary>Gets the <c>exp</c> claim; <see cref="DateTimeOffset.MaxValue"/> when absent and not required.</summary>
    public DateTimeOffset ExpiresAt => ExpiresUnixSeconds == long.MaxValue ? DateTimeOffset.MaxValue : DateTimeOffset.FromUnixTimeSeconds(ExpiresUnixSeconds);

    /// <summary>Gets the <c>nbf</c> claim, if any.</summary>
    public DateTimeOffset? NotBefore => NotBeforeUnixSeconds is { } v ? DateTimeOffset.FromUnixTimeSeconds(v) : null;

    /// <summary>Gets the <c>iat</c> claim, if any.</summary>
    public DateTimeOffset? IssuedAt => IssuedAtUnixSeconds is { } v ? DateTimeOffset.FromUnixTimeSeconds(v) : null;

    /// <summary>Gets the <c>sub</c> claim.</summary>
    public string? Subject => Claims.Subject;

    /// <summary>Gets the <c>iss</c> claim.</summary>
    public string? Issuer => Claims.Issuer;

    /// <summary>Gets the <c>aud</c> claim, whether it was a string or an array.</summary>
    public IReadOnlyList<string> Audiences => Claims.Audiences;

    /// <summary>Gets the <c>jti</c> claim.</summary>
    public string? JwtId => Claims.JwtId;

    /// <summary>Gets the <c>scope</c> claim (space-separated, RFC 8693 section 4.2).</summary>
    public string? Scope => Claims.Scope;

    /// <summary>Gets the <c>roles</c> claim.</summary>
    public IReadOnlyList<string> Roles => Claims.Roles;

    /// <summary>Gets the <c>permissions</c> claim.</summary>
    public IReadOnlyList<string> Permissions => Claims.Permissions;

    /// <summary>Gets the raw JSON claims set (UTF-8).</summary>
    public ReadOnlyMemory<byte> PayloadUtf8 => _payload;

    internal JwtSigningKey Key { get; }

    internal long ExpiresUnixSeconds { get; }

    internal long? NotBeforeUnixSeconds { get; }

    internal long? IssuedAtUnixSeconds { get; }

    private ParsedClaims Claims => _claims ??= new ParsedClaims(_payload);

    /// <summary>Gets any claim of the claims set, registered or custom.</summary>
    /// <param name="name">The claim name.</param>
    /// <param name="value">The claim value, detached from the token.</param>
    /// <returns>Whether the claim is present.</returns>
    public bool TryGetClaim(string name, out JsonElement value)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (Claims.All.TryGetProperty(name, out var found))
        {
            value = found;
            return true;
        }

        value = default;
        return false;
    }

    /// <summary>Enumerates every claim of the claims set.</summary>
    /// <returns>The claims as name and JSON value.</returns>
    public IEnumerable<KeyValuePair<string, JsonElement>> EnumerateClaims()
    {
        foreach (var property in Claims.All.EnumerateObject())
        {
            yield return new(property.Name, property.Value);
        }
    }

    private sealed class ParsedClaims
    {
        public ParsedClaims(byte[] payload)
        {
            // The validator already proved the payload is a duplicate-free object with well-typed registered claims.
            All = JsonSerializer.Deserialize(payload, JwtJsonContext.Default.JsonElement);
            Subject = GetString("sub");
            Issuer = GetString("iss");
            JwtId = GetString("jti");
            Scope = GetString("scope");
            Audiences = GetStrings("aud");
            Roles = GetStrings("roles");
            Permissions = GetStrings("permissions");
        }

        public JsonElement All { get; }

        public string? Subject { get; }

        public string? Issuer { get; }

        public string? JwtId { get; }

        public string? Scope { get; }

        public IReadOnlyList<string> Audiences { get; }

        public IReadOnlyList<string> Roles { get; }

        public IReadOnlyList<string> Permissions { get; }

        private string? GetString(string name) =>
            All.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

        private string[] GetStrings(string name)
        {
            if (!All.TryGetProperty(name, out var v))
            {
                return [];
            }

            return v.ValueKind switch
            {
                JsonValueKind.String => [v.GetString()!],
                JsonValueKind.Array => [.. v.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!)],
                _ => [],
            };
        }
    }
}
