using ApiKit.Security.Mfa;
using ApiKit.Testing;
using Microsoft.Extensions.Options;

namespace ApiKit.Security.Tests.Mfa;

public sealed class BackupCodeManagerTests
{
    private const string User = "user-1";
    private readonly InMemoryBackupCodeStore _store = new();
    private readonly ManualTimeProvider _time = new();

    private BackupCodeManager Create(int maxFailures = 5) =>
        new(Options.Create(new BackupCodeOptions()), _store, new InMemoryMfaAttemptGuard(Options.Create(new MfaLockoutOptions { MaxFailedAttempts = maxFailures }), _time));

    [Fact]
    public async Task GenerateAsync_ProducesDistinctGroupedCodesFromUnambiguousAlphabet()
    {
        var codes = await Create().GenerateAsync(User);

        Assert.Equal(10, codes.Count);
        Assert.Equal(10, codes.Distinct(StringComparer.Ordinal).Count());
        Assert.All(codes, code =>
        {
            Assert.Matches("^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$", code);
            Assert.DoesNotContain(code, c => "01ILO".Contains(c, StringComparison.Ordinal));
        });
    }

    [Fact]
    public async Task GenerateAsync_StoresOnlySaltedHashes()
    {
        var codes = await Create().GenerateAsync(User);
        var stored = await _store.GetHashesAsync(User, default);

        Assert.Equal(10, stored.Count);
        foreach (var code in codes)
        {
            Assert.DoesNotContain(stored, h => h.Contains(code.Replace("-", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal));
        }

        Assert.Equal(10, stored.Select(h => h.Split(':')[0]).Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public async Task RedeemAsync_SameCodeTwice_SecondFails()
    {
        var manager = Create();
        var codes = await manager.GenerateAsync(User);

        Assert.Equal(BackupCodeRedemptionResult.Success, await manager.RedeemAsync(User, codes[3]));
        Assert.Equal(BackupCodeRedemptionResult.Invalid, await manager.RedeemAsync(User, codes[3]));
        Assert.Equal(9, await manager.CountRemainingAsync(User));
    }

    [Fact]
    public async Task RedeemAsync_LowerCaseWithoutDashes_Succeeds()
    {
        var manager = Create();
        var codes = await manager.GenerateAsync(User);
        var typed = codes[0].Replace("-", " ", StringComparison.Ordinal).ToLowerInvariant();
        Assert.Equal(BackupCodeRedemptionResult.Success, await manager.RedeemAsync(User, typed));
    }

    [Fact]
    public async Task RedeemAsync_ConcurrentSameCode_SucceedsOnce()
    {
        var manager = Create(maxFailures: 100);
        var codes = await manager.GenerateAsync(User);
        var results = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => Task.Run(async () => await manager.RedeemAsync(User, codes[0]))));
        Assert.Single(results, r => r == BackupCodeRedemptionResult.Success);
    }

    [Fact]
    public async Task GenerateAsync_Again_InvalidatesPreviousCodes()
    {
        var manager = Create();
        var old = await manager.GenerateAsync(User);
        var fresh = await manager.GenerateAsync(User);
        Assert.Equal(BackupCodeRedemptionResult.Invalid, await manager.RedeemAsync(User, old[0]));
        Assert.Equal(BackupCodeRedemptionResult.Success, await manager.RedeemAsync(User, fresh[0]));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("AAAA-BBBB-CCC")]
    [InlineData("AAAA-BBBB-CCCCD")]
    [InlineData("AAAA-BBBB-CCC0")]
    [InlineData("AAAA-BBBB-CCCI")]
    [InlineData("AAAA-BBBB-CCC€")]
    public async Task RedeemAsync_Malformed_IsInvalid(string? code)
    {
        var manager = Create();
        await manager.GenerateAsync(User);
        Assert.Equal(BackupCodeRedemptionResult.Invalid, await manager.RedeemAsync(User, code));
        Assert.Equal(10, await manager.CountRemainingAsync(User));
    }

    [Fact]
    public async Task RedeemAsync_AfterLockout_RefusesEvenValidCode()
    {
        var manager = Create(maxFailures: 2);
        var codes = await manager.GenerateAsync(User);
        await manager.RedeemAsync(User, "2222-2222-2222");
        await manager.RedeemAsync(User, "3333-3333-3333");
        Assert.Equal(BackupCodeRedemptionResult.LockedOut, await manager.RedeemAsync(User, codes[0]));
        _time.Advance(MfaDefaults.LockoutDuration);
        Assert.Equal(BackupCodeRedemptionResult.Success, await manager.RedeemAsync(User, codes[0]));
    }

    [Fact]
    public async Task RedeemAsync_CorruptStoredHash_IsIgnored()
    {
        var manager = Create();
        var codes = await manager.GenerateAsync(User);
        var stored = (await _store.GetHashesAsync(User, default)).ToList();
        stored.Insert(0, "not:base64!");
        stored.Insert(0, "no-separator");
        await _store.ReplaceAsync(User, stored, default);
        Assert.Equal(BackupCodeRedemptionResult.Success, await manager.RedeemAsync(User, codes[1]));
    }
}
