using ApiKit.Security.ApiKeys;
using ApiKit.Security.Jwt;
using ApiKit.Security.Tokens;
using ChatApi.Data.Sqlite;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace ChatApi.Auth;

/// <summary>
/// Registers the ChatApi's security: Argon2id passwords, TOTP with backup codes, API keys, JWT access tokens with
/// rotating refresh tokens, the permission matrix, and security headers.
/// </summary>
internal static class SecurityServiceCollectionExtensions
{
    /// <summary>The scheme that picks the API key handler when <c>X-API-Key</c> is present and the bearer handler otherwise.</summary>
    public const string ChatScheme = "Chat";

    public static IServiceCollection AddChatSecurity(this IServiceCollection services, IConfiguration configuration)
    {
        var security = configuration.GetSection("Security");

        // OWASP defaults unless Security:Argon2id says otherwise (the tests lower the cost to keep hundreds of logins fast).
        services.AddArgon2idPasswordHasher(security.GetSection("Argon2id"));
        services.AddSingleton<UnknownUserPasswordHash>();
        services.AddMfa(totp => totp.Issuer = "ChatApi");

        // TOTP secrets are encrypted with Data Protection: its key ring lives next to the database ("keys" folder), so
        // the secrets stay readable after a restart and every database has its own ring.
        services.AddOptions<KeyManagementOptions>().Configure<SqliteConnectionFactory, ILoggerFactory>((options, database, loggers) =>
            options.XmlRepository = new FileSystemXmlRepository(
                new DirectoryInfo(Path.Combine(Path.GetDirectoryName(database.DataSource) ?? ".", "keys")),
                loggers));
        services.AddApiKeys(options => options.Prefix = "chat");

        services.AddApiKitJwt(security.GetSection("Jwt"), ChatSigningKeys.CreateKeyRing);
        services.PostConfigure<JwtOptions>(options =>
        {
            if (string.IsNullOrEmpty(options.Issuer))
            {
                options.Issuer = ChatSigningKeys.DefaultIssuer;
            }

            if (options.Audiences.Count == 0)
            {
                options.Audiences.Add(ChatSigningKeys.DefaultAudience);
            }
        });
        services.AddApiKitRefreshTokens();
        services.AddSingleton<IRefreshTokenStore, SqliteRefreshTokenStore>();
        services.AddSingleton<TokenFactory>();

        services.AddAuthentication(ChatScheme)
            .AddPolicyScheme(ChatScheme, "Bearer token or API key", options => options.ForwardDefaultSelector = context =>
                context.Request.Headers.ContainsKey(ApiKeyDefaults.HeaderName) ? ApiKeyDefaults.AuthenticationScheme : JwtDefaults.AuthenticationScheme)
            .AddApiKitJwtBearer()
            .AddApiKey();
        services.AddTransient<IClaimsTransformation, ApiKeyRoleClaimsTransformation>();

        services.AddApiKitPermissions(options =>
        {
            ChatPermissions.AddMatrix(options);
            options.Grants[ChatRoles.Admin] = options.Grants[ChatRoles.Moderator] = options.Grants[ChatRoles.User] = [ChatRoles.RoomJoinPermission];
        });

        // Every endpoint needs an authenticated user unless it says AllowAnonymous (register, login, refresh, health, JWKS, OpenAPI).
        services.AddAuthorizationBuilder().SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());

        services.AddApiKitSecurityHeaders(security.GetSection("Headers"));
        return services;
    }
}
