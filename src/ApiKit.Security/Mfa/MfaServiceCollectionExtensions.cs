using ApiKit.Security.Mfa;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers TOTP, backup codes and the second-factor attempt guard.</summary>
public static class MfaServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="TotpAuthenticator"/> and <see cref="BackupCodeManager"/> (singletons), Data Protection,
    /// <see cref="TimeProvider.System"/> unless one is registered, and <see cref="InMemoryMfaAttemptGuard"/> unless an
    /// <see cref="IMfaAttemptGuard"/> is registered. Register an <see cref="ITotpStore"/> and an
    /// <see cref="IBackupCodeStore"/> too (see <see cref="AddInMemoryMfaStores"/> for development).
    /// </summary>
    public static IServiceCollection AddMfa(
        this IServiceCollection services,
        Action<TotpOptions>? configureTotp = null,
        Action<BackupCodeOptions>? configureBackupCodes = null,
        Action<MfaLockoutOptions>? configureLockout = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        AddValidated(services, configureTotp, new TotpOptionsValidator());
        AddValidated(services, configureBackupCodes, new BackupCodeOptionsValidator());
        AddValidated(services, configureLockout, new MfaLockoutOptionsValidator());
        services.AddDataProtection();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IMfaAttemptGuard, InMemoryMfaAttemptGuard>();
        services.TryAddSingleton<TotpAuthenticator>();
        services.TryAddSingleton<BackupCodeManager>();
        return services;
    }

    /// <summary>Registers <see cref="AddMfa(IServiceCollection, Action{TotpOptions}?, Action{BackupCodeOptions}?, Action{MfaLockoutOptions}?)"/> with options bound from the <c>Totp</c>, <c>BackupCodes</c> and <c>Lockout</c> sections of <paramref name="configuration"/>.</summary>
    public static IServiceCollection AddMfa(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddMfa();
        services.AddOptions<TotpOptions>().Bind(configuration.GetSection("Totp"));
        services.AddOptions<BackupCodeOptions>().Bind(configuration.GetSection("BackupCodes"));
        services.AddOptions<MfaLockoutOptions>().Bind(configuration.GetSection("Lockout"));
        return services;
    }

    /// <summary>Registers <see cref="InMemoryTotpStore"/> and <see cref="InMemoryBackupCodeStore"/>: for tests and development only.</summary>
    public static IServiceCollection AddInMemoryMfaStores(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<ITotpStore, InMemoryTotpStore>();
        services.TryAddSingleton<IBackupCodeStore, InMemoryBackupCodeStore>();
        return services;
    }

    private static void AddValidated<TOptions>(IServiceCollection services, Action<TOptions>? configure, IValidateOptions<TOptions> validator)
        where TOptions : class
    {
        var builder = services.AddOptions<TOptions>().ValidateOnStart();
        if (configure is not null)
        {
            builder.Configure(configure);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton(validator));
    }
}
