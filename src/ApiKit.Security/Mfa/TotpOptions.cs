namespace ApiKit.Security.Mfa;

/// <summary>Options of <see cref="TotpAuthenticator"/>.</summary>
public sealed class TotpOptions
{
    /// <summary>Gets or sets the issuer shown in authenticator apps (the <c>issuer</c> of the <c>otpauth://</c> URI).</summary>
    /// <value>The default is <see cref="TotpDefaults.Issuer"/> ("ApiKit"). Must not be empty or contain ':'.</value>
    public string Issuer { get; set; } = TotpDefaults.Issuer;

    /// <summary>Gets or sets the HMAC hash function of new enrolments.</summary>
    /// <value>The default is <see cref="TotpDefaults.Algorithm"/> (SHA-1).</value>
    public TotpAlgorithm Algorithm { get; set; } = TotpDefaults.Algorithm;

    /// <summary>Gets or sets the number of digits of a code.</summary>
    /// <value>The default is <see cref="TotpDefaults.Digits"/> (6). Allowed: 6 to 8.</value>
    public int Digits { get; set; } = TotpDefaults.Digits;

    /// <summary>Gets or sets the time step, in seconds.</summary>
    /// <value>The default is <see cref="TotpDefaults.PeriodSeconds"/> (30). Allowed: 15 to 300.</value>
    public int PeriodSeconds { get; set; } = TotpDefaults.PeriodSeconds;

    /// <summary>Gets or sets how many steps before and after the current one are accepted.</summary>
    /// <value>The default is <see cref="TotpDefaults.AllowedDriftSteps"/> (±1 step). Allowed: 0 to 5.</value>
    public int AllowedDriftSteps { get; set; } = TotpDefaults.AllowedDriftSteps;

    /// <summary>Gets or sets the length of generated secrets, in bytes.</summary>
    /// <value>The default is <see cref="TotpDefaults.SecretLength"/> (20). Allowed: 16 to 64.</value>
    public int SecretLength { get; set; } = TotpDefaults.SecretLength;
}
