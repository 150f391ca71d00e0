using System.Runtime.CompilerServices;
using System.Threading.RateLimiting;

namespace ApiKit.RateLimiting;

/// <summary>
/// A lease carrying the decision's numbers. Each thread keeps the lease it rented last and rents it again once it is
/// disposed, which keeps a decision free of allocations for callers that dispose their leases (as the ASP.NET Core
/// middleware does); a lease must not be read after it is disposed, nor disposed again once its thread may have
/// rented it out anew (the second dispose would free it under its new holder, as with any pooled object).
/// </summary>
/// <remarks>
/// <para>
/// A thread's cached lease stays in its per-thread cache while it is out, and a flag says when it is back: taking it
/// out and putting it back would write a reference to thread-local storage twice per decision, a noticeable share of a
/// keyed decision. A thread that rents while its cached lease is still out (two leases alive at once) allocates a new
/// one, which becomes its cached lease.
/// </para>
/// <para>
/// Disposing looks at the lease's owner, not at the current thread (a thread-static lookup per decision): a lease that
/// is still its owner's cached lease goes back to the owner, wherever it is disposed. One whose owner has moved on to a
/// newer lease (middleware holding leases across awaits rents again before the first is back) would otherwise be
/// garbage; it moves to the disposing thread instead and becomes that thread's cached lease. Its owner field, written
/// before the flag, tells the thread that rented it that it is no longer its own, so no lease is ever handed out by two
/// threads.
/// </para>
/// </remarks>
internal sealed class DecisionLease : RateLimitLease
{
    internal static readonly string[] AcquiredNames = [RateLimitMetadata.Remaining.Name, RateLimitMetadata.Reset.Name];
    private static readonly string[] RejectedNames = [MetadataName.RetryAfter.Name, RateLimitMetadata.Remaining.Name, RateLimitMetadata.Reset.Name];
    private static readonly string[] NeverNames = [RateLimitMetadata.Remaining.Name, RateLimitMetadata.Reset.Name];

    [ThreadStatic]
    private static LeaseCache? _cache;

    private bool _acquired;
    private long _retryAfterMicros;
    private long _remaining;
    private long _resetMicros;
    // Set (with release semantics, after the holder's last read and after _owner) by Dispose; the thread whose cache
    // _owner is reuses it then.
    private bool _free;
    private LeaseCache _owner;

    // Accepted on the fast path: the numbers are derived from the committed state only if someone reads them
    // (two divisions per decision otherwise, which is a large share of an in-memory decision).
    private bool _deferred;
    private LimitParameters _parameters;
    private long _stateA;
    private long _stateB;
    private long _stateC;
    private long _now;

    private DecisionLease(LeaseCache owner)
    {
        _owner = owner;
    }

    public override bool IsAcquired => _acquired;

    public override IEnumerable<string> MetadataNames =>
        _acquired ? AcquiredNames : _retryAfterMicros == LimitDecision.Never ? NeverNames : RejectedNames;

    internal long RemainingPermits
    {
        get
        {
            Materialize();
            return _remaining;
        }
    }

    internal long RetryAfterMicros => _retryAfterMicros;

    public static DecisionLease Rent(bool acquired, long retryAfterMicros, long remaining, long resetMicros) =>
        Take().Set(acquired, retryAfterMicros, remaining, resetMicros);

    public static DecisionLease Rent(in LimitDecision decision, bool acquired) => Take().Set(decision, acquired);

    /// <summary>
    /// Takes the thread's lease if it is back (or a new one) for the caller to fill with <see cref="Set(bool, long, long, long)"/>
    /// or <see cref="SetAdmitted"/>; the keyed limiter takes it before its lookup, so this work overlaps the key's memory reads.
    /// </summary>
    // Every rent goes through it, and the thread-static access is cheaper inlined into the caller's frame.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static DecisionLease Take()
    {
        var cache = _cache ??= new LeaseCache();
        var lease = cache.Lease;
        if (lease is null || !Volatile.Read(ref lease._free) || !ReferenceEquals(lease._owner, cache))
        {
            lease = new DecisionLease(cache);
            cache.Lease = lease;
        }

        lease._free = false;
        return lease;
    }

    public DecisionLease Set(bool acquired, long retryAfterMicros, long remaining, long resetMicros)
    {
        _acquired = acquired;
        _retryAfterMicros = retryAfterMicros;
        _remaining = remaining;
        _resetMicros = resetMicros;
        _deferred = false;
        return this;
    }

    public DecisionLease Set(in LimitDecision decision, bool acquired) =>
        Set(acquired, acquired ? 0 : decision.RetryAfterMicros, decision.Remaining, decision.ResetMicros);

    /// <summary>Fills the lease for a decision taken by <see cref="LimitMath.TryAdmit"/>; the numbers are derived when read.</summary>
    public void SetAdmitted(in LimitParameters parameters, in LimitState committed, long now)
    {
        _acquired = true;
        _retryAfterMicros = 0;
        _deferred = true;
        _parameters = parameters;
        _stateA = committed.A;
        _stateB = committed.B;
        _stateC = committed.C;
        _now = now;
    }

    public override bool TryGetMetadata(string metadataName, out object? metadata)
    {
        if (metadataName == MetadataName.RetryAfter.Name && !_acquired && _retryAfterMicros != LimitDecision.Never)
        {
            metadata = RateLimitClock.ToTimeSpan(_retryAfterMicros);
            return true;
        }

        if (metadataName == RateLimitMetadata.Remaining.Name)
        {
            Materialize();
            metadata = _remaining;
            return true;
        }

        if (metadataName == RateLimitMetadata.Reset.Name)
        {
            Materialize();
            metadata = RateLimitClock.ToTimeSpan(_resetMicros);
            return true;
        }

        metadata = null;
        return false;
    }

    private void Materialize()
    {
        if (!_deferred)
        {
            return;
        }

        var state = new LimitState { Initialized = true, A = _stateA, B = _stateB, C = _stateC };
        var decision = LimitMath.Decide(_parameters, state, _now, 0, out _);
        _remaining = decision.Remaining;
        _resetMicros = decision.ResetMicros;
        _deferred = false;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            if (ReferenceEquals(_owner.Lease, this))
            {
                // Still its owner's lease to rent next (always when disposed where it was rented, and after an await
                // unless the owner rented again meanwhile): it goes back to that owner without a thread-static lookup.
                Volatile.Write(ref _free, true);
            }
            else
            {
                // The owner moved on to a newer lease while this one was out (two leases alive on one thread, as with
                // middleware holding leases across awaits): it becomes the disposing thread's lease, not garbage.
                var cache = _cache ??= new LeaseCache();
                _owner = cache;
                Volatile.Write(ref _free, true);
                cache.Lease = this;
            }
        }

        base.Dispose(disposing);
    }

    /// <summary>A thread's lease to rent next; leases compare their owner with it instead of reading the thread's id.</summary>
    private sealed class LeaseCache
    {
        public DecisionLease? Lease;
    }
}
