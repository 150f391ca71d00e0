using System.IdentityModel.Tokens.Jwt;
using System.Security.Cryptography;
using System.Text;
using ApiKit.Security.Jwt;
using BenchmarkDotNet.Attributes;
using Microsoft.IdentityModel.Tokens;

namespace ApiKit.Benchmarks.Security.Jwt;

/// <summary>
/// Validating one access token: System.IdentityModel.Tokens.Jwt 6.8.0 (the anchor), ApiKit's validator, the bare
/// signature check with the same key (the floor) and ApiKit's opt-in validated-token cache answering a repeat.
/// </summary>
public class JwtValidationBenchmarks
{
    private const string Issuer = "https://api.chatapp.com";
    private const string Audience = "chatapp-client";

    private readonly JwtSecurityTokenHandler _handler = new();
    private TokenValidationParameters _parameters = null!;
    private JwtValidator _validator = null!;
    private JwtValidator _cachedValidator = null!;
    private JwtSigningKey _key = null!;
    private string _token = null!;
    private byte[] _signingInput = null!;
    private byte[] _signature = null!;

    [Params(JwsAlgorithm.RS256, JwsAlgorithm.ES256)]
    public JwsAlgorithm Algorithm { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _key = JwtSigningKey.Generate("key-1", Algorithm);
        var ring = new JwtKeyRing(_key);
        var options = new JwtOptions { Issuer = Issuer, AccessTokenLifetime = TimeSpan.FromHours(12) };
        options.Audiences.Add(Audience);
        var cachedOptions = new JwtOptions { Issuer = Issuer, EnableValidationCache = true };
        cachedOptions.Audiences.Add(Audience);
        _validator = new JwtValidator(options, ring, TimeProvider.System);
        _cachedValidator = new JwtValidator(cachedOptions, ring, TimeProvider.System);

        // The design documents' claims: sub, iss, aud, exp, iat, nbf, jti, scope, roles, permissions.
        var descriptor = new JwtTokenDescriptor { Subject = "user-42", Scope = "read:messages write:messages" };
        descriptor.Roles.Add("user");
        descriptor.Roles.Add("moderator");
        descriptor.Permissions.Add("message:create");
        descriptor.Permissions.Add("room:join");
        _token = new JwtIssuer(options, ring, TimeProvider.System).Issue(descriptor);

        var lastDot = _token.LastIndexOf('.');
        _signingInput = Encoding.ASCII.GetBytes(_token[..lastDot]);
        _signature = Base64UrlDecode(_token[(lastDot + 1)..]);

        SecurityKey securityKey = Algorithm == JwsAlgorithm.ES256
            ? new ECDsaSecurityKey(_key.ECDsa!) { KeyId = _key.KeyId }
            : new RsaSecurityKey(_key.Rsa!) { KeyId = _key.KeyId };
        _parameters = new TokenValidationParameters
        {
            ValidIssuer = Issuer,
            ValidAudience = Audience,
            IssuerSigningKey = securityKey,
            ClockSkew = TimeSpan.FromSeconds(30),
        };

        if (!_validator.Validate(_token).IsValid || !_cachedValidator.Validate(_token).IsValid || !BareSignature() || SystemIdentityModel() is null)
        {
            throw new InvalidOperationException("The benchmark token does not validate.");
        }
    }

    [Benchmark(Baseline = true)]
    public object? SystemIdentityModel() => _handler.ValidateToken(_token, _parameters, out _);

    [Benchmark]
    public bool ApiKit() => _validator.Validate(_token).IsValid;

    [Benchmark]
    public bool BareSignature() => Algorithm == JwsAlgorithm.ES256
        ? _key.ECDsa!.VerifyData(_signingInput, _signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation)
        : _key.Rsa!.VerifyData(_signingInput, _signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);

    [Benchmark]
    public bool ApiKitCachedRepeat() => _cachedValidator.Validate(_token).IsValid;

    private static byte[] Base64UrlDecode(string s)
    {
        var padded = s.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(padded + new string('=', (4 - (padded.Length % 4)) % 4));
    }
}
