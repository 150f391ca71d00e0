using ApiKit.Security.Jwt;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ApiKit.Security.Tests.Jwt;

public sealed class JwtOptionsTests
{
    [Fact]
    public void AddApiKitJwt_Configuration_BindsEveryKindOfValue()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Issuer"] = "https://issuer.example",
            ["Audiences:0"] = "a",
            ["Audiences:1"] = "b",
            ["Algorithms:0"] = "ES256",
            ["Algorithms:1"] = "HS256",
            ["ClockSkew"] = "00:01:00",
            ["TokenType"] = "application/at+jwt",
        }).Build();
        using var provider = new ServiceCollection().AddApiKitJwt(configuration, _ => new JwtKeyRing(JwtSigningKey.Generate("k", JwsAlgorithm.ES256))).BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<JwtOptions>>().Value;

        Assert.Equal(["a", "b"], options.Audiences);
        Assert.Equal([JwsAlgorithm.ES256, JwsAlgorithm.HS256], options.Algorithms);
        Assert.Equal(TimeSpan.FromMinutes(1), options.ClockSkew);
        Assert.NotNull(provider.GetRequiredService<IJwtValidator>());
    }

    [Fact]
    public void AddApiKitJwt_WithoutAudience_FailsValidation()
    {
        using var provider = new ServiceCollection().AddApiKitJwt(o => o.Issuer = "i", _ => new JwtKeyRing(JwtSigningKey.Generate("k", JwsAlgorithm.ES256))).BuildServiceProvider();

        Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<JwtOptions>>().Value);
    }

    [Fact]
    public void Validate_TypeWithApplicationPrefixAndOtherCase_IsAccepted()
    {
        var kit = new JwtTestKit(JwsAlgorithm.ES256);
        var token = kit.Forge("""{"alg":"ES256","typ":"Application/AT+JWT","kid":"key-1"}""", kit.DefaultPayload());

        Assert.True(kit.Validator.Validate(token).IsValid);
    }
}
