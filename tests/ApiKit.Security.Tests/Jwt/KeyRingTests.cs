using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ApiKit.Security.Jwt;

namespace ApiKit.Security.Tests.Jwt;

public sealed class KeyRingTests
{
    [Fact]
    public void Rotate_OldKeyVerifiesDuringOverlapOnly()
    {
        var kit = new JwtTestKit(JwsAlgorithm.ES256, o => o.AccessTokenLifetime = TimeSpan.FromHours(2));
        var before = kit.Issue();

        kit.Ring.Rotate(JwtSigningKey.Generate("key-2", JwsAlgorithm.ES256), TimeSpan.FromMinutes(20));
        var after = kit.Issue();

        Assert.True(kit.Validator.Validate(before).IsValid);
        Assert.True(kit.Validator.Validate(after).IsValid);
        Assert.Equal("key-2", kit.Validator.Validate(after).Token!.KeyId);

        kit.Time.Advance(TimeSpan.FromMinutes(21));
        Assert.Equal(JwtValidationError.UnknownKey, kit.Validator.Validate(before).Error);
        Assert.True(kit.Validator.Validate(after).IsValid);
    }

    [Fact]
    public void Revoke_VerificationKey_RejectsItsTokensAtOnce()
    {
        var kit = new JwtTestKit(JwsAlgorithm.ES256);
        var before = kit.Issue();
        kit.Ring.Rotate(JwtSigningKey.Generate("key-2", JwsAlgorithm.ES256), TimeSpan.FromHours(1));

        Assert.True(kit.Ring.Revoke("key-1"));

        Assert.Equal(JwtValidationError.UnknownKey, kit.Validator.Validate(before).Error);
        Assert.Throws<InvalidOperationException>(() => kit.Ring.Revoke("key-2"));
    }

    [Fact]
    public void AddVerificationKey_HmacSecretEqualToPublicKeyPem_IsRefused()
    {
        var kit = new JwtTestKit();
        var pem = Encoding.UTF8.GetBytes(kit.Key.Rsa!.ExportSubjectPublicKeyInfoPem());
        Assert.Throws<ArgumentException>(() => kit.Ring.AddVerificationKey(JwtSigningKey.FromHmacSecret("hs", pem)));
        Assert.Throws<ArgumentException>(() => kit.Ring.AddVerificationKey(JwtSigningKey.FromHmacSecret("hs", kit.Key.Rsa.ExportSubjectPublicKeyInfo())));
    }

    [Fact]
    public void AddVerificationKey_DuplicateKeyId_IsRefused()
    {
        var kit = new JwtTestKit();
        Assert.Throws<ArgumentException>(() => kit.Ring.AddVerificationKey(JwtSigningKey.Generate("key-1", JwsAlgorithm.ES256)));
    }

    [Fact]
    public void Create_WeakKeys_AreRefused()
    {
        Assert.Throws<ArgumentException>(() => JwtSigningKey.FromRsa("small", RSA.Create(1024)));
        Assert.Throws<ArgumentException>(() => JwtSigningKey.FromECDsa("p384", ECDsa.Create(ECCurve.NamedCurves.nistP384)));
        Assert.Throws<ArgumentException>(() => JwtSigningKey.FromHmacSecret("short", new byte[31]));
        Assert.Throws<ArgumentOutOfRangeException>(() => JwtSigningKey.FromRsa("es", RSA.Create(2048), JwsAlgorithm.ES256));
    }

    [Fact]
    public void JsonWebKeySet_ListsPublicPartsOnly()
    {
        var kit = new JwtTestKit(JwsAlgorithm.RS256);
        kit.Ring.AddVerificationKey(JwtSigningKey.Generate("ec-1", JwsAlgorithm.ES256));
        kit.Ring.AddVerificationKey(JwtSigningKey.Generate("hs-1", JwsAlgorithm.HS256));

        using var document = JsonDocument.Parse(JsonWebKeySet.Write(kit.Ring.GetVerificationKeys()));
        var keys = document.RootElement.GetProperty("keys").EnumerateArray().ToList();

        Assert.Equal(2, keys.Count);
        var rsa = keys.Single(k => k.GetProperty("kty").GetString() == "RSA");
        Assert.Equal(["kty", "kid", "use", "alg", "n", "e"], rsa.EnumerateObject().Select(p => p.Name));
        Assert.Equal("AQAB", rsa.GetProperty("e").GetString());
        var ec = keys.Single(k => k.GetProperty("kty").GetString() == "EC");
        Assert.Equal(["kty", "kid", "use", "alg", "crv", "x", "y"], ec.EnumerateObject().Select(p => p.Name));
        Assert.Equal("ES256", ec.GetProperty("alg").GetString());

        // The published modulus is the key's: rebuild it and verify a token with it.
        var rebuilt = RSA.Create();
        rebuilt.ImportParameters(new RSAParameters { Modulus = JwtTestKit.FromB64(rsa.GetProperty("n").GetString()!), Exponent = JwtTestKit.FromB64("AQAB") });
        Assert.Equal(kit.Key.Rsa!.ExportSubjectPublicKeyInfo(), rebuilt.ExportSubjectPublicKeyInfo());
    }
}
