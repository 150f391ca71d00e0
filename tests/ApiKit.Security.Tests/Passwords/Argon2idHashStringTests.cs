using ApiKit.Security.Passwords;

namespace ApiKit.Security.Tests.Passwords;

public sealed class Argon2idHashStringTests
{
    [Fact]
    public void Format_ThenTryParse_RoundTrips()
    {
        var salt = Enumerable.Range(1, 16).Select(i => (byte)i).ToArray();
        var hash = Enumerable.Range(100, 32).Select(i => (byte)i).ToArray();
        var encoded = Argon2idHashString.Format(19456, 2, 1, salt, hash);

        Assert.Equal("$argon2id$v=19$m=19456,t=2,p=1$AQIDBAUGBwgJCgsMDQ4PEA$ZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1+f4CBgoM", encoded);
        Assert.True(Argon2idHashString.TryParse(encoded, out var parsed));
        Assert.Equal((19456, 2, 1), (parsed!.MemoryKiB, parsed.Iterations, parsed.Parallelism));
        Assert.Equal(salt, parsed.Salt);
        Assert.Equal(hash, parsed.Hash);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("$argon2i$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG")]
    [InlineData("$argon2d$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG")]
    [InlineData("$argon2id$v=16$m=65536,t=2,p=1$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG")]
    [InlineData("$argon2id$m=65536,t=2,p=1$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG")]
    [InlineData("$argon2id$v=19$t=2,m=65536,p=1$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG")]
    [InlineData("$argon2id$v=19$m=65536,t=2$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG")]
    [InlineData("$argon2id$v=19$m=65536,t=0,p=1$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG")]
    [InlineData("$argon2id$v=19$m=65536,t=2,p=0$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG")]
    [InlineData("$argon2id$v=19$m=7,t=2,p=1$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG")]
    [InlineData("$argon2id$v=19$m=-1,t=2,p=1$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG")]
    [InlineData("$argon2id$v=19$m=+64,t=2,p=1$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG")]
    [InlineData("$argon2id$v=19$m=065536,t=2,p=1$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG")]
    [InlineData("$argon2id$v=19$m=99999999999,t=2,p=1$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG")]
    [InlineData("$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ")]
    [InlineData("$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$")]
    [InlineData("$argon2id$v=19$m=65536,t=2,p=1$$RdescudvJCsgt3ub+b+dWRWJTmaaJObG")]
    [InlineData("$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ=$RdescudvJCsgt3ub+b+dWRWJTmaaJObG")]
    [InlineData("$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHR$RdescudvJCsgt3ub+b+dWRWJTmaaJObG")]
    [InlineData("$argon2id$v=19$m=65536,t=2,p=1$c29tZXNh$RdescudvJCsgt3ub+b+dWRWJTmaaJObG")]
    [InlineData("$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$Rdes")]
    [InlineData("$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$Rdes*udvJCsgt3ub+b+dWRWJTmaaJObG")]
    [InlineData("$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$Rdes-udvJCsgt3ub_b+dWRWJTmaaJObG")]
    [InlineData("$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG$extra")]
    [InlineData("AQAAAAIAAYagAAAAEHr7G+Xm+z0dlgmZt3v0JqvLt+8Qys3dQXHd7tDcWDHtH3bMYqZZjKLHrjsr5RnT0A==")]
    public void TryParse_Malformed_ReturnsFalse(string? encoded) => Assert.False(Argon2idHashString.TryParse(encoded, out _));

    [Fact]
    public void TryParse_ReferenceCliOutput_Succeeds()
    {
        // echo -n password | argon2 somesalt -id -t 2 -m 16 -p 1 -l 24 -e
        Assert.True(Argon2idHashString.TryParse("$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$2mzTAI85jwP6+k/mHDeH3OgNt7E86G5W", out var parsed));
        Assert.Equal("somesalt"u8.ToArray(), parsed!.Salt);
        Assert.Equal(24, parsed.Hash.Length);
    }
}
