using ApiKit.Security.ApiKeys;
using ChatApi.Data.Sqlite;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace ChatApi.Auth;

/// <summary>Registers the ChatApi's credentials: Argon2id passwords, TOTP with backup codes, API keys.</summary>
internal static class SecurityServiceCollectionExtensions
{
    public static IServiceCollection AddChatSecurity(this IServiceCollection services, IConfiguration configuration)
    {
        // OWASP defaults unless Security:Argon2id says otherwise (the tests lower the cost to keep hundreds of logins fast).
        services.AddArgon2idPasswordHasher(configuration.GetSection("Security:Argon2id"));
        services.AddSingleton<UnknownUserPasswordHash>();
        services.AddMfa(totp => totp.Issuer = "ChatApi");

        // TOTP secrets are encrypted with Data Protection: its key ring lives next to the database ("keys" folder), so
        // the secrets stay readable after a restart and every database has its own ring.
        services.AddOptions<KeyManagementOptions>().Configure<SqliteConnectionFactory, ILoggerFactory>((options, database, loggers) =>
            options.XmlRepository = new FileSystemXmlRepository(
                new DirectoryInfo(Path.Combine(Path.GetDirectoryName(database.DataSource) ?? ".", "keys")),
                loggers));
        services.AddApiKeys(options => options.Prefix = "chat");
        services.AddAuthentication(ApiKeyDefaults.AuthenticationScheme).AddApiKey();
        services.AddAuthorization();
        return services;
    }
}
