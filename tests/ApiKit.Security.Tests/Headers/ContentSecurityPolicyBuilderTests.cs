using ApiKit.Security.Headers;

namespace ApiKit.Security.Tests.Headers;

public sealed class ContentSecurityPolicyBuilderTests
{
    [Fact]
    public void Api_Build_IsThePreset() =>
        Assert.Equal(SecurityHeadersDefaults.ApiContentSecurityPolicy, ContentSecurityPolicyBuilder.Api().Build());

    [Fact]
    public void Directive_NamedTwice_MergesSourcesOnce()
    {
        var csp = new ContentSecurityPolicyBuilder().DefaultSrc("'self'").ImgSrc("'self'", "data:").ImgSrc("data:", "https://cdn.example").UpgradeInsecureRequests().Build();

        Assert.Equal("default-src 'self'; img-src 'self' data: https://cdn.example; upgrade-insecure-requests", csp);
    }

    [Theory]
    [InlineData("'self'; script-src *")]
    [InlineData("a,b")]
    [InlineData("a b")]
    [InlineData("a\nb")]
    [InlineData("")]
    public void Directive_SourceThatCouldInject_Throws(string source) =>
        Assert.Throws<ArgumentException>(() => new ContentSecurityPolicyBuilder().ScriptSrc(source));

    [Fact]
    public void Directive_InvalidName_Throws() =>
        Assert.Throws<ArgumentException>(() => new ContentSecurityPolicyBuilder().Directive("script-src; x"));
}
