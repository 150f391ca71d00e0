namespace ApiKit.Security.Mfa;

/// <summary>
/// What an <see cref="ITotpStore"/> keeps for one user. The secret is already encrypted with ASP.NET Core
/// Data Protection when it reaches the store; stores never see it in clear.
/// </summary>
/// <param name="ProtectedSecret">The TOTP secret, protected by Data Protection.</param>
/// <param name="Algorithm">The HMAC hash function the user's app was enrolled with.</param>
/// <param name="Digits">The number of digits the user's app shows.</param>
/// <param name="PeriodSeconds">The time step the user's app uses.</param>
/// <param name="IsConfirmed">Whether the user proved the enrolment with a first valid code.</param>
/// <param name="LastUsedStep">The last time step a code was accepted for (-1 when none), so that a code works once.</param>
public sealed record TotpRecord(string ProtectedSecret, TotpAlgorithm Algorithm, int Digits, int PeriodSeconds, bool IsConfirmed, long LastUsedStep);
