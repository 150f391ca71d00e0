namespace ApiKit.Security.Mfa;

/// <summary>Default values of <see cref="TotpOptions"/>: what every authenticator app understands.</summary>
public static class TotpDefaults
{
    /// <summary>The hash function: SHA-1, because several popular apps ignore the <c>algorithm</c> parameter.</summary>
    public const TotpAlgorithm Algorithm = TotpAlgorithm.Sha1;

    /// <summary>Number of digits in a code.</summary>
    public const int Digits = 6;

    /// <summary>Length of the time step, in seconds (RFC 6238's recommended 30 s).</summary>
    public const int PeriodSeconds = 30;

    /// <summary>Number of steps accepted before and after the current one, for clock skew and typing time.</summary>
    public const int AllowedDriftSteps = 1;

    /// <summary>Length of a generated secret, in bytes (160 bits, RFC 4226's recommendation).</summary>
    public const int SecretLength = 20;

    /// <summary>Issuer shown by authenticator apps.</summary>
    public const string Issuer = "ApiKit";
}
