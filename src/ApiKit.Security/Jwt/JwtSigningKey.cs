using System.Security.Cryptography;
using System.Text;

namespace ApiKit.Security.Jwt;

/// <summary>
/// A key with an id and exactly one JWS algorithm (RFC 8725 section 3.1): an RSA key for RS256 or PS256, a P-256 key
/// for ES256, or an HMAC secret for HS256. A token signed with another algorithm never verifies with this key.
/// </summary>
/// <remarks>The key takes ownership of the <see cref="RSA"/> or <see cref="ECDsa"/> instance it is created from.</remarks>
public sealed class JwtSigningKey : IDisposable
{
    /// <summary>The smallest RSA modulus accepted, in bits (RFC 7518 section 3.3).</summary>
    public const int MinimumRsaKeySize = 2048;

    /// <summary>The smallest HMAC secret accepted, in bytes: the hash size (RFC 7518 section 3.2).</summary>
    public const int MinimumHmacSecretSize = 32;

    private const string P256Oid = "1.2.840.10045.3.1.7";

    private readonly byte[]? _secret;

    private JwtSigningKey(string keyId, JwsAlgorithm algorithm, RSA? rsa, ECDsa? ecdsa, byte[]? secret, bool canSign)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(keyId);
        KeyId = keyId;
        KeyIdUtf8 = Encoding.UTF8.GetBytes(keyId);
        Algorithm = algorithm;
        Rsa = rsa;
        ECDsa = ecdsa;
        _secret = secret;
        CanSign = canSign;
        SignatureSize = algorithm switch
        {
            JwsAlgorithm.RS256 or JwsAlgorithm.PS256 => rsa!.KeySize / 8,
            JwsAlgorithm.ES256 => 64,
            _ => 32,
        };
    }

    /// <summary>Gets the key id, sent as the <c>kid</c> header and published in the JWKS document.</summary>
    public string KeyId { get; }

    /// <summary>Gets the only algorithm this key signs and verifies with.</summary>
    public JwsAlgorithm Algorithm { get; }

    /// <summary>Gets a value indicating whether the key holds private material and can sign.</summary>
    public bool CanSign { get; }

    /// <summary>Gets a value indicating whether the key is symmetric (HS256), so it is never published.</summary>
    public bool IsSymmetric => _secret is not null;

    internal byte[] KeyIdUtf8 { get; }

    internal RSA? Rsa { get; }

    internal ECDsa? ECDsa { get; }

    internal ReadOnlySpan<byte> Secret => _secret;

    internal int SignatureSize { get; }

    /// <summary>Creates an RS256 or PS256 key from an RSA key of at least 2048 bits.</summary>
    /// <param name="keyId">The key id.</param>
    /// <param name="rsa">The RSA key; public only for verification keys.</param>
    /// <param name="algorithm"><see cref="JwsAlgorithm.RS256"/> or <see cref="JwsAlgorithm.PS256"/>.</param>
    /// <returns>The key.</returns>
    public static JwtSigningKey FromRsa(string keyId, RSA rsa, JwsAlgorithm algorithm = JwsAlgorithm.RS256)
    {
        ArgumentNullException.ThrowIfNull(rsa);
        if (algorithm is not (JwsAlgorithm.RS256 or JwsAlgorithm.PS256))
        {
            throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "An RSA key is used with RS256 or PS256.");
        }

        if (rsa.KeySize < MinimumRsaKeySize)
        {
            throw new ArgumentException($"RSA keys must have at least {MinimumRsaKeySize} bits.", nameof(rsa));
        }

        return new JwtSigningKey(keyId, algorithm, rsa, null, null, HasPrivateKey(rsa));
    }

    /// <summary>Creates an ES256 key from a P-256 key.</summary>
    /// <param name="keyId">The key id.</param>
    /// <param name="ecdsa">The P-256 key; public only for verification keys.</param>
    /// <returns>The key.</returns>
    public static JwtSigningKey FromECDsa(string keyId, ECDsa ecdsa)
    {
        ArgumentNullException.ThrowIfNull(ecdsa);
        var parameters = ecdsa.ExportParameters(false);
        if (parameters.Curve.Oid?.Value != P256Oid && parameters.Curve.Oid?.FriendlyName is not ("nistP256" or "ECDSA_P256"))
        {
            throw new ArgumentException("ES256 needs a P-256 key.", nameof(ecdsa));
        }

        return new JwtSigningKey(keyId, JwsAlgorithm.ES256, null, ecdsa, null, HasPrivateKey(ecdsa));
    }

    /// <summary>
    /// Creates an HS256 key. HS256 is only accepted when <see cref="JwtOptions.Algorithms"/> lists it, and
    /// <see cref="JwtKeyRing"/> refuses a secret that equals the encoding of any of its asymmetric keys.
    /// </summary>
    /// <param name="keyId">The key id.</param>
    /// <param name="secret">At least 32 random bytes; copied.</param>
    /// <returns>The key.</returns>
    public static JwtSigningKey FromHmacSecret(string keyId, ReadOnlySpan<byte> secret)
    {
        if (secret.Length < MinimumHmacSecretSize)
        {
            throw new ArgumentException($"HS256 secrets must have at least {MinimumHmacSecretSize} bytes.", nameof(secret));
        }

        return new JwtSigningKey(keyId, JwsAlgorithm.HS256, null, null, secret.ToArray(), canSign: true);
    }

    /// <summary>Generates a new key for <paramref name="algorithm"/> (RSA keys have 2048 bits, HMAC secrets 32 bytes).</summary>
    /// <param name="keyId">The key id.</param>
    /// <param name="algorithm">The algorithm.</param>
    /// <returns>The key.</returns>
    public static JwtSigningKey Generate(string keyId, JwsAlgorithm algorithm) => algorithm switch
    {
        JwsAlgorithm.RS256 or JwsAlgorithm.PS256 => FromRsa(keyId, RSA.Create(MinimumRsaKeySize), algorithm),
        JwsAlgorithm.ES256 => FromECDsa(keyId, ECDsa.Create(ECCurve.NamedCurves.nistP256)),
        JwsAlgorithm.HS256 => FromHmacSecret(keyId, RandomNumberGenerator.GetBytes(MinimumHmacSecretSize)),
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "Unknown algorithm."),
    };

    /// <summary>Creates a key from a PEM-encoded RSA or EC key (private or public).</summary>
    /// <param name="keyId">The key id.</param>
    /// <param name="pem">The PEM text.</param>
    /// <param name="algorithm">RS256, PS256 or ES256.</param>
    /// <returns>The key.</returns>
    public static JwtSigningKey FromPem(string keyId, string pem, JwsAlgorithm algorithm)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pem);
        switch (algorithm)
        {
            case JwsAlgorithm.RS256 or JwsAlgorithm.PS256:
                var rsa = RSA.Create();
                rsa.ImportFromPem(pem);
                return FromRsa(keyId, rsa, algorithm);
            case JwsAlgorithm.ES256:
                var ecdsa = ECDsa.Create();
                ecdsa.ImportFromPem(pem);
                return FromECDsa(keyId, ecdsa);
            default:
                throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "PEM keys are RSA or EC keys.");
        }
    }

    /// <summary>Returns the encodings an attacker could use as an HMAC secret in an RS/HS confusion attack.</summary>
    internal IEnumerable<byte[]> PublicEncodings()
    {
        AsymmetricAlgorithm? key = (AsymmetricAlgorithm?)Rsa ?? ECDsa;
        if (key is null)
        {
            yield break;
        }

        yield return key.ExportSubjectPublicKeyInfo();
        var pem = key.ExportSubjectPublicKeyInfoPem();
        yield return Encoding.UTF8.GetBytes(pem);
        yield return Encoding.UTF8.GetBytes(pem + "\n");
        if (Rsa is not null)
        {
            yield return Rsa.ExportRSAPublicKey();
            var pkcs1 = Rsa.ExportRSAPublicKeyPem();
            yield return Encoding.UTF8.GetBytes(pkcs1);
            yield return Encoding.UTF8.GetBytes(pkcs1 + "\n");
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Rsa?.Dispose();
        ECDsa?.Dispose();
        if (_secret is not null)
        {
            CryptographicOperations.ZeroMemory(_secret);
        }
    }

    private static bool HasPrivateKey(RSA rsa)
    {
        try
        {
            _ = rsa.ExportParameters(includePrivateParameters: true);
            return true;
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    private static bool HasPrivateKey(ECDsa ecdsa)
    {
        try
        {
            return ecdsa.ExportParameters(includePrivateParameters: true).D is not null;
        }
        catch (CryptographicException)
        {
            return false;
        }
    }
}
