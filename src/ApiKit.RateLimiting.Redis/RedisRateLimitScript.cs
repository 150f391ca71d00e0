using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;
using StackExchange.Redis;

namespace ApiKit.RateLimiting.Redis;

/// <summary>
/// The decision script (<c>RateLimit.lua</c>), run with EVALSHA. When a server does not know it (first use, after a
/// restart or on another cluster node) it is sent once with EVAL, which also caches it on that server.
/// </summary>
/// <remarks>
/// Both scripts take the algorithms from <c>LimitAlgorithms.lua</c>, put in place of their include line here, so the
/// single and the batched decision cannot drift apart.
/// </remarks>
internal static class RedisRateLimitScript
{
    private const string IncludeLine = "-- #include LimitAlgorithms.lua";

    public static readonly string Source = Compose("RateLimit.lua");

    public static readonly byte[] Hash = Sha1(Source);

    /// <summary>The batch script (<c>RateLimitBatch.lua</c>): several requests decided in order in one call.</summary>
    public static readonly string BatchSource = Compose("RateLimitBatch.lua");

    public static readonly byte[] BatchHash = Sha1(BatchSource);

    public static Task<RedisResult> EvaluateAsync(IDatabase database, RedisKey[] keys, RedisValue[] values) =>
        EvaluateAsync(database, Hash, Source, keys, values);

    public static Task<RedisResult> EvaluateBatchAsync(IDatabase database, RedisKey[] keys, RedisValue[] values) =>
        EvaluateAsync(database, BatchHash, BatchSource, keys, values);

    private static async Task<RedisResult> EvaluateAsync(IDatabase database, byte[] hash, string source, RedisKey[] keys, RedisValue[] values)
    {
        try
        {
            return await database.ScriptEvaluateAsync(hash, keys, values).ConfigureAwait(false);
        }
        catch (RedisServerException e) when (e.Message.StartsWith("NOSCRIPT", StringComparison.Ordinal))
        {
            return await database.ScriptEvaluateAsync(source, keys, values).ConfigureAwait(false);
        }
    }

    [SuppressMessage("Security", "CA5350:Do Not Use Weak Cryptographic Algorithms", Justification = "SHA-1 is how Redis names scripts (EVALSHA); it protects nothing.")]
    private static byte[] Sha1(string source) => SHA1.HashData(Encoding.UTF8.GetBytes(source));

    private static string Compose(string name)
    {
        var script = Load(name);
        var at = script.IndexOf(IncludeLine, StringComparison.Ordinal);
        if (at < 0 || script.IndexOf(IncludeLine, at + 1, StringComparison.Ordinal) >= 0)
        {
            throw new InvalidOperationException($"The rate limit script {name} must include the algorithms exactly once.");
        }

        return string.Concat(script.AsSpan(0, at), Load("LimitAlgorithms.lua"), script.AsSpan(at + IncludeLine.Length));
    }

    private static string Load(string name)
    {
        using var stream = typeof(RedisRateLimitScript).Assembly.GetManifestResourceStream("ApiKit.RateLimiting.Redis." + name)
            ?? throw new InvalidOperationException("The rate limit script is not embedded.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
