using System.Threading.RateLimiting;

namespace ApiKit.RateLimiting.Tests.Limiters;

public sealed class DecisionLeaseTests
{
    [Fact]
    public void Rent_AfterTheLastLeaseWasDisposed_ReusesIt()
    {
        var first = DecisionLease.Rent(true, 0, 5, 10);
        first.Dispose();

        using var second = DecisionLease.Rent(false, 7, 0, 9);

        Assert.Same(first, second);
        Assert.False(second.IsAcquired);
        Assert.True(second.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter));
        Assert.Equal(TimeSpan.FromTicks(70), retryAfter);
    }

    [Fact]
    public void Rent_WhileTheLastLeaseIsStillOut_ReturnsAnotherLeaseAndLeavesTheFirstIntact()
    {
        using var first = DecisionLease.Rent(true, 0, 5, 10);
        using var second = DecisionLease.Rent(false, 7, 1, 9);

        Assert.NotSame(first, second);
        Assert.True(first.IsAcquired);
        Assert.True(first.TryGetMetadata(RateLimitMetadata.Remaining, out var remaining));
        Assert.Equal(5, remaining);
        Assert.False(second.IsAcquired);
    }

    [Fact]
    public async Task Dispose_OnAnotherThread_LetsTheRentingThreadReuseTheLease()
    {
        DecisionLease? first = null;
        DecisionLease? second = null;
        using var disposed = new ManualResetEventSlim();
        using var rented = new ManualResetEventSlim();
        var renter = new Thread(() =>
        {
            first = DecisionLease.Rent(true, 0, 5, 10);
            rented.Set();
            disposed.Wait();
            second = DecisionLease.Rent(true, 0, 4, 10);
        });
        renter.Start();
        rented.Wait();
        await Task.Run(() => first!.Dispose());
        disposed.Set();
        renter.Join();

        Assert.Same(first, second);
        Assert.True(second!.TryGetMetadata(RateLimitMetadata.Remaining, out var remaining));
        Assert.Equal(4, remaining);
    }
}
