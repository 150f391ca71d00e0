using System.Globalization;
using ApiKit.Security.Jwt;

namespace ChatApi.Auth;

/// <summary>
/// The key ring of the access tokens. <c>Security:Jwt:SigningKey:PemFile</c> (or <c>:Pem</c>) names an ES256 (P-256) or
/// RS256 private key; without one, a fresh ES256 key is generated at start-up, which suits development and tests only:
/// tokens die with the process and instances do not share it.
/// </summary>
internal static partial class ChatSigningKeys
{
    public const string DefaultIssuer = "chatapi";

    public const string DefaultAudience = "chatapi";

    public static JwtKeyRing CreateKeyRing(IServiceProvider services)
    {
        var configuration = services.GetRequiredService<IConfiguration>().GetSection("Security:Jwt:SigningKey");
        var timeProvider = services.GetRequiredService<TimeProvider>();
        var pem = configuration["Pem"] is { Length: > 0 } inline
            ? inline
            : configuration["PemFile"] is { Length: > 0 } file ? File.ReadAllText(file) : null;
        if (pem is null)
        {
            var keyId = "dev-" + timeProvider.GetUtcNow().ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
            LogGenerated(services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ChatSigningKeys)), keyId);
            return new JwtKeyRing(JwtSigningKey.Generate(keyId, JwsAlgorithm.ES256), timeProvider);
        }

        var algorithm = Enum.Parse<JwsAlgorithm>(configuration["Algorithm"] ?? nameof(JwsAlgorithm.ES256), ignoreCase: true);
        return new JwtKeyRing(JwtSigningKey.FromPem(configuration["KeyId"] ?? "chatapi-1", pem, algorithm), timeProvider);
    }

    [LoggerMessage(1, LogLevel.Warning, "No Security:Jwt:SigningKey is configured: generated the ES256 key {KeyId} for this process only; access tokens will not survive a restart.")]
    private static partial void LogGenerated(ILogger logger, string keyId);
}
