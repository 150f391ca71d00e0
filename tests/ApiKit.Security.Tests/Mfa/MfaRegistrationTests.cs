using ApiKit.Security.ApiKeys;
using ApiKit.Security.Mfa;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace ApiKit.Security.Tests.Mfa;

public sealed class MfaRegistrationTests
{
    private static IConfiguration Configuration(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build();

    [Fact]
    public void AddMfa_Configuration_BindsAllThreeSections()
    {
        var configuration = Configuration(new()
        {
            ["Totp:Issuer"] = "Chat",
            ["Totp:Digits"] = "8",
            ["BackupCodes:Count"] = "5",
            ["Lockout:MaxFailedAttempts"] = "3",
        });
        using var provider = new ServiceCollection().AddMfa(configuration).AddInMemoryMfaStores().BuildServiceProvider();

        Assert.Equal(("Chat", 8), (provider.GetRequiredService<IOptions<TotpOptions>>().Value.Issuer, provider.GetRequiredService<IOptions<TotpOptions>>().Value.Digits));
        Assert.Equal(5, provider.GetRequiredService<IOptions<BackupCodeOptions>>().Value.Count);
        Assert.Equal(3, provider.GetRequiredService<IOptions<MfaLockoutOptions>>().Value.MaxFailedAttempts);
        Assert.IsType<InMemoryMfaAttemptGuard>(provider.GetRequiredService<IMfaAttemptGuard>());
    }

    [Fact]
    public async Task AddMfa_InvalidLockout_FailsAtHostStart()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddMfa(configureLockout: o => o.LockoutDuration = TimeSpan.Zero).AddInMemoryMfaStores();
        using var host = builder.Build();
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains("LockoutDuration", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddMfa_CustomGuardRegisteredFirst_IsKept()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IMfaAttemptGuard, NeverLockedGuard>();
        using var provider = services.AddMfa().AddInMemoryMfaStores().BuildServiceProvider();
        Assert.IsType<NeverLockedGuard>(provider.GetRequiredService<IMfaAttemptGuard>());
    }

    [Fact]
    public void AddApiKeys_Configuration_BindsPrefixAndLifetime()
    {
        var configuration = Configuration(new() { ["Prefix"] = "chat", ["DefaultLifetime"] = "7.00:00:00" });
        using var provider = new ServiceCollection().AddApiKeys(configuration).AddInMemoryApiKeyStore().BuildServiceProvider();
        var options = provider.GetRequiredService<IOptions<ApiKeyOptions>>().Value;
        Assert.Equal(("chat", TimeSpan.FromDays(7)), (options.Prefix, options.DefaultLifetime));
    }

    private sealed class NeverLockedGuard : IMfaAttemptGuard
    {
        public ValueTask<bool> IsLockedOutAsync(string userId, CancellationToken cancellationToken) => ValueTask.FromResult(false);

        public ValueTask RecordFailureAsync(string userId, MfaMethod method, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask RecordSuccessAsync(string userId, MfaMethod method, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }
}
