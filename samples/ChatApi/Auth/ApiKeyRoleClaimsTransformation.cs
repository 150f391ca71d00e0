using System.Globalization;
using System.Security.Claims;
using ApiKit.Security.ApiKeys;
using ApiKit.Security.Authorization;
using ChatApi.Data;
using Microsoft.AspNetCore.Authentication;

namespace ChatApi.Auth;

/// <summary>
/// A bot's API key acts as its owner: the principal gets the owner's current role (and <c>sub</c>), so the
/// permission matrix and ownership rules apply to bots exactly as to their owner.
/// </summary>
internal sealed class ApiKeyRoleClaimsTransformation(IUserRepository users) : IClaimsTransformation
{
    public async Task<ClaimsPrincipal> TransformAsync(ClaimsPrincipal principal)
    {
        if (principal.Identity is not ClaimsIdentity { IsAuthenticated: true, AuthenticationType: ApiKeyDefaults.AuthenticationScheme } identity
            || identity.HasClaim(c => c.Type == PermissionMatrixDefaults.RoleClaimType)
            || !Guid.TryParse(identity.FindFirst(ClaimTypes.NameIdentifier)?.Value, CultureInfo.InvariantCulture, out var owner))
        {
            return principal;
        }

        // A key whose owner was deleted keeps no role: it authenticates but is granted nothing.
        if (await users.GetRoleAsync(owner, CancellationToken.None) is { } role)
        {
            identity.AddClaim(new Claim(PermissionMatrixDefaults.RoleClaimType, role));
        }

        identity.AddClaim(new Claim(PermissionMatrixDefaults.SubjectClaimType, owner.ToString("D", CultureInfo.InvariantCulture)));
        return principal;
    }
}
