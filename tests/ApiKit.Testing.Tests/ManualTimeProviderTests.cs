namespace ApiKit.Testing.Tests;

public sealed class ManualTimeProviderTests
{
    [Fact]
    public void Advance_MovesUtcNowAndTimestamp()
    {
        var time = new ManualTimeProvider();
        var before = time.GetTimestamp();

        time.Advance(TimeSpan.FromSeconds(90));

        Assert.Equal(ManualTimeProvider.DefaultStart.AddSeconds(90), time.GetUtcNow());
        Assert.Equal(TimeSpan.FromSeconds(90), time.GetElapsedTime(before));
    }

    [Fact]
    public void Advance_NegativeDelta_Throws()
    {
        var time = new ManualTimeProvider();

        Assert.Throws<ArgumentOutOfRangeException>(() => time.Advance(TimeSpan.FromTicks(-1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => time.SetUtcNow(ManualTimeProvider.DefaultStart.AddSeconds(-1)));
    }

    [Fact]
    public void CreateTimer_FiresOnlyWhenDue_AtItsOwnDueTime()
    {
        var time = new ManualTimeProvider();
        var firedAt = new List<DateTimeOffset>();
        using var timer = time.CreateTimer(_ => firedAt.Add(time.GetUtcNow()), null, TimeSpan.FromSeconds(10), Timeout.InfiniteTimeSpan);

        time.Advance(TimeSpan.FromSeconds(9));
        Assert.Empty(firedAt);

        time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal([ManualTimeProvider.DefaultStart.AddSeconds(10)], firedAt);
        Assert.Equal(ManualTimeProvider.DefaultStart.AddSeconds(14), time.GetUtcNow());
    }

    [Fact]
    public void CreateTimer_Periodic_FiresOncePerPeriodInOrder()
    {
        var time = new ManualTimeProvider();
        var fired = new List<string>();
        using var fast = time.CreateTimer(_ => fired.Add("fast"), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        using var slow = time.CreateTimer(_ => fired.Add("slow"), null, TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(2));

        time.Advance(TimeSpan.FromSeconds(4));

        Assert.Equal(["fast", "slow", "fast", "fast", "slow", "fast"], fired);
    }

    [Fact]
    public void Timer_DisposedOrChanged_StopsOrMoves()
    {
        var time = new ManualTimeProvider();
        var count = 0;
        var timer = time.CreateTimer(_ => count++, null, TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan);

        Assert.True(timer.Change(TimeSpan.FromSeconds(5), Timeout.InfiniteTimeSpan));
        time.Advance(TimeSpan.FromSeconds(4));
        Assert.Equal(0, count);

        timer.Dispose();
        time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(0, count);
        Assert.False(timer.Change(TimeSpan.Zero, Timeout.InfiniteTimeSpan));
        Assert.Equal(0, time.ActiveTimerCount);
    }

    [Fact]
    public async Task Delay_CompletesWhenClockPassesDueTime()
    {
        var time = new ManualTimeProvider();
        var delay = Task.Delay(TimeSpan.FromMinutes(5), time);

        time.Advance(TimeSpan.FromMinutes(4));
        Assert.False(delay.IsCompleted);

        time.Advance(TimeSpan.FromMinutes(1));
        await delay.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.True(delay.IsCompletedSuccessfully);
    }

    [Fact]
    public void CancellationTokenSource_WithProvider_CancelsOnAdvance()
    {
        var time = new ManualTimeProvider();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30), time);

        time.Advance(TimeSpan.FromSeconds(29));
        Assert.False(cts.IsCancellationRequested);

        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(cts.IsCancellationRequested);
    }

    [Fact]
    public void Advance_FromAnotherThreadDuringATimerCallback_AddsUpAndNeverGoesBackwards()
    {
        var time = new ManualTimeProvider();
        // A dedicated thread, not the thread pool: a blocked pool on a 2-core machine would delay it past the wait.
        var other = new Thread(() => time.Advance(TimeSpan.FromSeconds(10)));
        using var timer = time.CreateTimer(
            _ =>
            {
                // Another thread advances while this Advance is firing a timer. It must wait for this Advance to
                // finish (the bounded join times out); were it let through, this Advance would then set the clock back.
                other.Start();
                other.Join(TimeSpan.FromMilliseconds(500));
            },
            null,
            TimeSpan.FromSeconds(1),
            Timeout.InfiniteTimeSpan);

        time.Advance(TimeSpan.FromSeconds(5));
        Assert.True(other.Join(TimeSpan.FromSeconds(10)));

        Assert.Equal(ManualTimeProvider.DefaultStart.AddSeconds(15), time.GetUtcNow());
    }
}
