using System.ComponentModel.DataAnnotations;

namespace ApiKit.Resilience.Bulkheads;

/// <summary>The defaults of <see cref="BulkheadOptions"/>, in one place.</summary>
public static class BulkheadDefaults
{
    /// <summary>The default number of executions allowed at once: 10.</summary>
    public const int MaxConcurrency = 10;

    /// <summary>The default number of executions that may wait for a slot: 0 (none wait).</summary>
    public const int QueueLimit = 0;

    /// <summary>The default retry-after hint of a rejection: 1 second.</summary>
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(1);
}

/// <summary>Options of a <see cref="Bulkhead"/>.</summary>
public sealed class BulkheadOptions
{
    /// <summary>Gets or sets the name of the bulkhead, used in metrics.</summary>
    /// <value>The default is <c>default</c>.</value>
    [Required]
    public string Name { get; set; } = "default";

    /// <summary>Gets or sets how many executions may run at once.</summary>
    /// <value>The default is <see cref="BulkheadDefaults.MaxConcurrency"/>.</value>
    [Range(1, int.MaxValue)]
    public int MaxConcurrency { get; set; } = BulkheadDefaults.MaxConcurrency;

    /// <summary>Gets or sets how many executions may wait (oldest first) when every slot is taken; more are rejected.</summary>
    /// <value>The default is <see cref="BulkheadDefaults.QueueLimit"/>.</value>
    [Range(0, int.MaxValue)]
    public int QueueLimit { get; set; } = BulkheadDefaults.QueueLimit;

    /// <summary>Gets or sets the retry-after hint given with a rejection.</summary>
    /// <value>The default is <see cref="BulkheadDefaults.RetryAfter"/>.</value>
    public TimeSpan RetryAfter { get; set; } = BulkheadDefaults.RetryAfter;

    /// <summary>Returns a copy of these options with another name, for per-key bulkheads.</summary>
    /// <param name="name">The name of the copy.</param>
    /// <returns>The copy.</returns>
    public BulkheadOptions WithName(string name)
    {
        var copy = (BulkheadOptions)MemberwiseClone();
        copy.Name = name;
        return copy;
    }
}
