using ApiKit.Security.ApiKeys;
using ApiKit.Security.Mfa;
using ChatApi.Data.Sqlite;

namespace ChatApi.Data;

/// <summary>Registers the storage of the ChatApi.</summary>
internal static class ChatStorageServiceCollectionExtensions
{
    /// <summary>
    /// Registers the SQLite store (the embedded default), its start-up migration and its readiness check.
    /// A PostgreSQL store would register its own <see cref="IChatDatabase"/> and repositories instead.
    /// </summary>
    public static IServiceCollection AddChatSqliteStorage(this IServiceCollection services)
    {
        services.AddSingleton<SqliteConnectionFactory>();
        services.AddSingleton<IChatDatabase, SqliteChatDatabase>();
        services.AddSingleton<IUserRepository, SqliteUserRepository>();
        services.AddSingleton<IRoomRepository, SqliteRoomRepository>();
        services.AddSingleton<IMessageRepository, SqliteMessageRepository>();
        services.AddSingleton<IMessageDetailsRepository, SqliteMessageDetailsRepository>();
        services.AddSingleton<ISettingRepository, SqliteSettingRepository>();
        services.AddSingleton<ITotpStore, SqliteTotpStore>();
        services.AddSingleton<IBackupCodeStore, SqliteBackupCodeStore>();
        services.AddSingleton<IApiKeyStore, SqliteApiKeyStore>();
        services.AddHostedService<DatabaseMigrationService>();
        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database", tags: ["ready"]);
        return services;
    }
}
