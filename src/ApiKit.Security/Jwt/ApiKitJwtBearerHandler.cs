using System.Text;
using System.Text.Encodings.Web;
using ApiKit.Security.Telemetry;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace ApiKit.Security.Jwt;

/// <summary>
/// Authenticates <c>Authorization: Bearer</c> requests with <see cref="IJwtValidator"/> and answers challenges per
/// RFC 6750 section 3: no token gives a bare <c>Bearer</c> challenge, a rejected token gives
/// <c>error="invalid_token"</c> with a fixed description of the error code.
/// </summary>
internal sealed partial class ApiKitJwtBearerHandler : AuthenticationHandler<ApiKitJwtBearerOptions>
{
    private readonly IJwtValidator _validator;
    private JwtValidationError _error;
    private bool _invalidRequest;

    public ApiKitJwtBearerHandler(IOptionsMonitor<ApiKitJwtBearerOptions> options, ILoggerFactory logger, UrlEncoder encoder, IJwtValidator validator)
        : base(options, logger, encoder) => _validator = validator;

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var headers = Request.Headers.Authorization;
        if (headers.Count == 0)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        // RFC 6750 2.1: one credential per request; several Authorization headers are an invalid request.
        if (headers.Count > 1)
        {
            _invalidRequest = true;
            return Task.FromResult(AuthenticateResult.Fail("More than one Authorization header."));
        }

        var value = headers[0].AsSpan();
        if (!value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        JwtValidationResult result;
        using (var activity = SecurityTelemetry.ActivitySource.StartActivity(SecurityTelemetry.JwtValidateActivity))
        {
            result = _validator.Validate(value[7..].Trim(' '));
            JwtTelemetry.RecordAuthentication(activity, result.Error);
        }

        if (!result.IsValid)
        {
            _error = result.Error;
            LogRejected(Logger, Scheme.Name, result.Error);
            return Task.FromResult(AuthenticateResult.Fail(JwtValidationResult.Describe(result.Error)));
        }

        var principal = ValidatedJwtPrincipal.Create(result.Token!, Scheme.Name);
        var properties = new AuthenticationProperties { ExpiresUtc = result.Token!.ExpiresAt, IssuedUtc = result.Token.IssuedAt };
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, properties, Scheme.Name)));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        _ = await HandleAuthenticateOnceSafeAsync().ConfigureAwait(false);
        Response.StatusCode = _invalidRequest ? StatusCodes.Status400BadRequest : StatusCodes.Status401Unauthorized;
        var challenge = new StringBuilder("Bearer");
        var separator = " ";
        if (Options.Realm is { } realm)
        {
            challenge.Append(separator).Append("realm=\"").Append(Quote(realm)).Append('"');
            separator = ", ";
        }

        if (_invalidRequest)
        {
            challenge.Append(separator).Append("error=\"invalid_request\"");
        }
        else if (_error != JwtValidationError.None)
        {
            challenge.Append(separator).Append("error=\"invalid_token\"");
            if (Options.IncludeErrorDescription)
            {
                challenge.Append(", error_description=\"").Append(JwtValidationResult.Describe(_error)).Append('"');
            }
        }

        Response.Headers.Append(HeaderNames.WWWAuthenticate, challenge.ToString());
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;

        // RFC 6750 3.1: a valid token without the needed privileges is insufficient_scope.
        Response.Headers.Append(HeaderNames.WWWAuthenticate, "Bearer error=\"insufficient_scope\"");
        return Task.CompletedTask;
    }

    private static string Quote(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Bearer token rejected by scheme {Scheme}: {Error}")]
    private static partial void LogRejected(ILogger logger, string scheme, JwtValidationError error);
}
