using System.Security.Cryptography;
using System.Text;
using ApiKit.Security.Jwt;
using ApiKit.Testing;

namespace ApiKit.Security.Tests.Jwt;

/// <summary>A validator, issuer and key ring wired together on a manual clock, plus a forger for hand-made tokens.</summary>
internal sealed class JwtTestKit
{
    public const string Issuer = "https://api.chatapp.com";
    public const string Audience = "chatapp-client";

    public JwtTestKit(JwsAlgorithm algorithm = JwsAlgorithm.RS256, Action<JwtOptions>? configure = null, JwtSigningKey? key = null, DateTimeOffset? start = null)
    {
        Time = start is { } s ? new ManualTimeProvider(s) : new ManualTimeProvider();
        Key = key ?? TestKeys.Create("key-1", algorithm);
        Ring = new JwtKeyRing(Key, Time);
        Options = new JwtOptions { Issuer = Issuer };
        Options.Audiences.Add(Audience);
        configure?.Invoke(Options);
        Validator = new JwtValidator(Options, Ring, Time);
        Issuer_ = new JwtIssuer(Options, Ring, Time);
    }

    public ManualTimeProvider Time { get; }

    public JwtSigningKey Key { get; }

    public JwtKeyRing Ring { get; }

    public JwtOptions Options { get; }

    public JwtValidator Validator { get; }

    public JwtIssuer Issuer_ { get; }

    public long Now => Time.GetUtcNow().ToUnixTimeSeconds();

    public string Issue(Action<JwtTokenDescriptor>? configure = null)
    {
        var descriptor = new JwtTokenDescriptor { Subject = "user-1" };
        configure?.Invoke(descriptor);
        return Issuer_.Issue(descriptor);
    }

    public string DefaultHeader(string? alg = null, string? kid = null) =>
        $$"""{"alg":"{{alg ?? Key.Algorithm.ToString()}}","typ":"at+jwt","kid":"{{kid ?? Key.KeyId}}"}""";

    public string DefaultPayload(long? exp = null, string? aud = null, string? iss = null) =>
        $$"""{"iss":"{{iss ?? Issuer}}","sub":"user-1","aud":"{{aud ?? Audience}}","exp":{{exp ?? (Now + 600)}},"iat":{{Now}}}""";

    public string Forge(string header, string payload, JwtSigningKey? key = null) => Forge(header, payload, key ?? Key, null);

    public static string Forge(string header, string payload, JwtSigningKey key, Func<byte[], byte[]>? signer)
    {
        var input = B64(Encoding.UTF8.GetBytes(header)) + "." + B64(Encoding.UTF8.GetBytes(payload));
        var bytes = Encoding.ASCII.GetBytes(input);
        var signature = signer is not null ? signer(bytes) : JwtIssuer.Sign(key, bytes);
        return input + "." + B64(signature);
    }

    public static string B64(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static byte[] FromB64(string s)
    {
        var padded = s.Replace('-', '+').Replace('_', '/');
        padded += new string('=', (4 - (padded.Length % 4)) % 4);
        return Convert.FromBase64String(padded);
    }

    public static byte[] HmacSign(byte[] secret, byte[] input) => HMACSHA256.HashData(secret, input);
}
