namespace ApiKit.RateLimiting;

/// <summary>
/// Decides all the limits of a request at once, all-or-nothing: the entries are locked in ascending store ordinal
/// (one global order, so two requests never wait on each other in a cycle), every limit decides, and only if all
/// admit are the new states committed. A request refused by one limit consumes from none.
/// </summary>
internal static class InMemoryPolicyEvaluator
{
    public static void Decide(PolicyEvaluation evaluation, long now, bool allowDelay)
    {
        var limits = evaluation.Policy.Limits;
        var keys = evaluation.Keys;
        var entries = new LimitEntry?[limits.Length];
        var next = new LimitState[limits.Length];
        while (true)
        {
            for (var i = 0; i < limits.Length; i++)
            {
                entries[i] = keys[i] is { } key ? limits[i].Store.GetEntry(key) : null;
            }

            var locked = 0;
            try
            {
                var evicted = false;
                for (; locked < entries.Length; locked++)
                {
                    if (entries[locked] is { } entry)
                    {
                        entry.Gate.Enter();
                        evicted |= entry.Evicted;
                    }
                }

                if (evicted)
                {
                    continue;
                }

                for (var i = 0; i < limits.Length; i++)
                {
                    if (entries[i] is { } entry)
                    {
                        evaluation.Decisions[i] = LimitMath.Decide(limits[i].Parameters, entry.State, now, evaluation.Cost, out next[i]);
                    }
                }

                evaluation.Settle(allowDelay);
                if (evaluation.Allowed)
                {
                    for (var i = 0; i < limits.Length; i++)
                    {
                        if (entries[i] is { } entry)
                        {
                            LimitMath.Commit(limits[i].Parameters, ref entry.State, next[i], now, evaluation.Cost);
                        }
                    }
                }

                return;
            }
            finally
            {
                for (var i = locked - 1; i >= 0; i--)
                {
                    if (entries[i] is { } entry)
                    {
                        entry.Gate.Exit();
                    }
                }
            }
        }
    }
}
