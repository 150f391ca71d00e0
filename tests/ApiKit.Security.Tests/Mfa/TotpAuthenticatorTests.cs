using ApiKit.Security.Mfa;
using ApiKit.Testing;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ApiKit.Security.Tests.Mfa;

public sealed class TotpAuthenticatorTests
{
    private const string User = "user-1";
    private readonly ManualTimeProvider _time = new(new DateTimeOffset(2026, 11, 21, 12, 0, 10, TimeSpan.Zero));
    private readonly InMemoryTotpStore _store = new();
    private readonly EphemeralDataProtectionProvider _dataProtection = new();

    private TotpAuthenticator Create(Action<TotpOptions>? configure = null, IMfaAttemptGuard? guard = null)
    {
        var options = new TotpOptions { Issuer = "Chat API" };
        configure?.Invoke(options);
        guard ??= new InMemoryMfaAttemptGuard(Options.Create(new MfaLockoutOptions()), _time);
        return new TotpAuthenticator(Options.Create(options), _store, _dataProtection, guard, _time);
    }

    private string CodeAt(string base32Secret, TimeSpan offset, TotpAlgorithm algorithm = TotpAlgorithm.Sha1, int digits = 6, int period = 30)
    {
        Assert.True(Base32.TryDecode(base32Secret, out var secret));
        var step = (_time.GetUtcNow() + offset).ToUnixTimeSeconds() / period;
        return TotpAuthenticator.ComputeCode(secret, step, digits, algorithm);
    }

    private async Task<(TotpAuthenticator Authenticator, string Secret)> EnrolledAsync(Action<TotpOptions>? configure = null, IMfaAttemptGuard? guard = null)
    {
        var authenticator = Create(configure, guard);
        var enrollment = await authenticator.BeginEnrollmentAsync(User, "alice@example.com");
        Assert.Equal(TotpVerificationResult.Success, await authenticator.ConfirmEnrollmentAsync(User, CodeAt(enrollment.Secret, TimeSpan.Zero)));
        // Far enough that the confirmation's step is out of the window of the tests that follow.
        _time.Advance(TimeSpan.FromSeconds(90));
        return (authenticator, enrollment.Secret);
    }

    [Fact]
    public async Task BeginEnrollmentAsync_ReturnsOtpAuthUriAndRandomSecret()
    {
        var authenticator = Create(o => (o.Algorithm, o.Digits, o.PeriodSeconds) = (TotpAlgorithm.Sha256, 8, 60));
        var first = await authenticator.BeginEnrollmentAsync(User, "alice@example.com");
        var second = await authenticator.BeginEnrollmentAsync("user-2", "bob@example.com");

        Assert.Equal(
            $"otpauth://totp/Chat%20API:alice%40example.com?secret={first.Secret}&issuer=Chat%20API&algorithm=SHA256&digits=8&period=60",
            first.OtpAuthUri);
        Assert.True(Base32.TryDecode(first.Secret, out var bytes));
        Assert.Equal(TotpDefaults.SecretLength, bytes.Length);
        Assert.NotEqual(first.Secret, second.Secret);
        Assert.DoesNotContain(first.Secret, first.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task BeginEnrollmentAsync_StoresSecretEncryptedWithDataProtection()
    {
        var authenticator = Create();
        var enrollment = await authenticator.BeginEnrollmentAsync(User, "alice");
        var record = await _store.FindAsync(User, default);

        Assert.NotNull(record);
        Assert.False(record.IsConfirmed);
        Assert.True(Base32.TryDecode(enrollment.Secret, out var secret));
        var stored = Convert.FromBase64String(record.ProtectedSecret);
        Assert.DoesNotContain(Convert.ToBase64String(secret), record.ProtectedSecret, StringComparison.Ordinal);
        Assert.Equal(secret, _dataProtection.CreateProtector("ApiKit.Security.Mfa.Totp.v1").Unprotect(stored));
        Assert.ThrowsAny<System.Security.Cryptography.CryptographicException>(
            () => new EphemeralDataProtectionProvider().CreateProtector("ApiKit.Security.Mfa.Totp.v1").Unprotect(stored));
    }

    [Fact]
    public async Task VerifyAsync_BeforeConfirmation_ReturnsNotEnrolled()
    {
        var authenticator = Create();
        var enrollment = await authenticator.BeginEnrollmentAsync(User, "alice");
        Assert.Equal(TotpVerificationResult.NotEnrolled, await authenticator.VerifyAsync(User, CodeAt(enrollment.Secret, TimeSpan.Zero)));
        Assert.Equal(TotpVerificationResult.NotEnrolled, await authenticator.VerifyAsync("nobody", "123456"));
        Assert.False(await authenticator.IsEnabledAsync(User));
    }

    [Fact]
    public async Task ConfirmEnrollmentAsync_WrongCode_StaysUnconfirmed()
    {
        var authenticator = Create();
        var enrollment = await authenticator.BeginEnrollmentAsync(User, "alice");
        var wrong = CodeAt(enrollment.Secret, TimeSpan.FromMinutes(10));
        Assert.Equal(TotpVerificationResult.Invalid, await authenticator.ConfirmEnrollmentAsync(User, wrong));
        Assert.False(await authenticator.IsEnabledAsync(User));
    }

    [Fact]
    public async Task BeginEnrollmentAsync_AlreadyEnabled_Throws()
    {
        var (authenticator, _) = await EnrolledAsync();
        Assert.True(await authenticator.IsEnabledAsync(User));
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await authenticator.BeginEnrollmentAsync(User, "alice"));
        await authenticator.DisableAsync(User);
        Assert.False(await authenticator.IsEnabledAsync(User));
    }

    [Fact]
    public async Task VerifyAsync_SameCodeTwice_SecondIsReplayed()
    {
        var (authenticator, secret) = await EnrolledAsync();
        var code = CodeAt(secret, TimeSpan.Zero);
        Assert.Equal(TotpVerificationResult.Success, await authenticator.VerifyAsync(User, code));
        Assert.Equal(TotpVerificationResult.Replayed, await authenticator.VerifyAsync(User, code));

        // Still inside the window a step later, but its step was used.
        _time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(TotpVerificationResult.Replayed, await authenticator.VerifyAsync(User, code));
        Assert.Equal(TotpVerificationResult.Success, await authenticator.VerifyAsync(User, CodeAt(secret, TimeSpan.Zero)));
    }

    [Fact]
    public async Task VerifyAsync_OlderStepAfterNewerWasUsed_IsReplayed()
    {
        var (authenticator, secret) = await EnrolledAsync();
        var previous = CodeAt(secret, TimeSpan.FromSeconds(-30));
        Assert.Equal(TotpVerificationResult.Success, await authenticator.VerifyAsync(User, CodeAt(secret, TimeSpan.Zero)));
        Assert.Equal(TotpVerificationResult.Replayed, await authenticator.VerifyAsync(User, previous));
    }

    [Fact]
    public async Task VerifyAsync_ConcurrentSameCode_SucceedsExactlyOnce()
    {
        var guard = new InMemoryMfaAttemptGuard(Options.Create(new MfaLockoutOptions { MaxFailedAttempts = 100 }), _time);
        var (authenticator, secret) = await EnrolledAsync(guard: guard);
        var code = CodeAt(secret, TimeSpan.Zero);
        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(async () => await authenticator.VerifyAsync(User, code))));
        Assert.Single(results, r => r == TotpVerificationResult.Success);
        Assert.All(results.Where(r => r != TotpVerificationResult.Success), r => Assert.Equal(TotpVerificationResult.Replayed, r));
    }

    [Theory]
    [InlineData(-30, TotpVerificationResult.Success)]
    [InlineData(30, TotpVerificationResult.Success)]
    [InlineData(-60, TotpVerificationResult.Invalid)]
    [InlineData(60, TotpVerificationResult.Invalid)]
    public async Task VerifyAsync_ClockSkew_AcceptsOneStepEitherSide(int skewSeconds, TotpVerificationResult expected)
    {
        var (authenticator, secret) = await EnrolledAsync();
        var code = CodeAt(secret, TimeSpan.FromSeconds(skewSeconds));
        Assert.Equal(expected, await authenticator.VerifyAsync(User, code));
    }

    [Fact]
    public async Task VerifyAsync_WindowOfZero_AcceptsOnlyCurrentStep()
    {
        var (authenticator, secret) = await EnrolledAsync(o => o.AllowedDriftSteps = 0);
        Assert.Equal(TotpVerificationResult.Invalid, await authenticator.VerifyAsync(User, CodeAt(secret, TimeSpan.FromSeconds(-30))));
        Assert.Equal(TotpVerificationResult.Success, await authenticator.VerifyAsync(User, CodeAt(secret, TimeSpan.Zero)));
    }

    [Theory]
    [InlineData(TotpAlgorithm.Sha256, 7)]
    [InlineData(TotpAlgorithm.Sha512, 8)]
    public async Task VerifyAsync_OtherAlgorithmsAndDigits_Succeed(TotpAlgorithm algorithm, int digits)
    {
        var authenticator = Create(o => (o.Algorithm, o.Digits) = (algorithm, digits));
        var enrollment = await authenticator.BeginEnrollmentAsync(User, "alice");
        var code = CodeAt(enrollment.Secret, TimeSpan.Zero, algorithm, digits);
        Assert.Equal(digits, code.Length);
        Assert.Equal(TotpVerificationResult.Success, await authenticator.ConfirmEnrollmentAsync(User, code));
    }

    [Fact]
    public async Task VerifyAsync_CodeWithSpaces_IsAccepted()
    {
        var (authenticator, secret) = await EnrolledAsync();
        var code = CodeAt(secret, TimeSpan.Zero);
        Assert.Equal(TotpVerificationResult.Success, await authenticator.VerifyAsync(User, $"{code[..3]} {code[3..]}"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("12345")]
    [InlineData("1234567")]
    [InlineData("12a456")]
    [InlineData("１２３４５６")]
    [InlineData("123456123456123456")]
    public async Task VerifyAsync_MalformedCode_IsInvalid(string? code)
    {
        var (authenticator, _) = await EnrolledAsync();
        Assert.Equal(TotpVerificationResult.Invalid, await authenticator.VerifyAsync(User, code!));
    }

    [Fact]
    public async Task VerifyAsync_TooManyFailures_LocksOutUntilDurationPasses()
    {
        var guard = new InMemoryMfaAttemptGuard(Options.Create(new MfaLockoutOptions { MaxFailedAttempts = 3, LockoutDuration = TimeSpan.FromMinutes(5) }), _time);
        var (authenticator, secret) = await EnrolledAsync(guard: guard);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(TotpVerificationResult.Invalid, await authenticator.VerifyAsync(User, "000000"));
        }

        Assert.Equal(TotpVerificationResult.LockedOut, await authenticator.VerifyAsync(User, CodeAt(secret, TimeSpan.Zero)));
        _time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(TotpVerificationResult.Success, await authenticator.VerifyAsync(User, CodeAt(secret, TimeSpan.Zero)));
    }

    [Fact]
    public async Task VerifyAsync_FailuresThenSuccess_ResetsTheCount()
    {
        var counting = new CountingGuard();
        var (authenticator, secret) = await EnrolledAsync(guard: counting);
        await authenticator.VerifyAsync(User, "000000");
        await authenticator.VerifyAsync(User, CodeAt(secret, TimeSpan.Zero));
        await authenticator.VerifyAsync(User, CodeAt(secret, TimeSpan.Zero));
        Assert.Equal(["success", "failure", "success", "failure"], counting.Events);
    }

    [Fact]
    public void AddMfa_InvalidOptions_FailValidation()
    {
        using var provider = new ServiceCollection()
            .AddMfa(t => t.Digits = 9, b => b.Count = 0)
            .AddInMemoryMfaStores()
            .BuildServiceProvider();
        Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<TotpOptions>>().Value);
        Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<BackupCodeOptions>>().Value);
    }

    [Fact]
    public async Task AddMfa_WithInMemoryStores_ResolvesWorkingServices()
    {
        using var provider = new ServiceCollection().AddMfa().AddInMemoryMfaStores().BuildServiceProvider();
        var enrollment = await provider.GetRequiredService<TotpAuthenticator>().BeginEnrollmentAsync(User, "alice");
        var codes = await provider.GetRequiredService<BackupCodeManager>().GenerateAsync(User);
        Assert.StartsWith("otpauth://totp/ApiKit:alice?", enrollment.OtpAuthUri, StringComparison.Ordinal);
        Assert.Equal(MfaDefaults.BackupCodeCount, codes.Count);
    }

    private sealed class CountingGuard : IMfaAttemptGuard
    {
        public List<string> Events { get; } = [];

        public ValueTask<bool> IsLockedOutAsync(string userId, CancellationToken cancellationToken) => ValueTask.FromResult(false);

        public ValueTask RecordFailureAsync(string userId, MfaMethod method, CancellationToken cancellationToken)
        {
            Events.Add("failure");
            return ValueTask.CompletedTask;
        }

        public ValueTask RecordSuccessAsync(string userId, MfaMethod method, CancellationToken cancellationToken)
        {
            Events.Add("success");
            return ValueTask.CompletedTask;
        }
    }
}
