using ApiKit.Testing;

namespace ApiKit.Resilience.Tests;

/// <summary>
/// Moves a <see cref="ManualTimeProvider"/> step by step and, after each step, waits (in real time, bounded) until the
/// code under test has reacted: cancellations raised by timers resume on the thread pool, so without this wait the clock
/// could run ahead of the continuations that schedule the next timers.
/// </summary>
internal static class ManualTime
{
    public static async Task AdvanceAsync(ManualTimeProvider time, TimeSpan step, Func<bool> settled)
    {
        time.Advance(step);
        for (var waited = 0; waited < 5000 && !settled(); waited += 5)
        {
            await Task.Delay(5);
        }
    }
}
