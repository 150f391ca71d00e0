namespace ApiKit.RateLimiting;

/// <summary>
/// A mutual-exclusion flag for critical sections of a few dozen instructions that never block: entering is one
/// compare-and-swap, leaving is a plain release store. A monitor or <see cref="Lock"/> also records its owning thread
/// and releases with a second atomic instruction, which is a third of an uncontended in-memory decision.
/// </summary>
/// <remarks>
/// Contended callers spin, then yield their time slice (never sleep), so a holder preempted on a busy machine gets the
/// processor back quickly. Not re-entrant; the holder must not wait, call out or allocate more than a small array.
/// Being a mutable struct, it must live in a field and be used through that field, never copied.
/// </remarks>
internal struct SpinGate
{
    private int _taken;

    public void Enter()
    {
        if (Interlocked.CompareExchange(ref _taken, 1, 0) != 0)
        {
            EnterContended();
        }
    }

    /// <summary>
    /// Enters like <see cref="Enter"/>, but reads the flag before the compare-and-swap: when the gate's cache line is
    /// not in cache, that plain read is issued together with the caller's other reads of the same object (a locked
    /// instruction would wait for them first), so the lines load in parallel, not one after the other.
    /// </summary>
    public void EnterReadFirst()
    {
        if (Volatile.Read(ref _taken) != 0 || Interlocked.CompareExchange(ref _taken, 1, 0) != 0)
        {
            EnterContended();
        }
    }

    public void Exit() => Volatile.Write(ref _taken, 0);

    private void EnterContended()
    {
        var spinner = default(SpinWait);
        do
        {
            // No Thread.Sleep(1): the section is nanoseconds long, a millisecond of sleep would only add latency.
            spinner.SpinOnce(sleep1Threshold: -1);
        }
        while (Volatile.Read(ref _taken) != 0 || Interlocked.CompareExchange(ref _taken, 1, 0) != 0);
    }
}
