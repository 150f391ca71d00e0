using System.IdentityModel.Tokens.Jwt;
using System.Security.Claims;
using System.Text;
using ApiKit.Security.Jwt;
using Microsoft.IdentityModel.Tokens;

namespace ApiKit.Security.Tests.Jwt;

/// <summary>Round trips in both directions with System.IdentityModel.Tokens.Jwt 6.8.0, an independent implementation.</summary>
public sealed class InteropTests
{
    public static TheoryData<JwsAlgorithm> Algorithms => new() { JwsAlgorithm.RS256, JwsAlgorithm.PS256, JwsAlgorithm.ES256 };

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void Validate_TokenIssuedBySystemIdentityModel_IsValidWithClaims(JwsAlgorithm algorithm)
    {
        // SIT.Jwt reads the wall clock, so both sides start at the real time.
        var kit = new JwtTestKit(algorithm, start: DateTimeOffset.UtcNow);
        var handler = new JwtSecurityTokenHandler();
        var header = new JwtHeader(new SigningCredentials(SecurityKeyOf(kit.Key), SitAlgorithm(algorithm)));
        header["typ"] = "at+jwt";
        var now = kit.Time.GetUtcNow().UtcDateTime;
        var payload = new JwtPayload(JwtTestKit.Issuer, JwtTestKit.Audience, [new Claim("sub", "user-7"), new Claim("scope", "read:messages write:messages")], now, now.AddMinutes(5), now)
        {
            ["roles"] = new[] { "user", "moderator" },
            ["permissions"] = new[] { "message:create", "room:join" },
            ["tenant"] = "acme",
        };
        var token = handler.WriteToken(new JwtSecurityToken(header, payload));

        var result = kit.Validator.Validate(token);

        Assert.Equal(JwtValidationError.None, result.Error);
        Assert.Equal("user-7", result.Token!.Subject);
        Assert.Equal(["user", "moderator"], result.Token.Roles);
        Assert.Equal(["message:create", "room:join"], result.Token.Permissions);
        Assert.Equal("read:messages write:messages", result.Token.Scope);
        Assert.True(result.Token.TryGetClaim("tenant", out var tenant) && tenant.GetString() == "acme");
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void Issue_TokenValidatedBySystemIdentityModel_HasClaims(JwsAlgorithm algorithm)
    {
        var kit = new JwtTestKit(algorithm, start: DateTimeOffset.UtcNow);
        var token = kit.Issue(d =>
        {
            d.Subject = "user-9";
            d.Roles.Add("admin");
            d.Permissions.Add("settings:update");
            d.Audiences.Add(JwtTestKit.Audience);
            d.Audiences.Add("mobile");
            d.Claims["tenant"] = "acme";
        });
        var handler = new JwtSecurityTokenHandler();
        handler.InboundClaimTypeMap.Clear();
        var parameters = new TokenValidationParameters
        {
            ValidIssuer = JwtTestKit.Issuer,
            ValidAudience = JwtTestKit.Audience,
            IssuerSigningKey = SecurityKeyOf(kit.Key),
            ValidAlgorithms = [SitAlgorithm(algorithm)],
            ClockSkew = TimeSpan.Zero,
        };

        var principal = handler.ValidateToken(token, parameters, out var validated);

        var jwt = Assert.IsType<JwtSecurityToken>(validated);
        Assert.Equal("at+jwt", jwt.Header.Typ);
        Assert.Equal(kit.Key.KeyId, jwt.Header.Kid);
        Assert.Equal("user-9", principal.FindFirst("sub")!.Value);
        Assert.Equal("admin", principal.FindFirst("roles")!.Value);
        Assert.Equal("settings:update", principal.FindFirst("permissions")!.Value);
        Assert.Equal([JwtTestKit.Audience, "mobile"], jwt.Audiences);
        Assert.Equal("acme", principal.FindFirst("tenant")!.Value);
    }

    [Fact]
    public void Issue_Header_WritesTypeAndNonAsciiClaimsUnescaped()
    {
        var kit = new JwtTestKit(JwsAlgorithm.ES256);
        var token = kit.Issue(d => d.Claims["display_name"] = "Zoë");

        var parts = token.Split('.');
        var header = Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(parts[0]));
        var payload = Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(parts[1]));

        Assert.Contains("\"typ\":\"at+jwt\"", header, StringComparison.Ordinal);
        Assert.Contains("\"display_name\":\"Zoë\"", payload, StringComparison.Ordinal);
        Assert.Equal(JwtValidationError.None, kit.Validator.Validate(token).Error);
    }

    private static SecurityKey SecurityKeyOf(JwtSigningKey key) => key.Algorithm == JwsAlgorithm.ES256
        ? new ECDsaSecurityKey(key.ECDsa!) { KeyId = key.KeyId }
        : new RsaSecurityKey(key.Rsa!) { KeyId = key.KeyId };

    private static string SitAlgorithm(JwsAlgorithm algorithm) => algorithm switch
    {
        JwsAlgorithm.RS256 => SecurityAlgorithms.RsaSha256,
        JwsAlgorithm.PS256 => SecurityAlgorithms.RsaSsaPssSha256,
        _ => SecurityAlgorithms.EcdsaSha256,
    };
}
