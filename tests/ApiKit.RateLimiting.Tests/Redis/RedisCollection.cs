using ApiKit.Testing;

namespace ApiKit.RateLimiting.Tests.Redis;

/// <summary>One redis-server for every Redis test; the collection runs them one at a time, as outage tests stop it.</summary>
[CollectionDefinition(nameof(RedisCollection))]
public sealed class RedisCollection : ICollectionFixture<RedisServerFixture>;
