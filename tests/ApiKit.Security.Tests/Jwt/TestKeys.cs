using System.Security.Cryptography;
using ApiKit.Security.Jwt;

namespace ApiKit.Security.Tests.Jwt;

/// <summary>RSA-2048 generation costs ~100 ms; tests share two generated keys and import a fresh instance each time.</summary>
internal static class TestKeys
{
    private static readonly Lazy<RSAParameters>[] RsaKeys =
    [
        new(() => Generate()),
        new(() => Generate()),
    ];

    public static JwtSigningKey Rsa(string keyId, JwsAlgorithm algorithm = JwsAlgorithm.RS256, int index = 0)
    {
        var rsa = RSA.Create();
        rsa.ImportParameters(RsaKeys[index].Value);
        return JwtSigningKey.FromRsa(keyId, rsa, algorithm);
    }

    public static JwtSigningKey Create(string keyId, JwsAlgorithm algorithm) =>
        algorithm is JwsAlgorithm.RS256 or JwsAlgorithm.PS256 ? Rsa(keyId, algorithm) : JwtSigningKey.Generate(keyId, algorithm);

    private static RSAParameters Generate()
    {
        using var rsa = RSA.Create(2048);
        return rsa.ExportParameters(includePrivateParameters: true);
    }
}
