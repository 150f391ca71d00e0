using ChatApi.Infrastructure;

namespace ChatApi.Auth;

/// <summary>The body of <c>POST /api/v1/auth/register</c>: a user with a password.</summary>
internal sealed record RegisterRequest(string? Username, string? Email, string? DisplayName, string? Password)
{
    public Dictionary<string, string[]>? Validate(int maxPasswordLength)
    {
        var errors = new ValidationErrors();
        errors.Username("username", Username);
        errors.Email("email", Email);
        errors.Text("displayName", DisplayName, 0, Users.UserRules.MaxDisplayNameLength, required: false);
        PasswordRules.Validate(errors, "password", Password, maxPasswordLength);
        return errors.HasErrors ? errors.ToDictionary() : null;
    }
}

/// <summary>
/// The body of <c>POST /api/v1/auth/login</c>. A user with MFA sends <c>totpCode</c> or <c>backupCode</c> too
/// (first without: the 401 <c>mfa_required</c> says a second factor is needed).
/// </summary>
internal sealed record LoginRequest(string? Username, string? Password, string? TotpCode, string? BackupCode)
{
    /// <summary>Longer than any TOTP (8 digits) or backup code (12 characters with dashes and spaces).</summary>
    public const int MaxCodeLength = 32;

    public Dictionary<string, string[]>? Validate(int maxPasswordLength)
    {
        var errors = new ValidationErrors();
        errors.Text("username", Username, 1, 32);


        // No minimum beyond one character: a password that is too short today may have been set under older rules.
        errors.Text("password", Password, 1, maxPasswordLength);

        errors.Text("totpCode", TotpCode, 1, MaxCodeLength, required: false);
        errors.Text("backupCode", BackupCode, 1, MaxCodeLength, required: false);
        if (TotpCode is not null && BackupCode is not null)
        {
            errors.Add("backupCode", "Send either 'totpCode' or 'backupCode', not both.");
        }

        return errors.HasErrors ? errors.ToDictionary() : null;
    }
}

/// <summary>
/// The answer to a successful login or refresh: a short-lived JWT access token (send it as
/// <c>Authorization: Bearer …</c>) and an opaque refresh token that works once.
/// </summary>
internal sealed record TokenResponse(
    string AccessToken,
    string TokenType,
    int ExpiresIn,
    string RefreshToken,
    DateTimeOffset RefreshTokenExpiresAt,
    Guid UserId,
    string Username,
    string Role,
    string? SecondFactor);

/// <summary>The body of <c>POST /api/v1/auth/refresh</c> and <c>POST /api/v1/auth/logout</c>.</summary>
internal sealed record RefreshRequest(string? RefreshToken)
{
    /// <summary>Refresh tokens are 43 base64url characters; anything much longer is not one.</summary>
    public const int MaxLength = 128;

    public Dictionary<string, string[]>? Validate()
    {
        var errors = new ValidationErrors();
        errors.Text("refreshToken", RefreshToken, 1, MaxLength);
        return errors.HasErrors ? errors.ToDictionary() : null;
    }
}

/// <summary>The body of <c>POST /api/v1/auth/mfa/totp/confirm</c> and of the disabling request.</summary>
internal sealed record MfaCodeRequest(string? Code)
{
    public Dictionary<string, string[]>? Validate()
    {
        var errors = new ValidationErrors();
        errors.Text("code", Code, 1, LoginRequest.MaxCodeLength);
        return errors.HasErrors ? errors.ToDictionary() : null;
    }
}

/// <summary>A started TOTP enrolment: shown once. The backup codes work once MFA is confirmed.</summary>
internal sealed record TotpEnrollmentResponse(string Secret, string OtpAuthUri, IReadOnlyList<string> BackupCodes);

/// <summary>Freshly generated backup codes, shown once.</summary>
internal sealed record BackupCodesResponse(IReadOnlyList<string> BackupCodes);

/// <summary>The body of <c>POST /api/v1/auth/api-keys</c>.</summary>
internal sealed record CreateApiKeyRequest(string? Name, int? ExpiresInDays)
{
    public const int MaxNameLength = 64;

    public const int MaxExpiresInDays = 365;

    public Dictionary<string, string[]>? Validate()
    {
        var errors = new ValidationErrors();
        errors.Text("name", Name, 1, MaxNameLength);
        if (ExpiresInDays is < 1 or > MaxExpiresInDays)
        {
            errors.Add("expiresInDays", $"'expiresInDays' must be between 1 and {MaxExpiresInDays}.");
        }

        return errors.HasErrors ? errors.ToDictionary() : null;
    }
}

/// <summary>An API key as listed: never the key itself.</summary>
internal sealed record ApiKeyResponse(string KeyId, string? Name, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, DateTimeOffset? RevokedAt)
{
    public static ApiKeyResponse From(ApiKit.Security.ApiKeys.ApiKeyRecord record) =>
        new(record.KeyId, record.Name, record.CreatedAt, record.ExpiresAt, record.RevokedAt);
}

/// <summary>A new API key: <see cref="Key"/> is shown this once.</summary>
internal sealed record ApiKeyCreatedResponse(string Key, string KeyId, string? Name, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt);

internal static class PasswordRules
{
    /// <summary>OWASP's minimum for a password used with MFA; NIST SP 800-63B asks for at least 8 as well.</summary>
    public const int MinLength = 8;

    /// <summary>
    /// Checks a new password: at least <see cref="MinLength"/> characters and at most the hasher's maximum, so an
    /// oversized password is a 400 here and never reaches the hasher (which would throw).
    /// </summary>
    public static void Validate(ValidationErrors errors, string field, string? password, int maxLength)
    {
        if (password is null)
        {
            errors.Add(field, $"'{field}' is required.");
        }
        else if (password.Length < MinLength || password.Length > maxLength)
        {
            errors.Add(field, $"'{field}' must be between {MinLength} and {maxLength} characters long.");
        }
    }
}
