namespace ApiKit.RateLimiting;

/// <summary>
/// The state of one limit for one key. Decisions lock the entry itself (a thin monitor lock in the object header,
/// no extra allocation), so keys never contend with each other.
/// </summary>
internal sealed class LimitEntry
{
    public LimitState State;

    /// <summary>Set, under the entry's lock, when eviction removed the entry; a decider that sees it looks the key up again.</summary>
    public bool Evicted;
}
