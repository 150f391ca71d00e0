using System.Security.Cryptography;
using System.Text;
using ApiKit.Security.Jwt;
using FsCheck;
using FsCheck.Fluent;

namespace ApiKit.Security.Tests.Jwt;

/// <summary>The hostile-token table: each attack is rejected with its own error code and nothing throws.</summary>
public sealed class HostileTokenTests
{
    public static TheoryData<string, JwtValidationError> Cases => new()
    {
        { "empty", JwtValidationError.Missing },
        { "alg-none-empty-signature", JwtValidationError.AlgorithmNone },
        { "alg-none-uppercase", JwtValidationError.AlgorithmNone },
        { "alg-unknown", JwtValidationError.AlgorithmNotAllowed },
        { "alg-missing", JwtValidationError.AlgorithmNotAllowed },
        { "rs-hs-confusion-public-key-pem-as-secret", JwtValidationError.AlgorithmNotAllowed },
        { "rs-hs-confusion-with-hs256-allowed", JwtValidationError.AlgorithmKeyMismatch },
        { "swapped-kid-other-algorithm", JwtValidationError.AlgorithmKeyMismatch },
        { "swapped-kid-same-algorithm", JwtValidationError.InvalidSignature },
        { "unknown-kid", JwtValidationError.UnknownKey },
        { "missing-kid", JwtValidationError.MissingKeyId },
        { "jku-pointing-elsewhere", JwtValidationError.UnknownKey },
        { "expired", JwtValidationError.Expired },
        { "not-yet-valid", JwtValidationError.NotYetValid },
        { "issued-in-future", JwtValidationError.NotYetValid },
        { "missing-exp", JwtValidationError.MissingExpiration },
        { "wrong-audience", JwtValidationError.InvalidAudience },
        { "missing-audience", JwtValidationError.InvalidAudience },
        { "wrong-issuer", JwtValidationError.InvalidIssuer },
        { "issuer-number", JwtValidationError.InvalidClaim },
        { "exp-string", JwtValidationError.InvalidClaim },
        { "roles-object", JwtValidationError.InvalidClaim },
        { "base64-padding", JwtValidationError.InvalidBase64Url },
        { "base64-plus-slash", JwtValidationError.InvalidBase64Url },
        { "base64-whitespace", JwtValidationError.InvalidBase64Url },
        { "base64-non-canonical-bits", JwtValidationError.InvalidBase64Url },
        { "base64-impossible-length", JwtValidationError.InvalidBase64Url },
        { "duplicate-claim", JwtValidationError.DuplicateMember },
        { "duplicate-header-alg", JwtValidationError.DuplicateMember },
        { "duplicate-escaped-name", JwtValidationError.DuplicateMember },
        { "one-megabyte", JwtValidationError.TokenTooLarge },
        { "jwe-five-segments", JwtValidationError.EncryptedTokenNotSupported },
        { "two-segments", JwtValidationError.Malformed },
        { "unknown-crit", JwtValidationError.UnsupportedCriticalHeader },
        { "wrong-typ", JwtValidationError.InvalidType },
        { "missing-typ", JwtValidationError.InvalidType },
        { "tampered-payload", JwtValidationError.InvalidSignature },
        { "truncated-signature", JwtValidationError.InvalidSignature },
        { "header-not-object", JwtValidationError.Malformed },
        { "header-invalid-json", JwtValidationError.Malformed },
        { "claims-trailing-garbage", JwtValidationError.Malformed },
        { "claims-too-deep", JwtValidationError.Malformed },
        { "es256-der-signature", JwtValidationError.InvalidSignature },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Validate_HostileToken_IsRejectedWithItsErrorCode(string attack, JwtValidationError expected)
    {
        var (kit, token) = Build(attack);

        var result = kit.Validator.Validate(token);

        Assert.False(result.IsValid);
        Assert.Null(result.Token);
        Assert.Equal(expected, result.Error);
    }

    [Fact]
    public void Validate_ForgedToken_IsValidWhenUnaltered()
    {
        // Guards the table: the forger itself produces tokens that pass, so each case fails for its own reason.
        var kit = new JwtTestKit();
        var result = kit.Validator.Validate(kit.Forge(kit.DefaultHeader(), kit.DefaultPayload()));
        Assert.True(result.IsValid, result.Error.ToString());
    }

    [Fact]
    public void Validate_ExpiredWithinClockSkew_IsValid()
    {
        var kit = new JwtTestKit();
        var token = kit.Forge(kit.DefaultHeader(), kit.DefaultPayload(exp: kit.Now - 29));
        Assert.True(kit.Validator.Validate(token).IsValid);
    }

    [Fact]
    public void Validate_AudienceArrayContainingOurs_IsValid()
    {
        var kit = new JwtTestKit();
        var payload = $$"""{"iss":"{{JwtTestKit.Issuer}}","aud":["other","{{JwtTestKit.Audience}}"],"exp":{{kit.Now + 60}}}""";
        Assert.True(kit.Validator.Validate(kit.Forge(kit.DefaultHeader(), payload)).IsValid);
    }

    [Fact]
    public void Validate_RandomText_NeverThrowsNorSucceeds()
    {
        var kit = new JwtTestKit();
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(500), Prop.ForAll(ArbMap.Default.ArbFor<string>(), s => !kit.Validator.Validate(s ?? string.Empty).IsValid));
    }

    [Fact]
    public void Validate_SingleCharacterMutationOfValidToken_NeverSucceeds()
    {
        var kit = new JwtTestKit(JwsAlgorithm.ES256);
        var token = kit.Issue();
        var alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ ";
        var gen = from index in Gen.Choose(0, token.Length - 1)
                  from c in Gen.Elements(alphabet.ToCharArray())
                  select (index, c);
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(300), Prop.ForAll(Arb.From(gen), pair =>
        {
            var chars = token.ToCharArray();
            if (chars[pair.Item1] == pair.Item2)
            {
                return true;
            }

            chars[pair.Item1] = pair.Item2;
            var mutated = new string(chars);

            // Flipping only the unused low bits of the final signature character re-encodes the same bytes; strict base64url rejects it anyway.
            return !kit.Validator.Validate(mutated).IsValid;
        }));
    }

    private static (JwtTestKit Kit, string Token) Build(string attack)
    {
        var kit = new JwtTestKit(attack is "es256-der-signature" ? JwsAlgorithm.ES256 : JwsAlgorithm.RS256, o =>
        {
            if (attack == "rs-hs-confusion-with-hs256-allowed")
            {
                o.Algorithms.Add(JwsAlgorithm.RS256);
                o.Algorithms.Add(JwsAlgorithm.HS256);
            }
        });
        var header = kit.DefaultHeader();
        var payload = kit.DefaultPayload();
        var valid = kit.Forge(header, payload);
        var segments = valid.Split('.');
        string Raw(string h, string p, string s) => $"{JwtTestKit.B64(Encoding.UTF8.GetBytes(h))}.{JwtTestKit.B64(Encoding.UTF8.GetBytes(p))}.{s}";

        string token;
        switch (attack)
        {
            case "empty":
                token = string.Empty;
                break;
            case "alg-none-empty-signature":
                token = Raw("""{"alg":"none","typ":"at+jwt","kid":"key-1"}""", payload, string.Empty);
                break;
            case "alg-none-uppercase":
                token = Raw("""{"alg":"NONE","typ":"at+jwt","kid":"key-1"}""", payload, segments[2]);
                break;
            case "alg-unknown":
                token = kit.Forge(kit.DefaultHeader(alg: "RS512"), payload);
                break;
            case "alg-missing":
                token = kit.Forge("""{"typ":"at+jwt","kid":"key-1"}""", payload);
                break;
            case "rs-hs-confusion-public-key-pem-as-secret":
            case "rs-hs-confusion-with-hs256-allowed":
            {
                // The classic attack: sign with HMAC using the published RSA public key as the secret.
                var secret = Encoding.UTF8.GetBytes(kit.Key.Rsa!.ExportSubjectPublicKeyInfoPem());
                token = JwtTestKit.Forge(kit.DefaultHeader(alg: "HS256"), payload, kit.Key, input => HMACSHA256.HashData(secret, input));
                break;
            }

            case "swapped-kid-other-algorithm":
                kit.Ring.AddVerificationKey(JwtSigningKey.Generate("key-2", JwsAlgorithm.ES256));
                token = kit.Forge(kit.DefaultHeader(kid: "key-2"), payload);
                break;
            case "swapped-kid-same-algorithm":
                kit.Ring.AddVerificationKey(TestKeys.Rsa("key-2", JwsAlgorithm.RS256, index: 1));
                token = kit.Forge(kit.DefaultHeader(kid: "key-2"), payload);
                break;
            case "unknown-kid":
                token = kit.Forge(kit.DefaultHeader(kid: "nobody"), payload);
                break;
            case "missing-kid":
                token = kit.Forge("""{"alg":"RS256","typ":"at+jwt"}""", payload);
                break;
            case "jku-pointing-elsewhere":
                token = kit.Forge("""{"alg":"RS256","typ":"at+jwt","kid":"attacker","jku":"https://attacker.example/jwks.json","x5u":"https://attacker.example/cert.pem"}""", payload);
                break;
            case "expired":
                token = kit.Forge(header, kit.DefaultPayload(exp: kit.Now - 31));
                break;
            case "not-yet-valid":
                token = kit.Forge(header, $$"""{"iss":"{{JwtTestKit.Issuer}}","aud":"{{JwtTestKit.Audience}}","exp":{{kit.Now + 600}},"nbf":{{kit.Now + 60}}}""");
                break;
            case "issued-in-future":
                token = kit.Forge(header, $$"""{"iss":"{{JwtTestKit.Issuer}}","aud":"{{JwtTestKit.Audience}}","exp":{{kit.Now + 600}},"iat":{{kit.Now + 3600}}}""");
                break;
            case "missing-exp":
                token = kit.Forge(header, $$"""{"iss":"{{JwtTestKit.Issuer}}","aud":"{{JwtTestKit.Audience}}"}""");
                break;
            case "wrong-audience":
                token = kit.Forge(header, kit.DefaultPayload(aud: "someone-else"));
                break;
            case "missing-audience":
                token = kit.Forge(header, $$"""{"iss":"{{JwtTestKit.Issuer}}","exp":{{kit.Now + 600}}}""");
                break;
            case "wrong-issuer":
                token = kit.Forge(header, kit.DefaultPayload(iss: "https://evil.example"));
                break;
            case "issuer-number":
                token = kit.Forge(header, $$"""{"iss":42,"aud":"{{JwtTestKit.Audience}}","exp":{{kit.Now + 600}}}""");
                break;
            case "exp-string":
                token = kit.Forge(header, $$"""{"iss":"{{JwtTestKit.Issuer}}","aud":"{{JwtTestKit.Audience}}","exp":"{{kit.Now + 600}}"}""");
                break;
            case "roles-object":
                token = kit.Forge(header, $$$"""{"iss":"{{{JwtTestKit.Issuer}}}","aud":"{{{JwtTestKit.Audience}}}","exp":{{{kit.Now + 600}}},"roles":{"admin":true}}""");
                break;
            case "base64-padding":
                token = $"{segments[0]}.{segments[1]}==.{segments[2]}";
                break;
            case "base64-plus-slash":
                token = $"{segments[0].Replace('-', '+')}+/.{segments[1]}.{segments[2]}";
                break;
            case "base64-whitespace":
                token = $"{segments[0]}.{segments[1][..10]} {segments[1][10..]}.{segments[2]}";
                break;
            case "base64-non-canonical-bits":
            {
                // 256-byte RSA signature: 342 characters, the last one carries four unused bits; set one of them.
                var signature = segments[2];
                var last = signature[^1];
                const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
                var altered = Alphabet[Alphabet.IndexOf(last, StringComparison.Ordinal) | 1];
                token = $"{segments[0]}.{segments[1]}.{signature[..^1]}{altered}";
                break;
            }

            case "base64-impossible-length":
                token = $"{segments[0]}.{segments[1]}.{PadToLengthOneModFour(segments[2])}";
                break;
            case "duplicate-claim":
                token = kit.Forge(header, $$"""{"iss":"{{JwtTestKit.Issuer}}","sub":"user-1","aud":"{{JwtTestKit.Audience}}","exp":{{kit.Now + 600}},"sub":"admin"}""");
                break;
            case "duplicate-header-alg":
                token = kit.Forge("""{"alg":"RS256","typ":"at+jwt","kid":"key-1","alg":"none"}""", payload);
                break;
            case "duplicate-escaped-name":
                token = kit.Forge(header, $$"""{"iss":"{{JwtTestKit.Issuer}}","aud":"{{JwtTestKit.Audience}}","exp":{{kit.Now + 600}},"\u0069ss":"https://evil.example"}""");
                break;
            case "one-megabyte":
                token = kit.Forge(header, $$"""{"iss":"{{JwtTestKit.Issuer}}","aud":"{{JwtTestKit.Audience}}","exp":{{kit.Now + 600}},"pad":"{{new string('a', 1024 * 1024)}}"}""");
                break;
            case "jwe-five-segments":
                token = "eyJhbGciOiJSU0EtT0FFUCIsImVuYyI6IkEyNTZHQ00ifQ.OKOawDo13gRp2ojaHV7LFpZcgV7T6DVZKTyKOMTYUmKoTCVJRgckCL9kiMT03JGe.48V1_ALb6US04U3b.5eym8TW_c8SuK0ltJ3rpYIzOeDQz7TALvtu6UG9oMo4vpzs9tX_EFShS8iB7j6jiSdiwkIr3ajwQzaBtQD_A.XFBoMYUZodetZdvTiFvSkQ";
                break;
            case "two-segments":
                token = $"{segments[0]}.{segments[1]}";
                break;
            case "unknown-crit":
                token = kit.Forge("""{"alg":"RS256","typ":"at+jwt","kid":"key-1","crit":["exp"],"exp":1}""", payload);
                break;
            case "wrong-typ":
                token = kit.Forge("""{"alg":"RS256","typ":"JWT","kid":"key-1"}""", payload);
                break;
            case "missing-typ":
                token = kit.Forge("""{"alg":"RS256","kid":"key-1"}""", payload);
                break;
            case "tampered-payload":
                token = $"{segments[0]}.{JwtTestKit.B64(Encoding.UTF8.GetBytes(kit.DefaultPayload(aud: JwtTestKit.Audience).Replace("user-1", "admin", StringComparison.Ordinal)))}.{segments[2]}";
                break;
            case "truncated-signature":
                token = $"{segments[0]}.{segments[1]}.{segments[2][..40]}";
                break;
            case "header-not-object":
                token = kit.Forge("""["alg","RS256"]""", payload);
                break;
            case "header-invalid-json":
                token = kit.Forge("""{"alg":"RS256","typ":"at+jwt","kid":"key-1",}""", payload);
                break;
            case "claims-trailing-garbage":
                token = kit.Forge(header, payload + "{}");
                break;
            case "claims-too-deep":
                token = kit.Forge(header, $$"""{"iss":"{{JwtTestKit.Issuer}}","aud":"{{JwtTestKit.Audience}}","exp":{{kit.Now + 600}},"x":{{new string('[', 40)}}{{new string(']', 40)}}}""");
                break;
            case "es256-der-signature":
            {
                var input = Encoding.ASCII.GetBytes($"{segments[0]}.{segments[1]}");
                var der = kit.Key.ECDsa!.SignData(input, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
                token = $"{segments[0]}.{segments[1]}.{JwtTestKit.B64(der)}";
                break;
            }

            default:
                throw new ArgumentOutOfRangeException(nameof(attack), attack, null);
        }

        return (kit, token);
    }

    private static string PadToLengthOneModFour(string segment)
    {
        var s = segment;
        while (s.Length % 4 != 1)
        {
            s += "A";
        }

        return s;
    }
}
