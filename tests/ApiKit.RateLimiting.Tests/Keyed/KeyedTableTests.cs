using System.Runtime.CompilerServices;
using ApiKit.RateLimiting.Tests.Limiters;
using ApiKit.Testing;
using FsCheck;
using FsCheck.Fluent;

namespace ApiKit.RateLimiting.Tests.Keyed;

public sealed class KeyedTableTests
{
    private const int Limit = 3;

    [Fact]
    public void KeyedSlot_ReferenceAndValueKeys_FillOneCacheLineWithTheKeyAndTheTagAtOppositeEnds()
    {
        // Every decision reads the key and the tag before the gate: at opposite ends of the slot, its two cache lines
        // (most slots straddle two) load together. Padding between fields would cost memory per key and now and then
        // a third line.
        AssertLayout<string>();
        AssertLayout<long>();

        static void AssertLayout<TKey>()
        {
            var slots = new KeyedSlot<TKey>[1];
            ref var start = ref Unsafe.As<KeyedSlot<TKey>, byte>(ref slots[0]);
            Assert.Equal(64, Unsafe.SizeOf<KeyedSlot<TKey>>());
            Assert.Equal(0, (int)Unsafe.ByteOffset(ref start, ref Unsafe.As<TKey, byte>(ref slots[0].Key)));
            Assert.Equal(56, (int)Unsafe.ByteOffset(ref start, ref Unsafe.As<int, byte>(ref slots[0].Guard.Tag)));
        }
    }

    [Fact]
    public void AttemptAcquire_64ThreadsInsertingWhileTheTableGrows_EveryKeyAdmitsExactlyItsLimitOnce()
    {
        const int Keys = 3000;
        var time = new ManualTimeProvider();
        using var limiter = Keyed<string>(time, Timeout.InfiniteTimeSpan);

        // Two instances of every key: equal keys that are not the same object must still meet in one slot.
        var first = Enumerable.Range(0, Keys).Select(i => $"key-{i}").ToArray();
        var second = first.Select(k => new string(k.AsSpan())).ToArray();
        var admitted = new int[Keys];
        RunTogether(64, t =>
        {
            var order = Enumerable.Range(0, Keys).ToArray();
            new Random(t).Shuffle(order);
            foreach (var i in order)
            {
                using var lease = limiter.AttemptAcquire(t % 2 == 0 ? first[i] : second[i]);
                if (lease.IsAcquired)
                {
                    Interlocked.Increment(ref admitted[i]);
                }
            }
        });

        Assert.All(admitted, count => Assert.Equal(Limit, count));
        Assert.Equal(Keys, limiter.Store.Count);
        Assert.True(limiter.Store.Capacity >= Keys, $"capacity {limiter.Store.Capacity}");
        Assert.All(first, key => Assert.Equal(0, limiter.GetStatistics(key)!.CurrentAvailablePermits));
        Assert.Equal(Keys, limiter.Store.Count);
    }

    [Fact]
    public void Evict_RacingWithDecisionsOnKeysAtRest_LosesNoDecision()
    {
        const int Keys = 2000;
        var time = new ManualTimeProvider();
        using var limiter = Keyed<int>(time, Timeout.InfiniteTimeSpan);
        var evicted = 0;
        for (var round = 0; round < 10; round++)
        {
            // Every key starts at rest (fresh, or refilled by the time advanced between rounds), so the evictor may
            // forget any key that a caller is deciding on; a decision committed into a forgotten slot would show up
            // as a key admitting more than its limit.
            var admitted = new int[Keys];
            var finished = 0;
            using var evictorRunning = new ManualResetEventSlim();

            // Thread 8 evicts until the eight callers are done, and the callers start only once it runs: on two cores
            // a late evictor could otherwise find every key already in use and never race with anything.
            RunTogether(9, t =>
            {
                if (t == 8)
                {
                    evictorRunning.Set();
                    while (Volatile.Read(ref finished) < 8)
                    {
                        Interlocked.Add(ref evicted, limiter.Store.Evict());
                    }

                    return;
                }

                try
                {
                    evictorRunning.Wait();
                    var order = Enumerable.Range(0, Keys).ToArray();
                    new Random((round * 100) + t).Shuffle(order);
                    foreach (var i in order)
                    {
                        // Statistics create entries at rest too, which the evictor removes under the callers' feet.
                        limiter.GetStatistics(i);
                        using var lease = limiter.AttemptAcquire(i);
                        if (lease.IsAcquired)
                        {
                            Interlocked.Increment(ref admitted[i]);
                        }
                    }
                }
                finally
                {
                    Interlocked.Increment(ref finished);
                }
            });

            Assert.All(admitted, count => Assert.Equal(Limit, count));
            Assert.Equal(Keys, limiter.Store.Count);
            time.Advance(TimeSpan.FromSeconds(20));
        }

        Assert.True(evicted > 0, "the evictor never removed anything, so nothing raced");
        Assert.Equal(Keys, limiter.Store.Evict());
        Assert.Equal(0, limiter.Store.Count);
    }

    [Fact]
    public void TryEnter_EntryEvictedOrMovedSinceItWasFound_FailsSoTheCallerLooksAgain()
    {
        var time = new ManualTimeProvider();
        using var limiter = Keyed<string>(time, Timeout.InfiniteTimeSpan);
        var store = limiter.Store;
        var atRest = store.GetEntry("a");
        var busy = store.GetEntry("b");
        limiter.AttemptAcquire("b").Dispose();

        Assert.Equal(1, store.Evict());
        Assert.False(atRest.TryEnter("a"));
        Assert.True(busy.TryEnter("b"));
        busy.Exit();
        Assert.False(busy.TryEnter("a"));

        // Growing the table moves every slot: handles into the old table must fail, the state must have moved.
        var capacity = store.Capacity;
        for (var i = 0; store.Capacity == capacity; i++)
        {
            store.GetEntry($"filler-{i}");
        }

        Assert.False(busy.TryEnter("b"));
        var moved = store.GetEntry("b");
        Assert.True(moved.TryEnter("b"));
        var tokensLeft = moved.State.A;
        moved.Exit();
        Assert.Equal(Limit - 1, store.Peek("b", store.Clock.NowMicros()).Remaining);
        Assert.NotEqual(0, tokensLeft);
    }

    [Fact]
    public async Task AttemptAcquire_ComparerThrowsUnderTheGate_ReleasesTheGate()
    {
        var time = new ManualTimeProvider();
        var comparer = new ThrowingComparer();
        using var limiter = (KeyedRateLimiter<int>)ApiKitRateLimiter.CreateKeyed(
            AlgorithmRateLimiterTests.Rule(RateLimitAlgorithm.TokenBucket, Limit, TimeSpan.FromSeconds(10)), time, Timeout.InfiniteTimeSpan, comparer);
        limiter.AttemptAcquire(1).Dispose();

        comparer.Throw = true;
        Assert.Throws<InvalidOperationException>(() => limiter.AttemptAcquire(1));
        comparer.Throw = false;

        // A gate left closed would make this spin forever; the bound only turns that hang into a failure.
        var acquired = await Task.Run(() =>
        {
            using var lease = limiter.AttemptAcquire(1);
            return lease.IsAcquired;
        }).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(acquired);
        Assert.Equal(1, limiter.Store.Evict() + limiter.Store.Count);
    }

    [Fact]
    public void TryEnter_ProbePassesAnotherKeyWithTheSameFingerprint_KeepsSeparateStates()
    {
        // In a 16-bucket table a fingerprint is the tag's low 28 bits, so K and J = K + 2^29 share it with different
        // tags, and J's home is two past K's (the multiply adds 2 x 9 x 2^28). Fillers F1 and F2 take K's home and
        // the next bucket, J its own: K's probe then passes F1, F2 and J, whose bucket matches K's fingerprint, and
        // must be told apart from J by the slot's tag.
        static int HomeOf(int key) => (int)(((uint)(key | int.MinValue) * 2654435769u) >> 28);
        const int K = 1;
        const int J = K + (2 << 28);
        var f1 = Enumerable.Range(2, 1000).First(f => HomeOf(f) == HomeOf(K));
        var f2 = Enumerable.Range(2, 1000).First(f => HomeOf(f) == ((HomeOf(K) + 1) & 15));
        Assert.Equal((HomeOf(K) + 2) & 15, HomeOf(J));
        var time = new ManualTimeProvider();
        using var limiter = (KeyedRateLimiter<int>)ApiKitRateLimiter.CreateKeyed(
            AlgorithmRateLimiterTests.Rule(RateLimitAlgorithm.FixedWindow, Limit, TimeSpan.FromSeconds(10)), time, Timeout.InfiniteTimeSpan, new IdentityComparer());

        for (var round = 0; round < Limit + 1; round++)
        {
            foreach (var key in new[] { f1, f2, J, K })
            {
                using var lease = limiter.AttemptAcquire(key);
                Assert.Equal(round < Limit, lease.IsAcquired);
            }
        }

        Assert.Equal(16, limiter.Store.Capacity);
        Assert.Equal(4, limiter.Store.Count);
    }

    [Fact]
    public void TryInsertAndEnter_MoreKeysWithTheSameTagThanAllowed_RefusesWithoutChangingAnything()
    {
        var table = new KeyedTable<string>(16, EqualityComparer<string>.Default, fastStrings: false);
        const int Tag = unchecked((int)0x8000_1234);
        for (var i = 0; i < 3; i++)
        {
            var index = table.TryInsertAndEnter($"key-{i}", Tag, int.MaxValue, 4, out _);
            Assert.True(index >= 0);
            table.Slots[index].Guard.Gate.Exit();
        }

        Assert.Equal(-1, table.TryInsertAndEnter("key-3", Tag, int.MaxValue, 3, out _));
        Assert.Equal(3, table.HandedOut);
        Assert.Equal(3, table.Buckets.Count(b => b > 1));
        var other = table.TryInsertAndEnter("other", Tag ^ 0x10, int.MaxValue, 3, out _);
        Assert.True(other >= 0);
        table.Slots[other].Guard.Gate.Exit();
    }

    [Fact]
    public void AttemptAcquire_ThreadsDecidingWhileTheStoreSwitchesHashes_EveryKeyAdmitsExactlyItsLimit()
    {
        var time = new ManualTimeProvider();
        var rule = AlgorithmRateLimiterTests.Rule(RateLimitAlgorithm.FixedWindow, Limit, TimeSpan.FromSeconds(10));
        using var store = new KeyedLimitStore<string>(rule, new RateLimitClock(time, TimeSpan.Zero), Timeout.InfiniteTimeSpan, floodProbeLimit: 3);
        var keys = Enumerable.Range(0, 2000).Select(i => $"user-{i}").ToArray();
        var admitted = new int[keys.Length];
        var now = store.Clock.NowMicros();
        using var start = new ManualResetEventSlim();
        var threads = Enumerable.Range(0, 4).Select(t => new Thread(() =>
        {
            start.Wait();

            // Every thread walks all keys, each from its own offset, Limit + 1 times: inserts, the switch to the
            // comparer's hash and decisions on moved slots all race.
            for (var round = 0; round < Limit + 1; round++)
            {
                for (var n = 0; n < keys.Length; n++)
                {
                    var i = (n + (t * 500)) % keys.Length;
                    if (store.Decide(new string(keys[i].AsSpan()), 1, now, allowDelay: false).Allowed)
                    {
                        Interlocked.Increment(ref admitted[i]);
                    }
                }
            }
        })).ToArray();
        Array.ForEach(threads, t => t.Start());
        start.Set();
        Array.ForEach(threads, t => t.Join());

        Assert.False(store.FastStrings);
        Assert.All(admitted, count => Assert.Equal(Limit, count));
        Assert.Equal(keys.Length, store.Count);
    }

    [Fact]
    public void TryEnter_KeysWithEqualHashes_KeepSeparateStates()
    {
        var time = new ManualTimeProvider();
        using var limiter = (KeyedRateLimiter<string>)ApiKitRateLimiter.CreateKeyed(
            AlgorithmRateLimiterTests.Rule(RateLimitAlgorithm.FixedWindow, Limit, TimeSpan.FromSeconds(10)), time, Timeout.InfiniteTimeSpan, new ConstantHashComparer());
        var keys = Enumerable.Range(0, 200).Select(i => $"user-{i}").ToArray();

        for (var round = 0; round < Limit + 1; round++)
        {
            foreach (var key in keys)
            {
                using var lease = limiter.AttemptAcquire(key);
                Assert.Equal(round < Limit, lease.IsAcquired);
            }
        }

    }

    [Fact]
    public void Store_StringKeysWithTheDefaultOrOrdinalComparer_UseTheSeededHashAndOtherComparersTheirOwn()
    {
        var time = new ManualTimeProvider();
        var rule = AlgorithmRateLimiterTests.Rule(RateLimitAlgorithm.FixedWindow, Limit, TimeSpan.FromSeconds(10));
        using var byDefault = (KeyedRateLimiter<string>)ApiKitRateLimiter.CreateKeyed<string>(rule, time);
        using var ordinal = (KeyedRateLimiter<string>)ApiKitRateLimiter.CreateKeyed<string>(rule, time, comparer: StringComparer.Ordinal);
        using var ignoreCase = (KeyedRateLimiter<string>)ApiKitRateLimiter.CreateKeyed<string>(rule, time, comparer: StringComparer.OrdinalIgnoreCase);

        Assert.True(byDefault.Store.FastStrings);
        Assert.True(ordinal.Store.FastStrings);
        Assert.False(ignoreCase.Store.FastStrings);

        // The comparer's equality still decides which keys share a state.
        ignoreCase.AttemptAcquire("Alice", Limit).Dispose();
        using var sameKey = ignoreCase.AttemptAcquire("ALICE");
        Assert.False(sameKey.IsAcquired);
        byDefault.AttemptAcquire("Alice", Limit).Dispose();
        using var otherKey = byDefault.AttemptAcquire("ALICE");
        Assert.True(otherKey.IsAcquired);
    }

    [Fact]
    public void Insert_ProbeLongerThanTheFloodLimit_SwitchesToTheComparersHashAndKeepsEveryState()
    {
        var time = new ManualTimeProvider();
        var rule = AlgorithmRateLimiterTests.Rule(RateLimitAlgorithm.FixedWindow, 2, TimeSpan.FromSeconds(10));
        using var store = new KeyedLimitStore<string>(rule, new RateLimitClock(time, TimeSpan.Zero), Timeout.InfiniteTimeSpan, floodProbeLimit: 0);
        var keys = Enumerable.Range(0, 300).Select(i => $"10.0.{i / 256}.{i % 256}").ToArray();
        Assert.True(store.FastStrings);

        // With a limit of 0 the first insert that meets an occupied bucket counts as a flood; states decided before
        // the switch must survive the rehash under their new tags.
        var now = store.Clock.NowMicros();
        var first = keys.Select(key => store.Decide(key, 1, now, allowDelay: false).Allowed).ToArray();
        Assert.False(store.FastStrings);
        var second = keys.Select(key => store.Decide(key, 1, now, allowDelay: false).Allowed).ToArray();
        var third = keys.Select(key => store.Decide(key, 1, now, allowDelay: false).Allowed).ToArray();

        Assert.All(first, Assert.True);
        Assert.All(second, Assert.True);
        Assert.All(third, Assert.False);
        Assert.Equal(keys.Length, store.Count);
    }

    [Fact]
    public void GetEntry_PastHalfTheBuckets_DoublesTheTable()
    {
        var time = new ManualTimeProvider();
        using var limiter = Keyed<int>(time, Timeout.InfiniteTimeSpan);
        var store = limiter.Store;

        // 16 buckets hold 8 keys; the 9th doubles the table (more than a quarter of it live).
        for (var key = 0; key < 8; key++)
        {
            store.GetEntry(key);
        }

        Assert.Equal(16, store.Capacity);
        store.GetEntry(8);
        Assert.Equal(32, store.Capacity);
    }

    [Fact]
    public void Evict_ChurnAtAFewLiveKeys_RebuildsTheTableInPlaceInsteadOfGrowing()
    {
        var time = new ManualTimeProvider();
        using var limiter = Keyed<int>(time, Timeout.InfiniteTimeSpan);
        var store = limiter.Store;

        // Four live keys a round, evicted at its end: their buckets stay behind as tombstones, and once tombstones and
        // live keys fill half of the 16 buckets the next insert rebuilds the table at 16 (a quarter or less live).
        for (var round = 0; round < 20; round++)
        {
            for (var key = round * 4; key < (round + 1) * 4; key++)
            {
                limiter.AttemptAcquire(key).Dispose();
                Assert.Equal(16, store.Capacity);
            }

            time.Advance(TimeSpan.FromSeconds(10));
            Assert.Equal(4, store.Evict());
        }
    }

    [Fact]
    public void Evict_SomeKeysOfATableThatJustDoubled_DoesNotShrinkItBack()
    {
        var time = new ManualTimeProvider();
        using var limiter = Keyed<int>(time, Timeout.InfiniteTimeSpan);
        var store = limiter.Store;
        for (var key = 0; key < 17; key++)
        {
            limiter.AttemptAcquire(key).Dispose();
        }

        Assert.Equal(64, store.Capacity);

        // Ten keys go idle: 7 live of 64 is under the eighth a table that doubled with churn can sit at (the quarter
        // of the old size), which must not shrink it back, and not under a sixteenth.
        time.Advance(TimeSpan.FromSeconds(10));
        for (var key = 0; key < 7; key++)
        {
            limiter.AttemptAcquire(key).Dispose();
        }

        Assert.Equal(10, store.Evict());
        Assert.Equal(7, store.Count);
        Assert.Equal(64, store.Capacity);
    }

    [Fact]
    public void Evict_MostKeysAtRest_ShrinksTheTableAndKeepsTheRest()
    {
        var time = new ManualTimeProvider();
        using var limiter = Keyed<int>(time, Timeout.InfiniteTimeSpan);
        for (var i = 0; i < 1000; i++)
        {
            limiter.AttemptAcquire(i).Dispose();
        }

        var grown = limiter.Store.Capacity;
        time.Advance(TimeSpan.FromSeconds(20));
        limiter.AttemptAcquire(7, Limit).Dispose();

        Assert.Equal(999, limiter.Store.Evict());
        Assert.True(limiter.Store.Capacity < grown, $"{limiter.Store.Capacity} < {grown}");
        using var denied = limiter.AttemptAcquire(7);
        Assert.False(denied.IsAcquired);
        using var fresh = limiter.AttemptAcquire(8, Limit);
        Assert.True(fresh.IsAcquired);
    }

    [Fact]
    public void Store_AnySequenceOfAcquireLookupAdvanceEvict_MatchesADictionaryModel()
    {
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(120), Prop.ForAll(Operations().ToArbitrary(), operations =>
            Replay(operations, k => k) && Replay(operations, k => $"k{k}")));
    }

    private static bool Replay<TKey>(Op[] operations, Func<int, TKey> keyOf)
        where TKey : notnull
    {
        var time = new ManualTimeProvider();
        using var limiter = Keyed<TKey>(time, Timeout.InfiniteTimeSpan);

        // Time moves only in steps of two windows, after which every bucket is full again: between steps, a key is
        // at rest exactly when it has consumed nothing since the last step.
        var consumed = new Dictionary<int, int>();
        foreach (var (kind, key) in operations)
        {
            switch (kind)
            {
                case OpKind.Acquire:
                    consumed.TryGetValue(key, out var used);
                    using (var lease = limiter.AttemptAcquire(keyOf(key)))
                    {
                        if (lease.IsAcquired != used < Limit)
                        {
                            return false;
                        }
                    }

                    consumed[key] = Math.Min(Limit, used + 1);
                    break;
                case OpKind.Lookup:
                    var remaining = limiter.GetStatistics(keyOf(key))!.CurrentAvailablePermits;
                    consumed.TryGetValue(key, out var seen);
                    consumed.TryAdd(key, 0);
                    if (remaining != Limit - seen)
                    {
                        return false;
                    }

                    break;
                case OpKind.Advance:
                    time.Advance(TimeSpan.FromSeconds(20));
                    foreach (var k in consumed.Keys)
                    {
                        consumed[k] = 0;
                    }

                    break;
                default:
                    var atRest = consumed.Where(p => p.Value == 0).Select(p => p.Key).ToList();
                    atRest.ForEach(k => consumed.Remove(k));
                    if (limiter.Store.Evict() != atRest.Count)
                    {
                        return false;
                    }

                    break;
            }

            if (limiter.Store.Count != consumed.Count)
            {
                return false;
            }
        }

        return true;
    }

    private static Gen<Op[]> Operations() =>
        from keySpace in Gen.Elements(4, 40, 400)
        from ops in Gen.ArrayOf(
            from kind in Gen.Frequency((12, Gen.Constant(OpKind.Acquire)), (3, Gen.Constant(OpKind.Lookup)), (1, Gen.Constant(OpKind.Advance)), (2, Gen.Constant(OpKind.Evict)))
            from key in Gen.Choose(0, keySpace - 1)
            select new Op(kind, key))
        select ops;

    /// <summary>Runs <paramref name="count"/> dedicated threads released at once (the thread pool would start them one by one).</summary>
    private static void RunTogether(int count, Action<int> body)
    {
        using var start = new ManualResetEventSlim();
        var failures = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
        var threads = Enumerable.Range(0, count).Select(t => new Thread(() =>
        {
            start.Wait();
            try
            {
                body(t);
            }
            catch (Exception e)
            {
                failures.Enqueue(e);
            }
        })).ToArray();
        Array.ForEach(threads, t => t.Start());
        start.Set();
        Array.ForEach(threads, t => t.Join());
        Assert.Empty(failures);
    }

    private static KeyedRateLimiter<TKey> Keyed<TKey>(ManualTimeProvider time, TimeSpan evictionInterval)
        where TKey : notnull =>
        (KeyedRateLimiter<TKey>)ApiKitRateLimiter.CreateKeyed<TKey>(
            AlgorithmRateLimiterTests.Rule(RateLimitAlgorithm.TokenBucket, Limit, TimeSpan.FromSeconds(10)), time, evictionInterval);

    private enum OpKind
    {
        Acquire,
        Lookup,
        Advance,
        Evict,
    }

    private sealed record Op(OpKind Kind, int Key);

    private sealed class IdentityComparer : IEqualityComparer<int>
    {
        public bool Equals(int x, int y) => x == y;

        public int GetHashCode(int obj) => obj;
    }

    private sealed class ConstantHashComparer : IEqualityComparer<string>
    {
        public bool Equals(string? x, string? y) => string.Equals(x, y, StringComparison.Ordinal);

        public int GetHashCode(string obj) => 42;
    }

    private sealed class ThrowingComparer : IEqualityComparer<int>
    {
        public bool Throw { get; set; }

        public bool Equals(int x, int y) => Throw ? throw new InvalidOperationException("comparer failed") : x == y;

        public int GetHashCode(int obj) => obj;
    }
}
