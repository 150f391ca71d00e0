using System.Collections.Concurrent;
using System.Threading.Channels;
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
        // Leases rented on one set of threads and disposed on another (which also rent), with owners renting again
        // meanwhile: a lease handed out twice shows up as a second holder of one object or as numbers overwritten
        // before its holder read them.
        const int Renters = 4;
        const int RentsEach = 20_000;
        var holders = new ConcurrentDictionary<DecisionLease, int>(ReferenceEqualityComparer.Instance);
        var handedOutTwice = 0;
        var overwritten = 0;
        var channel = Channel.CreateBounded<(DecisionLease Lease, int Remaining)>(64);
        var renters = Enumerable.Range(0, Renters).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < RentsEach; i++)
            {
                var lease = Rent(i);
                await channel.Writer.WriteAsync((lease, i));
            }
        })).ToArray();
        var disposers = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            var own = 0;
            await foreach (var (lease, remaining) in channel.Reader.ReadAllAsync())
            {
                if (lease.RemainingPermits != remaining)
                {
                    Interlocked.Increment(ref overwritten);
                }

                holders.TryRemove(lease, out _);
                lease.Dispose();

                // Disposers rent too, so leases that moved to them are handed out again.
                var mine = Rent(-1 - own++);
                holders.TryRemove(mine, out _);
                mine.Dispose();
            }
        })).ToArray();

        await Task.WhenAll(renters);
        channel.Writer.Complete();
        await Task.WhenAll(disposers);

        Assert.Equal(0, handedOutTwice);
        Assert.Equal(0, overwritten);

        DecisionLease Rent(int remaining)
        {
            var lease = DecisionLease.Rent(true, 0, remaining, 10);
            if (!holders.TryAdd(lease, 0))
            {
                Interlocked.Increment(ref handedOutTwice);
            }

            return lease;
        }
    }
}
