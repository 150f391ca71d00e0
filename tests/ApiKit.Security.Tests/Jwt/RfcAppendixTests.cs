using System.Security.Cryptography;
using ApiKit.Security.Jwt;
using ApiKit.Testing;

namespace ApiKit.Security.Tests.Jwt;

/// <summary>RFC 7515 appendix A.1 (HS256), A.2 (RS256) and A.3 (ES256): the published tokens verify with the published JWKs.</summary>
public sealed class RfcAppendixTests
{
    private const string Payload = "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ";

    private const string A1 = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9." + Payload + ".dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    private const string A1Key = "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow";

    private const string A2 = "eyJhbGciOiJSUzI1NiJ9." + Payload + ".cC4hiUPoj9Eetdgtv3hF80EGrhuB__dzERat0XF9g2VtQgr9PJbu3XOiZj5RZmh7AAuHIm4Bh-0Qc_lF5YKt_O8W2Fp5jujGbds9uJdbF9CUAr7t1dnZcAcQjbKBYNX4BAynRFdiuB--f_nZLgrnbyTyWzO75vRK5h6xBArLIARNPvkSjtQBMHlb1L07Qe7K0GarZRmB_eSN9383LcOLn6_dO--xi12jzDwusC-eOkHWEsqtFZESc6BfI7noOPqvhJ1phCnvWh6IeYI2w9QOYEUipUTI8np6LbgGY9Fs98rqVt5AXLIhWkWywlVmtVrBp0igcN_IoypGlUPQGe77Rw";
    private const string A2N = "ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddxHmfHQp-Vaw-4qPCJrcS2mJPMEzP1Pt0Bm4d4QlL-yRT-SFd2lZS-pCgNMsD1W_YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb_7OMg0LOL-bSf63kpaSHSXndS5z5rexMdbBYUsLA9e-KXBdQOS-UTo7WTBEMa2R2CapHg665xsmtdVMTBQY4uDZlxvb3qCo5ZwKh9kG4LT6_I5IhlJH7aGhyxXFvUK-DWNmoudF8NAco9_h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXpoQ";

    private const string A3 = "eyJhbGciOiJFUzI1NiJ9." + Payload + ".DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q";
    private const string A3X = "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU";
    private const string A3Y = "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0";

    // One second before the examples' exp (1300819380, 2011-03-22T18:43:00Z).
    private static readonly DateTimeOffset BeforeExpiry = DateTimeOffset.FromUnixTimeSeconds(1300819379);

    [Fact]
    public void Validate_A2Rs256_VerifiesWithPublishedJwk()
    {
        var rsa = RSA.Create();
        rsa.ImportParameters(new RSAParameters { Modulus = JwtTestKit.FromB64(A2N), Exponent = JwtTestKit.FromB64("AQAB") });
        var result = CreateValidator(JwtSigningKey.FromRsa("a2", rsa), null).Validate(A2);

        Assert.Equal(JwtValidationError.None, result.Error);
        Assert.Equal("joe", result.Token!.Issuer);
        Assert.Equal(1300819380, result.Token.ExpiresAt.ToUnixTimeSeconds());
        Assert.True(result.Token.TryGetClaim("http://example.com/is_root", out var root) && root.GetBoolean());
    }

    [Fact]
    public void Validate_A3Es256_VerifiesWithPublishedJwk()
    {
        var ecdsa = ECDsa.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint { X = JwtTestKit.FromB64(A3X), Y = JwtTestKit.FromB64(A3Y) },
        });
        var result = CreateValidator(JwtSigningKey.FromECDsa("a3", ecdsa), null).Validate(A3);

        Assert.Equal(JwtValidationError.None, result.Error);
        Assert.Equal(JwsAlgorithm.ES256, result.Token!.Algorithm);
    }

    [Fact]
    public void Validate_A1Hs256WithExplicitConfiguration_Verifies()
    {
        var key = JwtSigningKey.FromHmacSecret("a1", JwtTestKit.FromB64(A1Key));
        var result = CreateValidator(key, o => o.Algorithms.Add(JwsAlgorithm.HS256)).Validate(A1);

        Assert.Equal(JwtValidationError.None, result.Error);
        Assert.Equal("joe", result.Token!.Issuer);
    }

    [Fact]
    public void Validate_A1Hs256WithoutExplicitConfiguration_IsRejected()
    {
        var key = JwtSigningKey.FromHmacSecret("a1", JwtTestKit.FromB64(A1Key));
        Assert.Equal(JwtValidationError.AlgorithmNotAllowed, CreateValidator(key, null).Validate(A1).Error);
    }

    [Fact]
    public void Validate_A2AfterExpiry_IsExpired()
    {
        var rsa = RSA.Create();
        rsa.ImportParameters(new RSAParameters { Modulus = JwtTestKit.FromB64(A2N), Exponent = JwtTestKit.FromB64("AQAB") });
        var time = new ManualTimeProvider(BeforeExpiry.AddMinutes(1));
        var validator = new JwtValidator(RfcOptions(null), new JwtKeyRing(JwtSigningKey.Generate("signer", JwsAlgorithm.ES256), time), time);
        Assert.Equal(JwtValidationError.UnknownKey, validator.Validate(A2).Error);

        var ring = new JwtKeyRing(JwtSigningKey.Generate("signer", JwsAlgorithm.ES256), time);
        ring.AddVerificationKey(JwtSigningKey.FromRsa("a2", rsa));
        Assert.Equal(JwtValidationError.Expired, new JwtValidator(RfcOptions(null), ring, time).Validate(A2).Error);
    }

    private static JwtValidator CreateValidator(JwtSigningKey verificationKey, Action<JwtOptions>? configure)
    {
        var time = new ManualTimeProvider(BeforeExpiry);
        var signer = verificationKey.CanSign ? verificationKey : JwtSigningKey.Generate("signer", JwsAlgorithm.ES256);
        var ring = new JwtKeyRing(signer, time);
        if (!ReferenceEquals(signer, verificationKey))
        {
            ring.AddVerificationKey(verificationKey);
        }

        return new JwtValidator(RfcOptions(configure), ring, time);
    }

    // The appendix tokens carry no kid, no typ and no aud: relax exactly those three requirements, nothing else.
    private static JwtOptions RfcOptions(Action<JwtOptions>? configure)
    {
        var options = new JwtOptions { Issuer = "joe", RequireKeyId = false, RequireTokenType = false, RequireAudience = false, ClockSkew = TimeSpan.Zero };
        options.Audiences.Add("unused");
        configure?.Invoke(options);
        return options;
    }
}
