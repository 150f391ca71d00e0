using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;

namespace ApiKit.Security.Mfa;

/// <summary>
/// TOTP second factor (RFC 6238 over RFC 4226): enrolment with a CSPRNG secret and an <c>otpauth://</c> URI,
/// confirmation, and verification within a window of steps where every time step is accepted once per user.
/// Secrets are encrypted with ASP.NET Core Data Protection before they reach the <see cref="ITotpStore"/>.
/// </summary>
public sealed class TotpAuthenticator
{
    private const string ProtectorPurpose = "ApiKit.Security.Mfa.Totp.v1";
    private readonly TotpOptions _options;
    private readonly ITotpStore _store;
    private readonly IDataProtector _protector;
    private readonly IMfaAttemptGuard _guard;
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates the authenticator.</summary>
    public TotpAuthenticator(IOptions<TotpOptions> options, ITotpStore store, IDataProtectionProvider dataProtection, IMfaAttemptGuard guard, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(dataProtection);
        _options = options.Value;
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _guard = guard ?? throw new ArgumentNullException(nameof(guard));
        _timeProvider = timeProvider ?? throw new ArgumentNullException(nameof(timeProvider));
        _protector = dataProtection.CreateProtector(ProtectorPurpose);
    }

    /// <summary>
    /// Starts (or restarts) an enrolment: a fresh secret is stored unconfirmed and returned once, with the URI for the QR code.
    /// </summary>
    /// <exception cref="InvalidOperationException">The user already has a confirmed enrolment; disable it first.</exception>
    public async ValueTask<TotpEnrollment> BeginEnrollmentAsync(string userId, string accountName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        ArgumentException.ThrowIfNullOrEmpty(accountName);
        var existing = await _store.FindAsync(userId, cancellationToken).ConfigureAwait(false);
        if (existing is { IsConfirmed: true })
        {
            throw new InvalidOperationException("The user already has TOTP enabled; disable it before enrolling again.");
        }

        var secret = RandomNumberGenerator.GetBytes(_options.SecretLength);
        try
        {
            var record = new TotpRecord(
                Convert.ToBase64String(_protector.Protect(secret)),
                _options.Algorithm,
                _options.Digits,
                _options.PeriodSeconds,
                IsConfirmed: false,
                LastUsedStep: -1);
            await _store.SaveAsync(userId, record, cancellationToken).ConfigureAwait(false);
            var base32 = Base32.Encode(secret);
            return new TotpEnrollment(base32, BuildUri(_options.Issuer, accountName, base32, _options.Algorithm, _options.Digits, _options.PeriodSeconds));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }
    }

    /// <summary>Confirms a pending enrolment with a first code from the user's app; the code's step is then used.</summary>
    public ValueTask<TotpVerificationResult> ConfirmEnrollmentAsync(string userId, string code, CancellationToken cancellationToken = default) =>
        CheckAsync(userId, code, confirming: true, cancellationToken);

    /// <summary>Verifies a code for a confirmed enrolment; each time step is accepted once.</summary>
    public ValueTask<TotpVerificationResult> VerifyAsync(string userId, string code, CancellationToken cancellationToken = default) =>
        CheckAsync(userId, code, confirming: false, cancellationToken);

    /// <summary>Returns whether the user has a confirmed TOTP enrolment.</summary>
    public async ValueTask<bool> IsEnabledAsync(string userId, CancellationToken cancellationToken = default) =>
        await _store.FindAsync(userId, cancellationToken).ConfigureAwait(false) is { IsConfirmed: true };

    /// <summary>Removes the user's enrolment.</summary>
    public ValueTask DisableAsync(string userId, CancellationToken cancellationToken = default) => _store.DeleteAsync(userId, cancellationToken);

    /// <summary>Builds the <c>otpauth://totp/</c> URI of Google Authenticator's key URI format.</summary>
    internal static string BuildUri(string issuer, string accountName, string base32Secret, TotpAlgorithm algorithm, int digits, int period)
    {
        var algorithmName = algorithm switch
        {
            TotpAlgorithm.Sha256 => "SHA256",
            TotpAlgorithm.Sha512 => "SHA512",
            _ => "SHA1",
        };
        var escapedIssuer = Uri.EscapeDataString(issuer);
        return string.Create(
            CultureInfo.InvariantCulture,
            $"otpauth://totp/{escapedIssuer}:{Uri.EscapeDataString(accountName)}?secret={base32Secret}&issuer={escapedIssuer}&algorithm={algorithmName}&digits={digits}&period={period}");
    }

    private async ValueTask<TotpVerificationResult> CheckAsync(string userId, string code, bool confirming, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        using var activity = MfaMetrics.StartActivity("totp");
        if (await _guard.IsLockedOutAsync(userId, cancellationToken).ConfigureAwait(false))
        {
            MfaMetrics.Record(activity, "totp", "locked_out");
            return TotpVerificationResult.LockedOut;
        }

        var record = await _store.FindAsync(userId, cancellationToken).ConfigureAwait(false);
        if (record is null || record.IsConfirmed == confirming)
        {
            MfaMetrics.Record(activity, "totp", "not_enrolled");
            return TotpVerificationResult.NotEnrolled;
        }

        var step = Match(record, code);
        TotpVerificationResult result;
        if (step < 0)
        {
            result = TotpVerificationResult.Invalid;
        }
        else if (step <= record.LastUsedStep || !await _store.TryAdvanceLastUsedStepAsync(userId, step, cancellationToken).ConfigureAwait(false))
        {
            result = TotpVerificationResult.Replayed;
        }
        else
        {
            if (confirming)
            {
                await _store.SaveAsync(userId, record with { IsConfirmed = true, LastUsedStep = step }, cancellationToken).ConfigureAwait(false);
            }

            result = TotpVerificationResult.Success;
        }

        if (result == TotpVerificationResult.Success)
        {
            await _guard.RecordSuccessAsync(userId, MfaMethod.Totp, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await _guard.RecordFailureAsync(userId, MfaMethod.Totp, cancellationToken).ConfigureAwait(false);
        }

        MfaMetrics.Record(activity, "totp", result switch
        {
            TotpVerificationResult.Success => "success",
            TotpVerificationResult.Replayed => "replayed",
            _ => "invalid",
        });
        return result;
    }

    /// <summary>Returns the time step the code is valid for within the window, or -1.</summary>
    private long Match(TotpRecord record, string? code)
    {
        Span<byte> provided = stackalloc byte[8];
        if (!TryNormalize(code, record.Digits, provided))
        {
            return -1;
        }

        var secret = _protector.Unprotect(Convert.FromBase64String(record.ProtectedSecret));
        try
        {
            var current = _timeProvider.GetUtcNow().ToUnixTimeSeconds() / record.PeriodSeconds;
            Span<byte> expected = stackalloc byte[8];
            var matched = -1L;

            // Every step of the window is computed and compared in constant time, so timing tells nothing about which one matched.
            for (var step = current - _options.AllowedDriftSteps; step <= current + _options.AllowedDriftSteps; step++)
            {
                if (step < 0)
                {
                    continue;
                }

                Hotp.Format(Hotp.Compute(secret, step, record.Digits, record.Algorithm), record.Digits, expected);
                if (CryptographicOperations.FixedTimeEquals(expected[..record.Digits], provided[..record.Digits]) && matched < 0)
                {
                    matched = step;
                }
            }

            return matched;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }
    }

    private static bool TryNormalize(string? code, int digits, Span<byte> destination)
    {
        if (code is null || code.Length > 16)
        {
            return false;
        }

        var count = 0;
        foreach (var c in code)
        {
            if (c == ' ')
            {
                continue;
            }

            if (!char.IsAsciiDigit(c) || count == digits)
            {
                return false;
            }

            destination[count++] = (byte)c;
        }

        return count == digits;
    }

    internal static string ComputeCode(ReadOnlySpan<byte> secret, long step, int digits, TotpAlgorithm algorithm)
    {
        Span<byte> buffer = stackalloc byte[8];
        Hotp.Format(Hotp.Compute(secret, step, digits, algorithm), digits, buffer);
        return Encoding.ASCII.GetString(buffer[..digits]);
    }
}
