using System.Globalization;
using System.Security.Claims;

namespace ChatApi.Auth;

/// <summary>Reads the acting user from the authenticated principal (API key owner or token subject).</summary>
internal static class CurrentUser
{
    /// <summary>The subject claim of a JWT, kept as is when the JWT handler does not map it.</summary>
    public const string SubjectClaimType = "sub";

    /// <summary>Returns the id of the authenticated user; endpoints that call it require authentication.</summary>
    public static Guid Id(this ClaimsPrincipal principal)
    {
        var value = principal.FindFirstValue(ClaimTypes.NameIdentifier) ?? principal.FindFirstValue(SubjectClaimType);
        return Guid.TryParse(value, CultureInfo.InvariantCulture, out var id)
            ? id
            : throw new InvalidOperationException("The principal carries no user id; the endpoint must require authentication.");
    }

    /// <summary>Returns the id as the string the credential stores key by.</summary>
    public static string Key(Guid userId) => userId.ToString("D", CultureInfo.InvariantCulture);
}
