namespace ApiKit.RateLimiting;

/// <summary>
/// The state of one limit for one key, guarded by its own <see cref="SpinGate"/> (four bytes, next to the state), so
/// keys never contend with each other. Several entries are only ever held together in ascending store ordinal.
/// </summary>
internal sealed class LimitEntry
{
    public LimitState State;

    /// <summary>Guards <see cref="State"/> and <see cref="Evicted"/>.</summary>
    public SpinGate Gate;

    /// <summary>Set, under the entry's gate, when eviction removed the entry; a decider that sees it looks the key up again.</summary>
    public bool Evicted;
}
