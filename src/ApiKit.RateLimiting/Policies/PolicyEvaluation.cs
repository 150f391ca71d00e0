namespace ApiKit.RateLimiting;

/// <summary>What a request is, and what was decided for it: keys per limit, then one decision per limit.</summary>
internal sealed class PolicyEvaluation
{
    public PolicyEvaluation(CompiledPolicy policy, string?[] keys, long cost)
    {
        Policy = policy;
        Keys = keys;
        Cost = cost;
        Decisions = new LimitDecision[keys.Length];
    }

    /// <summary>Creates an evaluation settled by an access list, before any limit is consulted.</summary>
    public PolicyEvaluation(CompiledPolicy policy, RateLimitVerdict verdict)
        : this(policy, [], 0)
    {
        Verdict = verdict;
        Allowed = verdict == RateLimitVerdict.AllowListed;
    }

    public CompiledPolicy Policy { get; }

    /// <summary>Gets the key of each limit of <see cref="Policy"/>, or null where the limit does not apply.</summary>
    public string?[] Keys { get; }

    public long Cost { get; }

    public LimitDecision[] Decisions { get; }

    public RateLimitVerdict Verdict { get; set; }

    public bool Allowed { get; set; }

    /// <summary>Gets or sets how long an admitted request waits in a shaping queue.</summary>
    public long DelayMicros { get; set; }

    /// <summary>Gets or sets the largest retry-after among the limits that refused, or <see cref="LimitDecision.Never"/>.</summary>
    public long RetryAfterMicros { get; set; }

    /// <summary>Gets or sets the index of the limit that refused (the one with the longest wait).</summary>
    public int DenyingLimit { get; set; } = -1;

    /// <summary>Gets or sets whether the decision came from a fallback rather than the configured backend.</summary>
    public string? Fallback { get; set; }

    public bool HasDecisions => Verdict is RateLimitVerdict.Allowed or RateLimitVerdict.Limited;

    /// <summary>Derives the request outcome from <see cref="Decisions"/>.</summary>
    public void Settle(bool allowDelay)
    {
        var allowed = true;
        long retry = 0;
        long delay = 0;
        var denying = -1;
        for (var i = 0; i < Keys.Length; i++)
        {
            if (Keys[i] is null)
            {
                continue;
            }

            var d = Decisions[i];
            var refused = !d.Allowed || (!allowDelay && d.DelayMicros > 0);
            if (refused)
            {
                allowed = false;
                var wait = d.Allowed ? d.DelayMicros : d.RetryAfterMicros;
                if (denying < 0 || wait == LimitDecision.Never || (retry != LimitDecision.Never && wait > retry))
                {
                    retry = wait;
                    denying = i;
                }
            }
            else
            {
                delay = Math.Max(delay, d.DelayMicros);
            }
        }

        Allowed = allowed;
        RetryAfterMicros = allowed ? 0 : retry;
        DelayMicros = allowed ? delay : 0;
        DenyingLimit = denying;
        Verdict = allowed ? RateLimitVerdict.Allowed : RateLimitVerdict.Limited;
    }

    /// <summary>Finds the limit with the fewest permits left, for the single-valued legacy headers.</summary>
    public int MostRestrictive()
    {
        var best = -1;
        for (var i = 0; i < Keys.Length; i++)
        {
            if (Keys[i] is not null && (best < 0 || Decisions[i].Remaining < Decisions[best].Remaining))
            {
                best = i;
            }
        }

        return DenyingLimit >= 0 ? DenyingLimit : best;
    }
}

/// <summary>How a request's rate limit decision came about.</summary>
internal enum RateLimitVerdict
{
    Pending,
    Allowed,
    Limited,
    AllowListed,
    DenyListed,
}
