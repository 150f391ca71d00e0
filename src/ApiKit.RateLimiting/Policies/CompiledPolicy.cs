namespace ApiKit.RateLimiting;

/// <summary>A policy ready to evaluate: its limits sorted by store ordinal, the order their locks are taken in.</summary>
internal sealed class CompiledPolicy
{
    public CompiledPolicy(string name, CompiledLimit[] limits)
    {
        Name = name;
        Limits = limits;
        HasShapingQueue = limits.Any(l => l.Parameters.QueueLimit > 0);
    }

    public string Name { get; }

    public CompiledLimit[] Limits { get; }

    public bool HasShapingQueue { get; }
}

/// <summary>One limit of a compiled policy.</summary>
internal sealed class CompiledLimit
{
    public CompiledLimit(string policyName, RateLimitPolicyLimit options, KeyedLimitStore<string> store, Func<Microsoft.AspNetCore.Http.HttpContext, string?>[] partitions)
    {
        PolicyName = policyName;
        Options = options;
        Parameters = store.Parameters;
        Store = store;
        Partitions = partitions;
        WindowSeconds = Math.Max(1, (long)Math.Ceiling(options.Window.TotalSeconds));
        Signature = SignatureOf(policyName, options);
    }

    public string PolicyName { get; }

    public RateLimitPolicyLimit Options { get; }

    public string Name => Options.Name;

    public LimitParameters Parameters { get; }

    public KeyedLimitStore<string> Store { get; }

    public Func<Microsoft.AspNetCore.Http.HttpContext, string?>[] Partitions { get; }

    /// <summary>Gets the window in whole seconds (at least 1), as the <c>w</c> parameter of <c>RateLimit-Policy</c>.</summary>
    public long WindowSeconds { get; }

    /// <summary>Gets what identifies the limit's state across configuration reloads: same signature, same counters.</summary>
    public string Signature { get; }

    public static string SignatureOf(string policyName, RateLimitPolicyLimit options)
    {
        var p = options.ToParameters();
        return FormattableString.Invariant($"{policyName}/{options.Name}/{options.PartitionBy}/{p.Algorithm}/{p.PermitLimit}/{p.WindowMicros}/{p.Burst}/{p.QueueLimit}");
    }
}
