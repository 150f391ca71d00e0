using ApiKit.Security.Passwords;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ApiKit.Security.Tests.Passwords;

public sealed class Argon2idIdentityPasswordHasherTests
{
    private sealed class User;

    private static ServiceProvider Build() =>
        new ServiceCollection()
            .AddArgon2idIdentityPasswordHasher<User>(o => (o.MemoryKiB, o.Iterations) = (Argon2idDefaults.MinMemoryKiB, 1))
            .BuildServiceProvider(validateScopes: true);

    [Fact]
    public void HashPassword_ProducesArgon2idThatVerifies()
    {
        using var provider = Build();
        using var scope = provider.CreateScope();
        var hasher = scope.ServiceProvider.GetRequiredService<IPasswordHasher<User>>();
        var user = new User();
        var hash = hasher.HashPassword(user, "identity password");

        Assert.StartsWith("$argon2id$", hash, StringComparison.Ordinal);
        Assert.Equal(PasswordVerificationResult.Success, hasher.VerifyHashedPassword(user, hash, "identity password"));
        Assert.Equal(PasswordVerificationResult.Failed, hasher.VerifyHashedPassword(user, hash, "identity passworD"));
    }

    [Theory]
    [InlineData(PasswordHasherCompatibilityMode.IdentityV2)]
    [InlineData(PasswordHasherCompatibilityMode.IdentityV3)]
    public void VerifyHashedPassword_ExistingIdentityPbkdf2Hash_SucceedsAndAsksForRehash(PasswordHasherCompatibilityMode mode)
    {
        var legacy = new PasswordHasher<User>(Options.Create(new PasswordHasherOptions { CompatibilityMode = mode }));
        var user = new User();
        var pbkdf2 = legacy.HashPassword(user, "old password");
        using var provider = Build();
        using var scope = provider.CreateScope();
        var hasher = scope.ServiceProvider.GetRequiredService<IPasswordHasher<User>>();

        Assert.Equal(PasswordVerificationResult.SuccessRehashNeeded, hasher.VerifyHashedPassword(user, pbkdf2, "old password"));
        Assert.Equal(PasswordVerificationResult.Failed, hasher.VerifyHashedPassword(user, pbkdf2, "wrong password"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not base64 at all!")]
    [InlineData("AAAA")]
    [InlineData("$argon2id$v=19$m=1,t=1,p=1$AAAA$AAAA")]
    public void VerifyHashedPassword_Garbage_Fails(string stored)
    {
        using var provider = Build();
        using var scope = provider.CreateScope();
        var hasher = scope.ServiceProvider.GetRequiredService<IPasswordHasher<User>>();
        Assert.Equal(PasswordVerificationResult.Failed, hasher.VerifyHashedPassword(new User(), stored, "password"));
    }

    [Fact]
    public void AddArgon2idIdentityPasswordHasher_AfterAddIdentityCore_ReplacesDefault()
    {
        var services = new ServiceCollection();
        services.AddIdentityCore<User>();
        services.AddArgon2idIdentityPasswordHasher<User>();
        using var provider = services.BuildServiceProvider();
        using var scope = provider.CreateScope();
        Assert.IsType<Argon2idIdentityPasswordHasher<User>>(scope.ServiceProvider.GetRequiredService<IPasswordHasher<User>>());
    }

    [Fact]
    public void AddArgon2idPasswordHasher_InvalidConfiguration_FailsValidation()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["MemoryKiB"] = "64", ["Iterations"] = "3" })
            .Build();
        using var provider = new ServiceCollection().AddArgon2idPasswordHasher(configuration).BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<Argon2idOptions>>().Value);
        Assert.Contains("MemoryKiB", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddArgon2idPasswordHasher_ValidConfiguration_BindsOptions()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["MemoryKiB"] = "8192", ["Iterations"] = "3" })
            .Build();
        using var provider = new ServiceCollection().AddArgon2idPasswordHasher(configuration).BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<Argon2idOptions>>().Value;
        Assert.Equal((8192, 3, 1), (options.MemoryKiB, options.Iterations, options.Parallelism));
        Assert.StartsWith("$argon2id$v=19$m=8192,t=3,p=1$", provider.GetRequiredService<Argon2idPasswordHasher>().Hash("bound"), StringComparison.Ordinal);
    }
}
