using ApiKit.RateLimiting.Redis;

namespace ApiKit.RateLimiting.Tests.Redis;

/// <summary>On a cluster a script may touch one hash slot only: a batch is the oldest waiter and later ones of its slot.</summary>
public sealed class RedisBatchSlotTests
{
    [Fact]
    public void TakeBatch_WaitersOfSeveralSlots_TakesTheOldestsSlotInOrderUpToTheSize()
    {
        var waiting = new[] { 5, 7, 5, 5, 7, 5 }.Select(Waiter).ToList();
        var all = waiting.ToArray();

        var batch = RedisRateLimitBackend.TakeBatch(waiting, maxBatchSize: 3);

        Assert.Equal([all[0], all[2], all[3]], batch);
        Assert.Equal([all[1], all[4], all[5]], waiting);
    }

    [Fact]
    public void TakeBatch_SingleServerNoSlot_TakesEveryWaiterUpToTheSize()
    {
        var waiting = Enumerable.Repeat(-1, 5).Select(Waiter).ToList();
        var all = waiting.ToArray();

        var batch = RedisRateLimitBackend.TakeBatch(waiting, maxBatchSize: 4);

        Assert.Equal(all[..4], batch);
        Assert.Equal([all[4]], waiting);
    }

    [Fact]
    public void TakeBatch_ForTheSlotWhoseCallEnded_TakesOnlyThatSlotsWaiters()
    {
        var waiting = new[] { 5, 7, 5, 7, 7 }.Select(Waiter).ToList();
        var all = waiting.ToArray();

        var batch = RedisRateLimitBackend.TakeBatch(waiting, maxBatchSize: 64, hashSlot: 7);

        Assert.Equal([all[1], all[3], all[4]], batch);
        Assert.Equal([all[0], all[2]], waiting);
        Assert.Empty(RedisRateLimitBackend.TakeBatch(waiting, maxBatchSize: 64, hashSlot: 9));
    }

    [Fact]
    public void TakeBatch_MoreKeysThanOneScriptCanRead_StopsAtTheKeyBudgetKeepingOrder()
    {
        var perRequest = (RedisRateLimitBackend.MaxBatchKeys / 2) + 1;
        var waiting = Enumerable.Range(0, 3).Select(_ => WaiterWithKeys(-1, perRequest)).ToList();
        waiting.Add(WaiterWithKeys(-1, 1));
        var all = waiting.ToArray();

        var batch = RedisRateLimitBackend.TakeBatch(waiting, maxBatchSize: 64, hashSlot: -1);

        Assert.Equal([all[0]], batch);
        Assert.Equal(all[1..], waiting);
    }

    private static RedisRateLimitBackend.PendingDecision WaiterWithKeys(int slot, int keys) =>
        new([.. Enumerable.Range(0, keys).Select(i => (StackExchange.Redis.RedisKey)$"k{slot}:{i}")], 1, false, new byte[RedisRateLimitBackend.LimitSize * keys]) { Slot = slot };

    private static RedisRateLimitBackend.PendingDecision Waiter(int slot) => new([$"k{slot}"], 1, false, new byte[RedisRateLimitBackend.LimitSize]) { Slot = slot };
}
