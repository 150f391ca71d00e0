using System.Security.Claims;
using System.Globalization;
using ApiKit.Security.ApiKeys;
using ApiKit.Security.Mfa;
using ApiKit.Security.Passwords;
using ApiKit.Security.Tokens;
using ChatApi.Data;
using ChatApi.Infrastructure;
using ChatApi.Users;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace ChatApi.Auth;

/// <summary>
/// <c>/api/v1/auth</c>: registration, login with an optional second factor, TOTP enrolment, backup codes and API keys.
/// </summary>
internal static class AuthEndpoints
{
    /// <summary>The scope every API key of the ChatApi carries: act as its owner.</summary>
    public const string ApiKeyScope = "chat";

    public static IEndpointRouteBuilder MapAuthEndpoints(this IEndpointRouteBuilder app)
    {
        var auth = app.MapGroup("/api/auth").WithTags("Authentication");

        // Password and code guessing happen here: these endpoints get the strict limits, not the general API ones.
        auth.MapPost("/register", RegisterAsync).RequireRateLimiting(RateLimitingServiceCollectionExtensions.AuthPolicy).WithName("Register").WithSummary("Creates a user with a password; the username must be unused (409 otherwise).")
            .ProducesProblem(StatusCodes.Status409Conflict).AllowAnonymous();
        auth.MapPost("/login", LoginAsync).RequireRateLimiting(RateLimitingServiceCollectionExtensions.AuthPolicy).WithName("Login").WithSummary("Checks a username and password, plus a TOTP or backup code for users with MFA.")
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status429TooManyRequests).AllowAnonymous();
        auth.MapPost("/refresh", RefreshAsync).RequireRateLimiting(RateLimitingServiceCollectionExtensions.AuthPolicy).WithName("Refresh").WithSummary("Trades a refresh token (once) for new access and refresh tokens; reusing one revokes its whole family.")
            .ProducesProblem(StatusCodes.Status401Unauthorized).AllowAnonymous();
        auth.MapPost("/logout", LogoutAsync).WithName("Logout").WithSummary("Revokes the refresh token and every token rotated from the same login.");

        var mfa = auth.MapGroup("/mfa").RequireAuthorization().RequireRateLimiting(RateLimitingServiceCollectionExtensions.AuthPolicy);
        mfa.MapPost("/totp", EnrollAsync).WithName("EnrollTotp").WithSummary("Starts a TOTP enrolment: returns the otpauth:// URI and backup codes, shown once.")
            .ProducesProblem(StatusCodes.Status409Conflict);
        mfa.MapPost("/totp/confirm", ConfirmAsync).WithName("ConfirmTotp").WithSummary("Confirms the enrolment with a first code from the authenticator app; MFA is on from then.")
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        mfa.MapPost("/backup-codes", RegenerateBackupCodesAsync).WithName("RegenerateBackupCodes").WithSummary("Replaces the backup codes with new ones, shown once.")
            .ProducesProblem(StatusCodes.Status409Conflict);

        var keys = auth.MapGroup("/api-keys").RequireAuthorization();
        keys.MapPost("/", CreateApiKeyAsync).WithName("CreateApiKey").WithSummary("Creates an API key for a bot acting as the current user; the key is shown once.");
        keys.MapGet("/", ListApiKeysAsync).WithName("ListApiKeys").WithSummary("Lists the current user's API keys (never the keys themselves).");
        keys.MapDelete("/{keyId}", RevokeApiKeyAsync).WithName("RevokeApiKey").WithSummary("Revokes one of the current user's API keys at once.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<Results<Created<UserResponse>, ValidationProblem, ProblemHttpResult>> RegisterAsync(
        RegisterRequest request,
        IUserRepository users,
        Argon2idPasswordHasher hasher,
        IOptions<ChatApiOptions> options,
        TimeProvider timeProvider,
        CancellationToken cancellationToken)
    {
        if (request.Validate(hasher.MaxPasswordLength) is { } errors)
        {
            return Problems.Validation(errors);
        }

        var hash = await hasher.HashAsync(request.Password!, cancellationToken);
        var now = timeProvider.GetUtcNow();
        var user = new UserRecord(Guid.CreateVersion7(now), request.Username!, request.Email!, UserRules.NormalizeDisplayName(request.DisplayName), now, now);
        if (await users.CreateAsync(user, hash, cancellationToken) == WriteResult.Duplicate)
        {
            return Problems.Conflict("username_taken", $"The username '{user.Username}' is already taken.");
        }

        if (options.Value.AdminUsernames.Contains(user.Username, StringComparer.OrdinalIgnoreCase))
        {
            await users.SetRoleAsync(user.Id, ChatRoles.Admin, cancellationToken);
        }

        return TypedResults.Created($"/api/v1/users/{user.Id}", UserResponse.From(user));
    }

    private static async Task<Results<Ok<TokenResponse>, ValidationProblem, ProblemHttpResult>> LoginAsync(
        LoginRequest request,
        IUserRepository users,
        Argon2idPasswordHasher hasher,
        UnknownUserPasswordHash unknownUserHash,
        TotpAuthenticator totp,
        BackupCodeManager backupCodes,
        TokenFactory tokens,
        CancellationToken cancellationToken)
    {
        if (request.Validate(hasher.MaxPasswordLength) is { } errors)
        {
            return Problems.Validation(errors);
        }

        var credentials = await users.FindCredentialsAsync(request.Username!, cancellationToken);
        var storedHash = credentials?.PasswordHash ?? await unknownUserHash.GetAsync(cancellationToken);
        var verification = await hasher.VerifyAsync(request.Password!, storedHash, cancellationToken);
        if (credentials?.PasswordHash is null || verification == PasswordVerificationResult.Failed)
        {
            // One answer for an unknown user and a wrong password, so that login does not tell which usernames exist.
            return Problems.Unauthorized("invalid_credentials", "The username or password is wrong.");
        }

        var user = credentials.User;
        if (verification == PasswordVerificationResult.SuccessRehashNeeded)
        {
            await users.SetPasswordHashAsync(user.Id, await hasher.HashAsync(request.Password!, cancellationToken), cancellationToken);
        }

        var key = CurrentUser.Key(user.Id);
        string? secondFactor = null;
        if (await totp.IsEnabledAsync(key, cancellationToken))
        {
            if (request.TotpCode is { } code)
            {
                var result = await totp.VerifyAsync(key, code, cancellationToken);
                if (result != TotpVerificationResult.Success)
                {
                    return MfaFailure(result);
                }

                secondFactor = "totp";
            }
            else if (request.BackupCode is { } backupCode)
            {
                var result = await backupCodes.RedeemAsync(key, backupCode, cancellationToken);
                if (result != BackupCodeRedemptionResult.Success)
                {
                    return result == BackupCodeRedemptionResult.LockedOut
                        ? MfaLockedOut()
                        : Problems.Unauthorized("invalid_backup_code", "The backup code is wrong or has already been used.");
                }

                secondFactor = "backup_code";
            }
            else
            {
                return Problems.Unauthorized("mfa_required", "This account uses two-factor authentication: send 'totpCode' or 'backupCode' with the password.");
            }
        }

        return TypedResults.Ok(await tokens.IssueAsync(user, credentials.Role, secondFactor, cancellationToken));
    }

    private static async Task<Results<Ok<TokenResponse>, ValidationProblem, ProblemHttpResult>> RefreshAsync(
        RefreshRequest request, IRefreshTokenService refreshTokens, IUserRepository users, TokenFactory tokens, CancellationToken cancellationToken)
    {
        if (request.Validate() is { } errors)
        {
            return Problems.Validation(errors);
        }

        var result = await refreshTokens.RotateAsync(request.RefreshToken!, cancellationToken);
        if (!result.Succeeded)
        {
            return result.Status switch
            {
                RefreshTokenStatus.Reused => Problems.Unauthorized("refresh_token_reused", "This refresh token was already used: every token of its login is now revoked. Log in again."),
                RefreshTokenStatus.Revoked => Problems.Unauthorized("refresh_token_revoked", "This refresh token has been revoked (logout or reuse). Log in again."),
                RefreshTokenStatus.Expired => Problems.Unauthorized("refresh_token_expired", "This refresh token has expired. Log in again."),
                _ => Problems.Unauthorized("invalid_refresh_token", "This is not a refresh token issued by this API."),
            };
        }

        // The role is read again, so a role change applies from the next refresh.
        var userId = Guid.Parse(result.Subject!, CultureInfo.InvariantCulture);
        if (await users.GetAsync(userId, cancellationToken) is not { } user || await users.GetRoleAsync(userId, cancellationToken) is not { } role)
        {
            await refreshTokens.RevokeAsync(result.Token!, cancellationToken);
            return Problems.Unauthorized("invalid_refresh_token", "The user of this refresh token no longer exists.");
        }

        return TypedResults.Ok(tokens.Create(user, role, secondFactor: null, result));
    }

    private static async Task<Results<NoContent, ValidationProblem>> LogoutAsync(
        RefreshRequest request, IRefreshTokenService refreshTokens, CancellationToken cancellationToken)
    {
        if (request.Validate() is { } errors)
        {
            return Problems.Validation(errors);
        }

        // Unknown tokens get 204 too: logging out twice is not an error, and the answer reveals nothing.
        await refreshTokens.RevokeAsync(request.RefreshToken!, cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<TotpEnrollmentResponse>, ProblemHttpResult>> EnrollAsync(
        ClaimsPrincipal principal, IUserRepository users, TotpAuthenticator totp, BackupCodeManager backupCodes, CancellationToken cancellationToken)
    {
        var userId = principal.Id();
        if (await users.GetAsync(userId, cancellationToken) is not { } user)
        {
            return UserEndpoints.UserNotFound(userId);
        }

        var key = CurrentUser.Key(userId);
        if (await totp.IsEnabledAsync(key, cancellationToken))
        {
            return Problems.Conflict("mfa_already_enabled", "Two-factor authentication is already enabled for this account.");
        }

        var enrollment = await totp.BeginEnrollmentAsync(key, user.Username, cancellationToken);
        var codes = await backupCodes.GenerateAsync(key, cancellationToken);
        return TypedResults.Ok(new TotpEnrollmentResponse(enrollment.Secret, enrollment.OtpAuthUri, codes));
    }

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> ConfirmAsync(
        MfaCodeRequest request, ClaimsPrincipal principal, TotpAuthenticator totp, CancellationToken cancellationToken)
    {
        if (request.Validate() is { } errors)
        {
            return Problems.Validation(errors);
        }

        var result = await totp.ConfirmEnrollmentAsync(CurrentUser.Key(principal.Id()), request.Code!, cancellationToken);
        return result switch
        {
            TotpVerificationResult.Success => TypedResults.NoContent(),
            TotpVerificationResult.NotEnrolled => Problems.Conflict("no_pending_enrollment", "There is no TOTP enrolment to confirm; start one with POST /api/v1/auth/mfa/totp."),
            TotpVerificationResult.LockedOut => MfaLockedOut(),
            _ => Problems.Unprocessable("invalid_totp_code", "The code does not match the authenticator app; check the device's clock and try the next code."),
        };
    }

    private static async Task<Results<Ok<BackupCodesResponse>, ProblemHttpResult>> RegenerateBackupCodesAsync(
        ClaimsPrincipal principal, TotpAuthenticator totp, BackupCodeManager backupCodes, CancellationToken cancellationToken)
    {
        var key = CurrentUser.Key(principal.Id());
        if (!await totp.IsEnabledAsync(key, cancellationToken))
        {
            return Problems.Conflict("mfa_not_enabled", "Two-factor authentication is not enabled for this account; backup codes come with it.");
        }

        return TypedResults.Ok(new BackupCodesResponse(await backupCodes.GenerateAsync(key, cancellationToken)));
    }

    private static async Task<Results<Created<ApiKeyCreatedResponse>, ValidationProblem>> CreateApiKeyAsync(
        CreateApiKeyRequest request, ClaimsPrincipal principal, ApiKeyManager apiKeys, CancellationToken cancellationToken)
    {
        if (request.Validate() is { } errors)
        {
            return Problems.Validation(errors);
        }

        var lifetime = request.ExpiresInDays is { } days ? TimeSpan.FromDays(days) : (TimeSpan?)null;
        var created = await apiKeys.CreateAsync(CurrentUser.Key(principal.Id()), [ApiKeyScope], lifetime, request.Name, cancellationToken);
        var record = created.Record;
        return TypedResults.Created(
            $"/api/v1/auth/api-keys/{record.KeyId}",
            new ApiKeyCreatedResponse(created.Key, record.KeyId, record.Name, record.CreatedAt, record.ExpiresAt));
    }

    private static async Task<Ok<ApiKeyResponse[]>> ListApiKeysAsync(ClaimsPrincipal principal, ApiKeyManager apiKeys, CancellationToken cancellationToken) =>
        TypedResults.Ok((await apiKeys.ListAsync(CurrentUser.Key(principal.Id()), cancellationToken)).Select(ApiKeyResponse.From).ToArray());

    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeApiKeyAsync(
        string keyId, ClaimsPrincipal principal, IApiKeyStore store, ApiKeyManager apiKeys, CancellationToken cancellationToken)
    {
        // Someone else's key answers exactly like a missing one: key ids are not a way to probe other accounts.
        var record = await store.FindAsync(keyId, cancellationToken);
        if (record is null || !string.Equals(record.OwnerId, CurrentUser.Key(principal.Id()), StringComparison.Ordinal))
        {
            return Problems.NotFound("api_key_not_found", $"You have no API key with id '{keyId}'.");
        }

        await apiKeys.RevokeAsync(keyId, cancellationToken);
        return TypedResults.NoContent();
    }

    private static ProblemHttpResult MfaFailure(TotpVerificationResult result) => result switch
    {
        TotpVerificationResult.LockedOut => MfaLockedOut(),
        TotpVerificationResult.Replayed => Problems.Unauthorized("totp_code_replayed", "This code has already been used; wait for the next one."),
        _ => Problems.Unauthorized("invalid_totp_code", "The authentication code is wrong or has expired."),
    };

    private static ProblemHttpResult MfaLockedOut() =>
        Problems.TooManyRequests("mfa_locked_out", "Too many wrong codes: two-factor attempts for this account are paused for a few minutes.");
}
