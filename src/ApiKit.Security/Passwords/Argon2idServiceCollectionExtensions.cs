using ApiKit.Security.Passwords;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Argon2id password hasher.</summary>
public static class Argon2idServiceCollectionExtensions
{
    /// <summary>Registers <see cref="Argon2idPasswordHasher"/> as a singleton with options validated at start.</summary>
    public static IServiceCollection AddArgon2idPasswordHasher(this IServiceCollection services, Action<Argon2idOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var builder = services.AddOptions<Argon2idOptions>().ValidateOnStart();
        if (configure is not null)
        {
            builder.Configure(configure);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<Argon2idOptions>, Argon2idOptionsValidator>());
        services.TryAddSingleton<Argon2idPasswordHasher>();
        return services;
    }

    /// <summary>Registers <see cref="Argon2idPasswordHasher"/> with options bound from <paramref name="configuration"/>.</summary>
    public static IServiceCollection AddArgon2idPasswordHasher(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddArgon2idPasswordHasher();
        services.AddOptions<Argon2idOptions>().Bind(configuration);
        return services;
    }

    /// <summary>
    /// Replaces ASP.NET Core Identity's <see cref="IPasswordHasher{TUser}"/> with Argon2id. Existing Identity
    /// (PBKDF2) hashes still verify and are reported as needing a rehash, so they upgrade at the next login.
    /// Call before or after <c>AddIdentity</c>.
    /// </summary>
    public static IServiceCollection AddArgon2idIdentityPasswordHasher<TUser>(this IServiceCollection services, Action<Argon2idOptions>? configure = null)
        where TUser : class
    {
        services.AddArgon2idPasswordHasher(configure);
        services.Replace(ServiceDescriptor.Scoped<IPasswordHasher<TUser>, Argon2idIdentityPasswordHasher<TUser>>());
        return services;
    }
}
