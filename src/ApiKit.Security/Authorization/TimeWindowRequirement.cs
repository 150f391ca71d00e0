using Microsoft.AspNetCore.Authorization;

namespace ApiKit.Security.Authorization;

/// <summary>
/// A time-based rule: succeeds only between <see cref="Start"/> and <see cref="End"/> (UTC time of day, read from
/// the registered <see cref="TimeProvider"/>). A window whose end is before its start spans midnight.
/// </summary>
public sealed class TimeWindowRequirement : IAuthorizationRequirement
{
    /// <summary>Creates the requirement.</summary>
    /// <param name="start">The first allowed instant of the day (UTC).</param>
    /// <param name="end">The first instant of the day that is no longer allowed (UTC).</param>
    public TimeWindowRequirement(TimeOnly start, TimeOnly end)
    {
        Start = start;
        End = end;
    }

    /// <summary>Gets the start of the window.</summary>
    public TimeOnly Start { get; }

    /// <summary>Gets the end of the window (exclusive).</summary>
    public TimeOnly End { get; }

    internal bool Contains(TimeOnly time) => Start <= End ? time >= Start && time < End : time >= Start || time < End;
}
