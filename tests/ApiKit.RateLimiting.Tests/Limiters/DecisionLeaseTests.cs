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
    public void Dispose_OnAnotherThread_MovesTheLeaseToThatThread()
    {
        DecisionLease? rented = null;
        DecisionLease? onDisposer = null;
        var renter = new Thread(() => rented = DecisionLease.Rent(true, 0, 5, 10));
        renter.Start();
        renter.Join();

        // As middleware does: the lease is disposed on whichever thread the request continues on.
        var disposer = new Thread(() =>
        {
            rented!.Dispose();
            onDisposer = DecisionLease.Rent(true, 0, 4, 10);
        });
        disposer.Start();
        disposer.Join();

        Assert.Same(rented, onDisposer);
        Assert.True(onDisposer!.TryGetMetadata(RateLimitMetadata.Remaining, out var remaining));
        Assert.Equal(4, remaining);
    }

    [Fact]
    public async Task Dispose_OnAnotherThread_TheRentingThreadNoLongerHandsItOut()
    {
        using var rentedFirst = new ManualResetEventSlim();
        using var disposedElsewhere = new ManualResetEventSlim();
        DecisionLease? first = null;
        DecisionLease? second = null;
        var renter = new Thread(() =>
        {
            first = DecisionLease.Rent(true, 0, 5, 10);
            rentedFirst.Set();
            disposedElsewhere.Wait();
            second = DecisionLease.Rent(true, 0, 4, 10);
        });
        renter.Start();
        rentedFirst.Wait();
        await Task.Run(() => first!.Dispose());
        disposedElsewhere.Set();
        renter.Join();

        Assert.NotSame(first, second);
    }
}
