using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ApiKit.Security.ApiKeys;

/// <summary>
/// Authenticates requests by the API key in <see cref="ApiKeyAuthenticationOptions.HeaderName"/>. The principal carries
/// the owner as name identifier and name, the key id, and one <c>scope</c> claim per scope. A refused key gets a 401
/// with an RFC 9457 problem that says why (missing, malformed, unknown, revoked, expired).
/// </summary>
internal sealed partial class ApiKeyAuthenticationHandler(
    IOptionsMonitor<ApiKeyAuthenticationOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiKeyManager manager)
    : AuthenticationHandler<ApiKeyAuthenticationOptions>(options, logger, encoder)
{
    private string? _failure;

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var values = Request.Headers[Options.HeaderName];
        if (values.Count == 0)
        {
            return AuthenticateResult.NoResult();
        }

        if (values.Count > 1)
        {
            return Fail("More than one API key was sent.");
        }

        var result = await manager.ValidateAsync(values[0]?.Trim(), Context.RequestAborted).ConfigureAwait(false);
        if (result.Status != ApiKeyValidationStatus.Valid)
        {
            LogRefused(Logger, result.Status, result.Record?.KeyId);
            return Fail(result.Status switch
            {
                ApiKeyValidationStatus.Malformed => "The API key is malformed.",
                ApiKeyValidationStatus.ChecksumMismatch => "The API key is mistyped or truncated (checksum mismatch).",
                ApiKeyValidationStatus.Revoked => "The API key has been revoked.",
                ApiKeyValidationStatus.Expired => "The API key has expired.",
                _ => "The API key is not valid.",
            });
        }

        var record = result.Record!;
        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, record.OwnerId),
            new(ClaimTypes.Name, record.OwnerId),
            new(ApiKeyDefaults.KeyIdClaimType, record.KeyId),
        };
        claims.AddRange(record.Scopes.Select(scope => new Claim(ApiKeyDefaults.ScopeClaimType, scope)));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, Scheme.Name, ClaimTypes.Name, ClaimTypes.Role));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, Scheme.Name));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = $"{Scheme.Name} header=\"{Options.HeaderName}\"";
        var problem = new ProblemDetails
        {
            Status = StatusCodes.Status401Unauthorized,
            Title = "Unauthorized",
            Type = "https://tools.ietf.org/html/rfc9110#section-15.5.2",
            Detail = _failure ?? $"An API key is required in the {Options.HeaderName} header.",
        };
        var problems = Context.RequestServices.GetService<IProblemDetailsService>();
        if (problems is null || !await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = Context, ProblemDetails = problem }).ConfigureAwait(false))
        {
            await Results.Problem(problem).ExecuteAsync(Context).ConfigureAwait(false);
        }
    }

    private AuthenticateResult Fail(string reason)
    {
        _failure = reason;
        return AuthenticateResult.Fail(reason);
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "API key refused: {Status} (key id {KeyId}).")]
    private static partial void LogRefused(ILogger logger, ApiKeyValidationStatus status, string? keyId);
}
