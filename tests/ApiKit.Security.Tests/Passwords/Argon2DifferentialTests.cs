using System.Diagnostics;
using System.Text;
using ApiKit.Security.Passwords;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace ApiKit.Security.Tests.Passwords;

/// <summary>ApiKit's Argon2id against the reference C implementation and the reference command-line tool.</summary>
public sealed class Argon2DifferentialTests
{
    [Fact]
    public void Hash_RandomInputsAndParameters_EqualsLibArgon2()
    {
        var random = new Random(20261121);
        var cases = 0;
        for (var trial = 0; trial < 120; trial++)
        {
            var password = RandomBytes(random, random.Next(0, 80));
            var salt = RandomBytes(random, random.Next(8, 40));
            var secret = trial % 3 == 0 ? RandomBytes(random, random.Next(1, 33)) : [];
            var associatedData = trial % 4 == 0 ? RandomBytes(random, random.Next(1, 40)) : [];
            var lanes = random.Next(1, 5);
            var memoryKiB = random.Next(8 * lanes, 300);
            var iterations = random.Next(1, 4);
            var tagLength = trial % 5 == 0 ? random.Next(65, 200) : random.Next(4, 65);

            var expected = LibArgon2.HashRaw(password, salt, secret, associatedData, iterations, memoryKiB, lanes, tagLength);
            var memory = new ulong[Argon2Core.WorkingWords(memoryKiB, lanes)];
            foreach (var engine in Argon2Compression.Supported)
            {
                var actual = new byte[tagLength];
                Argon2Core.Hash(password, salt, secret, associatedData, iterations, memoryKiB, lanes, actual, memory, engine);
                Assert.True(
                    expected.AsSpan().SequenceEqual(actual),
                    $"m={memoryKiB} t={iterations} p={lanes} tag={tagLength} engine={engine} differs from libargon2");
                cases++;
            }
        }

        Assert.Equal(120 * Argon2Compression.Supported.Count, cases);
    }

    [Fact]
    public void Hash_MoreThanOneAddressBlockPerSegment_EqualsLibArgon2()
    {
        // 2048 KiB in one lane gives segments of 512 blocks: four address blocks per data-independent segment.
        var password = "password"u8.ToArray();
        var salt = "somesaltsomesalt"u8.ToArray();
        var expected = LibArgon2.HashRaw(password, salt, [], [], 2, 2048, 1, 32);
        var actual = new byte[32];
        Argon2Core.Hash(password, salt, [], [], 2, 2048, 1, actual, new ulong[Argon2Core.WorkingWords(2048, 1)], Argon2Compression.Best);
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Hash_PhcStringFromHasher_VerifiesWithLibArgon2()
    {
        using var hasher = new Argon2idPasswordHasher(Options.Create(new Argon2idOptions { MemoryKiB = Argon2idDefaults.MinMemoryKiB, Parallelism = 2 }));
        var encoded = hasher.Hash("pässwörd 🔑");
        Assert.True(LibArgon2.VerifyEncoded(encoded, Encoding.UTF8.GetBytes("pässwörd 🔑")));
        Assert.False(LibArgon2.VerifyEncoded(encoded, "password"u8));
    }

    [Fact]
    public void Verify_LibsodiumPhcString_SucceedsAndOurStringVerifiesInLibsodium()
    {
        var password = "libsodium interop ✓";
        var utf8 = Encoding.UTF8.GetBytes(password);
        var fromSodium = Libsodium.HashString(utf8, iterations: 2, memoryKiB: Argon2idDefaults.MinMemoryKiB);
        using var hasher = new Argon2idPasswordHasher(Options.Create(new Argon2idOptions { MemoryKiB = Argon2idDefaults.MinMemoryKiB }));

        Assert.StartsWith("$argon2id$v=19$m=7168,t=2,p=1$", fromSodium, StringComparison.Ordinal);
        Assert.Equal(PasswordVerificationResult.Success, hasher.Verify(password, fromSodium));
        Assert.Equal(PasswordVerificationResult.Failed, hasher.Verify(password + " ", fromSodium));

        var ours = hasher.Hash(password);
        Assert.True(Libsodium.Verify(ours, utf8));
        Assert.False(Libsodium.Verify(ours, "other"u8));
    }

    [Theory]
    [InlineData("password", "somesalt", 2, 10, 1, 32)]
    [InlineData("correct horse battery staple", "saltsaltsaltsalt", 3, 12, 2, 32)]
    [InlineData("p", "eightbyt", 1, 8, 4, 16)]
    [InlineData("x", "a much longer salt value", 4, 9, 1, 64)]
    public async Task Verify_HashFromArgon2Cli_Succeeds(string password, string salt, int iterations, int log2MemoryKiB, int lanes, int length)
    {
        var encoded = await RunArgon2CliAsync(password, salt, iterations, log2MemoryKiB, lanes, length);
        Assert.StartsWith("$argon2id$v=19$", encoded, StringComparison.Ordinal);

        using var hasher = new Argon2idPasswordHasher(Options.Create(new Argon2idOptions()));
        Assert.Equal(PasswordVerificationResult.SuccessRehashNeeded, hasher.Verify(password, encoded));
        Assert.Equal(PasswordVerificationResult.Failed, hasher.Verify(password + "!", encoded));
    }

    private static async Task<string> RunArgon2CliAsync(string password, string salt, int iterations, int log2MemoryKiB, int lanes, int length)
    {
        var start = new ProcessStartInfo("/usr/bin/argon2")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[] { salt, "-id", "-t", $"{iterations}", "-m", $"{log2MemoryKiB}", "-p", $"{lanes}", "-l", $"{length}", "-e" })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        await process.StandardInput.WriteAsync(password);
        process.StandardInput.Close();
        var output = await process.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await process.WaitForExitAsync(timeout.Token);
        Assert.Equal(0, process.ExitCode);
        return output.Trim();
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }
}
