using ApiKit.Security.ApiKeys;
using ApiKit.Security.Passwords;
using FsCheck;
using FsCheck.Fluent;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace ApiKit.Security.Tests.Passwords;

/// <summary>Hostile input never escapes as an exception from parsing and verification.</summary>
public sealed class Argon2idFuzzTests
{
    private const string Valid = "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$2mzTAI85jwP6+k/mHDeH3OgNt7E86G5W";

    [Fact]
    public void TryParse_RandomStrings_NeverThrows() =>
        Prop.ForAll(ArbMap.Default.ArbFor<string>(), text => !Argon2idHashString.TryParse(text, out _) || text.StartsWith("$argon2id$", StringComparison.Ordinal))
            .Check(Config.QuickThrowOnFailure.WithMaxTest(2000));

    [Fact]
    public void TryParse_MutatedValidString_NeverThrowsAndRoundTripsWhenAccepted()
    {
        var mutations = Gen.Zip(Gen.Choose(0, Valid.Length - 1), Gen.Elements("$,=+/0129aZ\0é ".ToCharArray()));
        Prop.ForAll(mutations.ToArbitrary(), mutation =>
        {
            var text = Valid.Remove(mutation.Item1, 1).Insert(mutation.Item1, mutation.Item2.ToString());
            if (!Argon2idHashString.TryParse(text, out var parsed))
            {
                return true;
            }

            // Anything accepted is canonical: formatting it again gives the same text.
            return Argon2idHashString.Format(parsed!.MemoryKiB, parsed.Iterations, parsed.Parallelism, parsed.Salt, parsed.Hash) == text;
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(1000));
    }

    [Fact]
    public void Verify_MutatedHashStrings_ReturnFailedWithoutException()
    {
        // echo -n password | argon2 somesalt -id -t 1 -m 3 -p 1 -e: cheap enough to really hash every mutation that parses.
        const string small = "$argon2id$v=19$m=8,t=1,p=1$c29tZXNhbHQ$8Tf44YakA6Z5zNBgblq13Nr+Q8FkCFWsjG4z6b1j7rM";
        using var hasher = new Argon2idPasswordHasher(Options.Create(new Argon2idOptions { MaxVerificationMemoryKiB = Argon2idDefaults.MemoryKiB }));
        Assert.Equal(PasswordVerificationResult.SuccessRehashNeeded, hasher.Verify("password", small));
        var mutations = Gen.Zip(Gen.Choose(0, small.Length - 1), Gen.Elements("$,=+/09A\0".ToCharArray()));
        Prop.ForAll(mutations.ToArbitrary(), mutation =>
        {
            var text = small.Remove(mutation.Item1, 1).Insert(mutation.Item1, mutation.Item2.ToString());
            return text == small || hasher.Verify("password", text) == PasswordVerificationResult.Failed;
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(500));
    }

    [Fact]
    public void ApiKeyParse_RandomStrings_NeverThrowsNorAccepts() =>
        Prop.ForAll(ArbMap.Default.ArbFor<NonNull<string>>(), text => ApiKeyFormat.Parse(text.Get, "apk", out _) != ApiKeyValidationStatus.Valid)
            .Check(Config.QuickThrowOnFailure.WithMaxTest(2000));
}
