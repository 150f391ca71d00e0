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
        var entries = new KeyedEntry<string>[limits.Length];
        var next = new LimitState[limits.Length];
        while (true)
        {
            for (var i = 0; i < limits.Length; i++)
            {
                entries[i] = keys[i] is { } key ? limits[i].Store.GetEntry(key) : default;
            }

            var locked = 0;
            try
            {
                // A slot that no longer holds its key (evicted, or moved by a growing table) was not entered: release
                // the others and look every key up again.
                var stale = false;
                for (; locked < entries.Length; locked++)
                {
                    if (keys[locked] is { } key && !entries[locked].TryEnter(key))
                    {
                        stale = true;
                        break;
                    }
                }

                if (stale)
                {
                    continue;
                }

                for (var i = 0; i < limits.Length; i++)
                {
                    if (keys[i] is not null)
                    {
                        evaluation.Decisions[i] = LimitMath.Decide(limits[i].Parameters, entries[i].State, now, evaluation.Cost, out next[i]);
                    }
                }

                evaluation.Settle(allowDelay);
                if (evaluation.Allowed)
                {
                    for (var i = 0; i < limits.Length; i++)
                    {
                        if (keys[i] is not null)
                        {
                            LimitMath.Commit(limits[i].Parameters, ref entries[i].State, next[i], now, evaluation.Cost);
                        }
                    }
                }

                return;
            }
            finally
            {
                for (var i = locked - 1; i >= 0; i--)
                {
                    if (keys[i] is not null)
                    {
                        entries[i].Exit();
                    }
                }
            }
        }
    }
}
