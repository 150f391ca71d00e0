namespace ApiKit.Security.Jwt;

/// <summary>
/// The outcome of <see cref="IJwtValidator.Validate(ReadOnlySpan{char})"/>: either a <see cref="ValidatedJwt"/> or an error code.
/// Validation never throws for hostile input; the error says why the token was rejected.
/// </summary>
public readonly struct JwtValidationResult : IEquatable<JwtValidationResult>
{
    private JwtValidationResult(ValidatedJwt? token, JwtValidationError error)
    {
        Token = token;
        Error = error;
    }

    /// <summary>Gets the validated token, or <see langword="null"/> when validation failed.</summary>
    public ValidatedJwt? Token { get; }

    /// <summary>Gets why validation failed, or <see cref="JwtValidationError.None"/>.</summary>
    public JwtValidationError Error { get; }

    /// <summary>Gets a value indicating whether the token is valid.</summary>
    public bool IsValid => Error == JwtValidationError.None && Token is not null;

    /// <summary>Creates a successful result.</summary>
    /// <param name="token">The validated token.</param>
    /// <returns>The result.</returns>
    public static JwtValidationResult Success(ValidatedJwt token)
    {
        ArgumentNullException.ThrowIfNull(token);
        return new(token, JwtValidationError.None);
    }

    /// <summary>Creates a failed result.</summary>
    /// <param name="error">Why the token was rejected; must not be <see cref="JwtValidationError.None"/>.</param>
    /// <returns>The result.</returns>
    public static JwtValidationResult Failure(JwtValidationError error)
    {
        if (error == JwtValidationError.None)
        {
            throw new ArgumentOutOfRangeException(nameof(error), "A failure needs an error code.");
        }

        return new(null, error);
    }

    /// <summary>Returns a fixed, input-independent description of <paramref name="error"/>, safe to send to clients.</summary>
    /// <param name="error">The error.</param>
    /// <returns>The description.</returns>
    public static string Describe(JwtValidationError error) => error switch
    {
        JwtValidationError.None => "The token is valid.",
        JwtValidationError.Missing => "No token was presented.",
        JwtValidationError.TokenTooLarge => "The token is too large.",
        JwtValidationError.EncryptedTokenNotSupported => "Encrypted tokens are not accepted.",
        JwtValidationError.Malformed => "The token is malformed.",
        JwtValidationError.InvalidBase64Url => "The token is not valid base64url.",
        JwtValidationError.DuplicateMember => "The token repeats a member name.",
        JwtValidationError.AlgorithmNone => "Unsigned tokens are not accepted.",
        JwtValidationError.AlgorithmNotAllowed => "The token's algorithm is not allowed.",
        JwtValidationError.UnsupportedCriticalHeader => "The token has an unsupported critical header.",
        JwtValidationError.InvalidType => "The token type is not accepted.",
        JwtValidationError.MissingKeyId => "The token has no key id.",
        JwtValidationError.UnknownKey => "The signing key is not known.",
        JwtValidationError.AlgorithmKeyMismatch => "The token's algorithm does not match its key.",
        JwtValidationError.InvalidSignature => "The signature is invalid.",
        JwtValidationError.InvalidClaim => "A claim has an invalid value.",
        JwtValidationError.MissingExpiration => "The token has no expiration time.",
        JwtValidationError.Expired => "The token expired.",
        JwtValidationError.NotYetValid => "The token is not valid yet.",
        JwtValidationError.InvalidIssuer => "The issuer is invalid.",
        JwtValidationError.InvalidAudience => "The audience is invalid.",
        _ => "The token is invalid.",
    };

    /// <inheritdoc />
    public bool Equals(JwtValidationResult other) => ReferenceEquals(Token, other.Token) && Error == other.Error;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is JwtValidationResult other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Token, Error);

    /// <summary>Compares two results.</summary>
    /// <param name="left">The first result.</param>
    /// <param name="right">The second result.</param>
    /// <returns>Whether they are equal.</returns>
    public static bool operator ==(JwtValidationResult left, JwtValidationResult right) => left.Equals(right);

    /// <summary>Compares two results.</summary>
    /// <param name="left">The first result.</param>
    /// <param name="right">The second result.</param>
    /// <returns>Whether they differ.</returns>
    public static bool operator !=(JwtValidationResult left, JwtValidationResult right) => !left.Equals(right);
}
