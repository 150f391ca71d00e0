using ApiKit.Security.Passwords;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace ApiKit.Security.Tests.Passwords;

public sealed class Argon2idPasswordHasherTests
{
    private static Argon2idPasswordHasher Create(Action<Argon2idOptions>? configure = null)
    {
        var options = new Argon2idOptions { MemoryKiB = Argon2idDefaults.MinMemoryKiB, Iterations = 1 };
        configure?.Invoke(options);
        return new Argon2idPasswordHasher(Options.Create(options));
    }

    [Fact]
    public void Hash_ThenVerify_Succeeds()
    {
        using var hasher = Create();
        var encoded = hasher.Hash("hunter2hunter2");

        Assert.StartsWith("$argon2id$v=19$m=7168,t=1,p=1$", encoded, StringComparison.Ordinal);
        Assert.Equal(PasswordVerificationResult.Success, hasher.Verify("hunter2hunter2", encoded));
        Assert.Equal(PasswordVerificationResult.Failed, hasher.Verify("hunter2hunter3", encoded));
        Assert.False(hasher.NeedsRehash(encoded));
    }

    [Fact]
    public void Hash_SamePasswordTwice_UsesFreshSalts()
    {
        using var hasher = Create();
        Assert.NotEqual(hasher.Hash("same password"), hasher.Hash("same password"));
    }

    [Fact]
    public void Hash_DefaultOptions_UseOwaspParameters()
    {
        using var hasher = new Argon2idPasswordHasher(Options.Create(new Argon2idOptions()));
        Assert.StartsWith("$argon2id$v=19$m=19456,t=2,p=1$", hasher.Hash("default"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(8192, 1, 1)]
    [InlineData(7168, 2, 1)]
    [InlineData(7168, 1, 2)]
    public async Task VerifyAsync_ParametersChanged_ReturnsSuccessRehashNeeded(int memoryKiB, int iterations, int parallelism)
    {
        using var old = Create();
        var encoded = await old.HashAsync("rotate me please");
        using var current = Create(o => (o.MemoryKiB, o.Iterations, o.Parallelism) = (memoryKiB, iterations, parallelism));

        Assert.True(current.NeedsRehash(encoded));
        Assert.Equal(PasswordVerificationResult.SuccessRehashNeeded, await current.VerifyAsync("rotate me please", encoded));
        Assert.Equal(PasswordVerificationResult.Failed, await current.VerifyAsync("rotate me pleasE", encoded));
    }

    [Fact]
    public void NeedsRehash_HashLengthOrSaltLengthChanged_ReturnsTrue()
    {
        using var old = Create();
        var encoded = old.Hash("lengths");
        using var longerHash = Create(o => o.HashLength = 64);
        using var longerSalt = Create(o => o.SaltLength = 32);
        Assert.True(longerHash.NeedsRehash(encoded));
        Assert.True(longerSalt.NeedsRehash(encoded));
        Assert.True(old.NeedsRehash("not a hash"));
    }

    [Fact]
    public void Hash_PasswordLongerThanMax_ThrowsClearArgumentException()
    {
        using var hasher = Create(o => o.MaxPasswordLength = 16);
        var error = Assert.Throws<ArgumentException>(() => hasher.Hash(new string('a', 17)));
        Assert.Contains("16 characters", error.Message, StringComparison.Ordinal);
        Assert.NotNull(hasher.Hash(new string('a', 16)));
    }

    [Fact]
    public void Verify_PasswordLongerThanMax_FailsWithoutHashing()
    {
        using var generous = Create();
        var encoded = generous.Hash(new string('b', 40));
        using var strict = Create(o => o.MaxPasswordLength = 32);
        Assert.Equal(PasswordVerificationResult.Failed, strict.Verify(new string('b', 40), encoded));
        Assert.Equal(0, strict.Pool.AllocatedCount);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("plaintext")]
    [InlineData("$argon2id$")]
    [InlineData("$argon2id$v=19$m=19456,t=2,p=1$!!!$???")]
    [InlineData("$argon2id$v=19$m=4194304,t=2,p=1$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG")]
    [InlineData("$argon2id$v=19$m=19456,t=1000,p=1$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG")]
    [InlineData("$argon2id$v=19$m=19456,t=2,p=200$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG")]
    public async Task Verify_BadOrHostileHashString_FailsWithoutException(string? encoded)
    {
        using var hasher = Create();
        Assert.Equal(PasswordVerificationResult.Failed, hasher.Verify("password", encoded));
        Assert.Equal(PasswordVerificationResult.Failed, await hasher.VerifyAsync("password", encoded));
        Assert.Equal(0, hasher.Pool.AllocatedCount);
    }

    [Fact]
    public async Task HashAsync_LoginStorm_AllocatesAtMostCapBlockMemories()
    {
        using var hasher = Create(o => o.MaxConcurrentHashes = 2);
        var hashes = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => Task.Run(async () => await hasher.HashAsync($"password {i}"))));

        Assert.Equal(12, hashes.Distinct(StringComparer.Ordinal).Count());
        Assert.InRange(hasher.Pool.AllocatedCount, 1, 2);
        Assert.InRange(hasher.Pool.PooledCount, 1, 2);
    }

    [Fact]
    public async Task HashAsync_CancelledWhileQueued_ThrowsOperationCanceled()
    {
        using var hasher = Create(o => o.MaxConcurrentHashes = 1);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await hasher.HashAsync("queued", cancelled.Token));
    }

    [Fact]
    public void Return_AfterHash_BlockMemoryIsWiped()
    {
        var pool = new Argon2MemoryPool(1);
        var words = Argon2Core.WorkingWords(64, 1);
        var memory = pool.Rent(words);
        var tag = new byte[32];
        Argon2Core.Hash("secret"u8, "saltsalt"u8, [], [], 1, 64, 1, tag, memory, Argon2Compression.Best);
        Assert.Contains(memory, w => w != 0);

        pool.Return(memory, words);

        Assert.All(memory, w => Assert.Equal(0UL, w));
        Assert.Same(memory, pool.Rent(words));
    }

    [Fact]
    public void Constructor_InvalidOptions_ThrowsOptionsValidationException()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Create(o => (o.MemoryKiB, o.Parallelism) = (1024, 0)));
        Assert.Contains(error.Failures, f => f.Contains("MemoryKiB", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("Parallelism", StringComparison.Ordinal));
    }
}
