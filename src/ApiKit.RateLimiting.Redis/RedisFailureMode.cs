namespace ApiKit.RateLimiting.Redis;

/// <summary>What a policy does when Redis does not answer within the timeout, or while the circuit is open.</summary>
public enum RedisFailureMode
{
    /// <summary>Decide with the in-memory limiter of the same policy (per application node, so the effective limit is per node).</summary>
    InMemory,

    /// <summary>Admit the request.</summary>
    FailOpen,

    /// <summary>Refuse the request (429 with a <c>Retry-After</c> of the break duration).</summary>
    FailClosed,
}
