using System.Threading.RateLimiting;

namespace ApiKit.RateLimiting;

/// <summary>
/// Metadata carried by ApiKit leases, next to <see cref="MetadataName.RetryAfter"/> (set on every rejected lease whose
/// cost can ever be granted).
/// </summary>
public static class RateLimitMetadata
{
    /// <summary>The permits left after the decision (of the most restrictive limit when several applied).</summary>
    public static MetadataName<long> Remaining { get; } = MetadataName.Create<long>("APIKIT_REMAINING");

    /// <summary>How long until the quota is fully restored (of the most restrictive limit when several applied).</summary>
    public static MetadataName<TimeSpan> Reset { get; } = MetadataName.Create<TimeSpan>("APIKIT_RESET");
}
