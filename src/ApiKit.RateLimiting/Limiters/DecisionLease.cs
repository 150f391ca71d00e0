using System.Threading.RateLimiting;

namespace ApiKit.RateLimiting;

/// <summary>
/// A lease carrying the decision's numbers. Each thread keeps the lease it rented last and rents it again once it is
/// disposed, which keeps a decision free of allocations for callers that dispose their leases (as the ASP.NET Core
/// middleware does); a lease must not be read after it is disposed.
/// </summary>
/// <remarks>
/// A thread's cached lease stays in its thread-static slot while it is out, and a flag says when it is back: taking it
/// out and putting it back would write a reference to thread-local storage twice per decision, a noticeable share of a
/// keyed decision. A lease disposed on another thread (after an await, as middleware holding it around the rest of the
/// pipeline does) moves to that thread: it becomes that thread's cached lease, and its owner field, written before the
/// flag, tells the thread that rented it that it is no longer its own, so no lease is ever handed out by two threads.
/// A thread that rents while its cached lease is still out (two leases alive at once) allocates a new one.
/// </remarks>
internal sealed class DecisionLease : RateLimitLease
{
    internal static readonly string[] AcquiredNames = [RateLimitMetadata.Remaining.Name, RateLimitMetadata.Reset.Name];
    private static readonly string[] RejectedNames = [MetadataName.RetryAfter.Name, RateLimitMetadata.Remaining.Name, RateLimitMetadata.Reset.Name];
    private static readonly string[] NeverNames = [RateLimitMetadata.Remaining.Name, RateLimitMetadata.Reset.Name];

    [ThreadStatic]
    private static DecisionLease? _cached;

    private bool _acquired;
    private long _retryAfterMicros;
    private long _remaining;
    private long _resetMicros;
    // Set (with release semantics, after the holder's last read and after _owner) by Dispose; the thread whose cached
    // lease it is (_owner, a managed thread id) reuses it then.
    private bool _free;
    private int _owner;

    // Accepted on the fast path: the numbers are derived from the committed state only if someone reads them
    // (two divisions per decision otherwise, which is a large share of an in-memory decision).
    private bool _deferred;
    private LimitParameters _parameters;
    private long _stateA;
    private long _stateB;
    private long _stateC;
    private long _now;

    private DecisionLease()
    {
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

    public static DecisionLease Rent(bool acquired, long retryAfterMicros, long remaining, long resetMicros)
    {
        var lease = Take();
        lease._acquired = acquired;
        lease._retryAfterMicros = retryAfterMicros;
        lease._remaining = remaining;
        lease._resetMicros = resetMicros;
        lease._deferred = false;
        return lease;
    }

    /// <summary>
    /// Rents an accepted lease for a decision taken by <see cref="LimitMath.TryAdmit"/>, which never admits a sliding
    /// log: the lease keeps the state's three numbers, not its log.
    /// </summary>
    public static DecisionLease RentAdmitted(in LimitParameters parameters, in LimitState committed, long now)
    {
        var lease = Take();
        lease._acquired = true;
        lease._retryAfterMicros = 0;
        lease._deferred = true;
        lease._parameters = parameters;
        lease._stateA = committed.A;
        lease._stateB = committed.B;
        lease._stateC = committed.C;
        lease._now = now;
        return lease;
    }

    public static DecisionLease Rent(in LimitDecision decision, bool acquired) =>
        Rent(acquired, acquired ? 0 : decision.RetryAfterMicros, decision.Remaining, decision.ResetMicros);

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
            var thread = Environment.CurrentManagedThreadId;
            if (_owner != thread)
            {
                _owner = thread;
                Volatile.Write(ref _free, true);
                _cached = this;
            }
            else
            {
                Volatile.Write(ref _free, true);
            }
        }

        base.Dispose(disposing);
    }

    private static DecisionLease Take()
    {
        var lease = _cached;
        var thread = Environment.CurrentManagedThreadId;
        if (lease is null || !Volatile.Read(ref lease._free) || lease._owner != thread)
        {
            lease = new DecisionLease { _owner = thread };
            _cached = lease;
        }

        lease._free = false;
        return lease;
    }
}
