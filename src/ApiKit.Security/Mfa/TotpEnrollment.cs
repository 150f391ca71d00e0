namespace ApiKit.Security.Mfa;

/// <summary>A pending TOTP enrolment to show the user once (as a QR code of <see cref="OtpAuthUri"/>).</summary>
/// <param name="Secret">The secret in Base32, for manual entry.</param>
/// <param name="OtpAuthUri">The <c>otpauth://totp/…</c> URI authenticator apps read.</param>
public sealed record TotpEnrollment(string Secret, string OtpAuthUri)
{
    /// <summary>Describes the enrolment without its secret, so that logging it leaks nothing.</summary>
    public override string ToString() => "TotpEnrollment { Secret = (redacted), OtpAuthUri = (redacted) }";
}
