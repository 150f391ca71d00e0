using System.Security.Claims;
using System.Text.Json;

namespace ApiKit.Security.Jwt;

/// <summary>Turns a <see cref="ValidatedJwt"/> into a <see cref="ClaimsPrincipal"/> that keeps the JWT claim names.</summary>
public static class ValidatedJwtPrincipal
{
    /// <summary>The claim type of the subject, which is also the identity's name claim.</summary>
    public const string SubjectClaimType = "sub";

    /// <summary>The claim type of roles, which is also the identity's role claim, so <c>IsInRole</c> works.</summary>
    public const string RoleClaimType = "roles";

    /// <summary>The claim type of permissions.</summary>
    public const string PermissionClaimType = "permissions";

    /// <summary>
    /// Creates a principal whose claims keep the JWT names (no mapping to WS-* URIs): arrays become one claim per
    /// element, numbers and booleans keep their JSON text with the matching <see cref="ClaimValueTypes"/>.
    /// </summary>
    /// <param name="token">The validated token.</param>
    /// <param name="authenticationType">The authentication type (the scheme name).</param>
    /// <returns>The principal.</returns>
    public static ClaimsPrincipal Create(ValidatedJwt token, string authenticationType)
    {
        ArgumentNullException.ThrowIfNull(token);
        var issuer = token.Issuer ?? ClaimsIdentity.DefaultIssuer;
        var claims = new List<Claim>();
        foreach (var (name, value) in token.EnumerateClaims())
        {
            if (value.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in value.EnumerateArray())
                {
                    claims.Add(ToClaim(name, item, issuer));
                }
            }
            else
            {
                claims.Add(ToClaim(name, value, issuer));
            }
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, authenticationType, SubjectClaimType, RoleClaimType));
    }

    private static Claim ToClaim(string name, JsonElement value, string issuer) => value.ValueKind switch
    {
        JsonValueKind.String => new Claim(name, value.GetString()!, ClaimValueTypes.String, issuer),
        JsonValueKind.Number => new Claim(name, value.GetRawText(), value.TryGetInt64(out _) ? ClaimValueTypes.Integer64 : ClaimValueTypes.Double, issuer),
        JsonValueKind.True => new Claim(name, "true", ClaimValueTypes.Boolean, issuer),
        JsonValueKind.False => new Claim(name, "false", ClaimValueTypes.Boolean, issuer),
        _ => new Claim(name, value.GetRawText(), "JSON", issuer),
    };
}
