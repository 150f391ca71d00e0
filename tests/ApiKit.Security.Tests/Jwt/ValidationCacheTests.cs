using ApiKit.Security.Jwt;

namespace ApiKit.Security.Tests.Jwt;

public sealed class ValidationCacheTests
{
    [Fact]
    public void Validate_RepeatedToken_ReturnsCachedInstance()
    {
        var kit = new JwtTestKit(JwsAlgorithm.ES256, o => o.EnableValidationCache = true);
        var token = kit.Issue();

        var first = kit.Validator.Validate(token);
        var second = kit.Validator.Validate(token);

        Assert.True(second.IsValid);
        Assert.Same(first.Token, second.Token);
        Assert.Equal(1, kit.Validator.CachedCount);
    }

    [Fact]
    public void Validate_CachedTokenAfterExpiry_IsExpired()
    {
        var kit = new JwtTestKit(JwsAlgorithm.ES256, o => o.EnableValidationCache = true);
        var token = kit.Issue(d => d.Lifetime = TimeSpan.FromMinutes(1));
        Assert.True(kit.Validator.Validate(token).IsValid);

        kit.Time.Advance(TimeSpan.FromMinutes(2));

        Assert.Equal(JwtValidationError.Expired, kit.Validator.Validate(token).Error);
    }

    [Fact]
    public void Validate_CachedTokenAfterKeyRevocation_IsRejected()
    {
        var kit = new JwtTestKit(JwsAlgorithm.ES256, o => o.EnableValidationCache = true);
        var token = kit.Issue();
        Assert.True(kit.Validator.Validate(token).IsValid);

        kit.Ring.Rotate(JwtSigningKey.Generate("key-2", JwsAlgorithm.ES256), TimeSpan.FromHours(1));
        Assert.Equal(0, kit.Validator.CachedCount);
        kit.Ring.Revoke("key-1");

        Assert.Equal(JwtValidationError.UnknownKey, kit.Validator.Validate(token).Error);
    }

    [Fact]
    public void Validate_MoreTokensThanCapacity_StaysBounded()
    {
        var kit = new JwtTestKit(JwsAlgorithm.ES256, o =>
        {
            o.EnableValidationCache = true;
            o.ValidationCacheCapacity = 4;
        });

        for (var i = 0; i < 10; i++)
        {
            Assert.True(kit.Validator.Validate(kit.Issue()).IsValid);
        }

        Assert.Equal(4, kit.Validator.CachedCount);
    }

    [Fact]
    public void Validate_TokenDifferingInOneCharacter_IsNotServedFromCache()
    {
        var kit = new JwtTestKit(JwsAlgorithm.ES256, o => o.EnableValidationCache = true);
        var token = kit.Issue();
        Assert.True(kit.Validator.Validate(token).IsValid);

        var altered = token[..^2] + (token[^2] == 'A' ? 'B' : 'A') + token[^1];

        Assert.False(kit.Validator.Validate(altered).IsValid);
    }

    [Fact]
    public void Validate_CacheHit_AllocatesNothing()
    {
        var kit = new JwtTestKit(JwsAlgorithm.ES256, o => o.EnableValidationCache = true);
        var token = kit.Issue();
        Assert.True(kit.Validator.Validate(token).IsValid);
        Assert.True(kit.Validator.Validate(token).IsValid);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            Assert.True(kit.Validator.Validate(token).IsValid);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
