using System.Globalization;
using ApiKit.Security.Jwt;
using ApiKit.Security.Tokens;
using ChatApi.Data;
using Microsoft.Extensions.Options;

namespace ChatApi.Auth;

/// <summary>Issues the access token (a JWT with the user id as <c>sub</c> and the role in <c>roles</c>) with its refresh token.</summary>
internal sealed class TokenFactory(IJwtIssuer issuer, IRefreshTokenService refreshTokens, IOptions<JwtOptions> jwtOptions)
{
    public async Task<TokenResponse> IssueAsync(UserRecord user, string role, string? secondFactor, CancellationToken cancellationToken)
    {
        var refresh = await refreshTokens.IssueAsync(CurrentUser.Key(user.Id), cancellationToken);
        return Create(user, role, secondFactor, refresh);
    }

    public TokenResponse Create(UserRecord user, string role, string? secondFactor, RefreshTokenResult refresh)
    {
        var descriptor = new JwtTokenDescriptor
        {
            Subject = CurrentUser.Key(user.Id),
            JwtId = Guid.NewGuid().ToString("N", CultureInfo.InvariantCulture),
        };
        descriptor.Roles.Add(role);
        return new TokenResponse(
            issuer.Issue(descriptor),
            "Bearer",
            (int)jwtOptions.Value.AccessTokenLifetime.TotalSeconds,
            refresh.Token!,
            refresh.ExpiresAt!.Value,
            user.Id,
            user.Username,
            role,
            secondFactor);
    }
}
