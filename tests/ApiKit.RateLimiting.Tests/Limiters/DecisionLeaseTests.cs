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
    public void Dispose_OnAnotherThreadWhileStillTheOwnersLease_GoesBackToTheOwner()
    {
        using var rented = new ManualResetEventSlim();
        using var disposed = new ManualResetEventSlim();
        DecisionLease? first = null;
        DecisionLease? again = null;
        DecisionLease? onDisposer = null;
        var renter = new Thread(() =>
        {
            first = DecisionLease.Rent(true, 0, 5, 10);
            rented.Set();
            disposed.Wait();
            again = DecisionLease.Rent(true, 0, 4, 10);
        });
        renter.Start();
        rented.Wait();

        // As middleware does: the lease is disposed on whichever thread the request continues on.
        var disposer = new Thread(() =>
        {
            first!.Dispose();
            onDisposer = DecisionLease.Rent(true, 0, 3, 10);
        });
        disposer.Start();
        disposer.Join();
        disposed.Set();
        renter.Join();

        Assert.Same(first, again);
        Assert.NotSame(first, onDisposer);
        Assert.True(again!.TryGetMetadata(RateLimitMetadata.Remaining, out var remaining));
        Assert.Equal(4, remaining);
    }

    [Fact]
    public void Dispose_OnAnotherThreadAfterTheOwnerRentedAgain_MovesTheLeaseToThatThread()
    {
        using var rentedTwice = new ManualResetEventSlim();
        using var moved = new ManualResetEventSlim();
        DecisionLease? first = null;
        DecisionLease? second = null;
        DecisionLease? third = null;
        DecisionLease? onDisposer = null;
        var renter = new Thread(() =>
        {
            first = DecisionLease.Rent(true, 0, 5, 10);
            second = DecisionLease.Rent(true, 0, 4, 10);
            rentedTwice.Set();
            moved.Wait();
            second.Dispose();
            third = DecisionLease.Rent(true, 0, 3, 10);
        });
        renter.Start();
        rentedTwice.Wait();
        var disposer = new Thread(() =>
        {
            first!.Dispose();
            onDisposer = DecisionLease.Rent(true, 0, 2, 10);
        });
        disposer.Start();
        disposer.Join();
        moved.Set();
        renter.Join();

        Assert.NotSame(first, second);
        Assert.Same(first, onDisposer);
        Assert.Same(second, third);
        Assert.True(onDisposer!.TryGetMetadata(RateLimitMetadata.Remaining, out var remaining));
        Assert.Equal(2, remaining);
    }

    [Fact]
    public async Task Rent_OnManyThreadsDisposingAcrossThreads_NeverHandsOutALeaseThatIsStillOut()
    {
        // Leases rented on one set of threads and disposed on another, with owners renting again meanwhile: any
        // lease handed out twice would show up here as two holders of one object.
        var holders = new System.Collections.Concurrent.ConcurrentDictionary<DecisionLease, int>(ReferenceEqualityComparer.Instance);
        var handedOutTwice = 0;
        var channel = System.Threading.Channels.Channel.CreateBounded<DecisionLease>(64);
        var renters = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < 20_000; i++)
            {
                var lease = DecisionLease.Rent(true, 0, i, 10);
                if (!holders.TryAdd(lease, 0))
                {
                    Interlocked.Increment(ref handedOutTwice);
                }

                await channel.Writer.WriteAsync(lease);
            }
        })).ToArray();
        var disposers = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            await foreach (var lease in channel.Reader.ReadAllAsync())
            {
                holders.TryRemove(lease, out var _);
                lease.Dispose();
            }
        })).ToArray();

        await Task.WhenAll(renters);
        channel.Writer.Complete();
        await Task.WhenAll(disposers);

        Assert.Equal(0, handedOutTwice);
    }
}
