namespace ApiKit.RateLimiting;

/// <summary>
/// The state of one limit for one key. Its meaning depends on the algorithm (see <see cref="LimitMath"/>);
/// A, B and C are exactly the three numbers the Lua script keeps in its Redis value (packed as doubles), so both sides
/// store the same thing.
/// </summary>
internal struct LimitState
{
    /// <summary>Whether the state has seen a decision; a fresh state is a full bucket or an empty window.</summary>
    public bool Initialized;

    /// <summary>Token bucket: tokens x W. Leaky bucket: excess x W. Windows: window start (us).</summary>
    public long A;

    /// <summary>Token and leaky bucket: time of the last update (us). Windows: current count.</summary>
    public long B;

    /// <summary>Sliding window counter: previous window's count.</summary>
    public long C;

    /// <summary>Sliding window log: admission times (us), oldest first, in a ring that grows up to the limit.</summary>
    public long[]? Log;

    /// <summary>Sliding window log: index of the oldest entry in <see cref="Log"/>.</summary>
    public int LogHead;

    /// <summary>Sliding window log: number of entries in <see cref="Log"/>.</summary>
    public int LogCount;
}
