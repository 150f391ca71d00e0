using System.Buffers.Binary;
using StackExchange.Redis;

namespace ApiKit.RateLimiting.Redis;

/// <summary>
/// Opportunistic batching. At most <see cref="MaxInFlight"/> script calls are outstanding; a decision arriving while
/// all are taken waits in a queue, and each call that ends (answered, failed or timed out) sends what has queued up
/// meanwhile as one batch script call (<c>RateLimitBatch.lua</c>), up to <see cref="RedisRateLimitingOptions.MaxBatchSize"/>
/// decisions. Nothing waits for a timer: a lone caller always finds a free call and goes straight out, and under load
/// the server pays TIME, the reads and the script call once per batch.
/// </summary>
/// <remarks>
/// A script may only touch keys of one hash slot on a cluster, so outstanding calls are counted per hash slot and a
/// batch holds waiters of one slot only: a decision queues only behind calls of its own slot, and a call that ends
/// sends the waiters of its slot. With one count for the whole process, a cluster (where a single-limit policy puts
/// every key in its own slot) would get batches of one and only two calls at a time. On a single server every key has
/// the same slot (StackExchange.Redis reports none), so all decisions share one count and any waiters batch together.
/// Timeout: a waiter's batch gets what is left of the oldest waiter's <see cref="RedisRateLimitingOptions.Timeout"/>,
/// and fails all its waiters (each then takes its failure mode) when that runs out, so no waiter waits longer than
/// the timeout in all, and a waiter needs no timer of its own.
/// </remarks>
internal sealed partial class RedisRateLimitBackend
{
    /// <summary>Script calls outstanding at once before decisions queue; two keep the connection busy while one returns.</summary>
    internal const int MaxInFlight = 2;

    /// <summary>
    /// Keys of one batch at most: the script reads them with <c>MGET unpack(KEYS)</c>, and Lua's <c>unpack</c> fails
    /// beyond about 8,000 values.
    /// </summary>
    internal const int MaxBatchKeys = 4096;

    /// <summary>Bytes of one packed limit in a batch request.</summary>
    internal const int LimitSize = 33;

    /// <summary>Bytes of one limit's answer in a batch result.</summary>
    internal const int AnswerSize = 33;

    private readonly Lock _batchGate = new();
    private readonly List<PendingDecision> _waiting = [];
    private readonly Dictionary<int, int> _inFlightBySlot = [];
    private readonly int _maxBatchSize;
    private long _batchedDecisions;

    /// <summary>Gets how many decisions wait for a batch now (tests and diagnostics).</summary>
    internal int QueuedDecisions
    {
        get
        {
            lock (_batchGate)
            {
                return _waiting.Count;
            }
        }
    }

    /// <summary>Gets how many decisions went to Redis in a batch rather than alone (tests and diagnostics).</summary>
    internal long BatchedDecisions => Interlocked.Read(ref _batchedDecisions);

    /// <summary>
    /// Either takes an outstanding-call slot (returns false: send <paramref name="pending"/> alone now, then call
    /// <see cref="LeaveBatching"/> if <paramref name="slot"/>), or queues it for the next batch (returns true: await its
    /// <see cref="PendingDecision.Completion"/>). Batching off or the connection not up yet, it neither queues nor
    /// takes a slot.
    /// </summary>
    private bool TryQueue(PendingDecision pending, out bool slot)
    {
        slot = false;
        var connection = Volatile.Read(ref _connection);
        if (_maxBatchSize <= 1 || connection is not { IsCompletedSuccessfully: true } || pending.Keys.Length == 0)
        {
            return false;
        }

        pending.Slot = connection.Result.HashSlot(pending.Keys[0]);
        lock (_batchGate)
        {
            _inFlightBySlot.TryGetValue(pending.Slot, out var inFlight);
            if (inFlight < MaxInFlight)
            {
                _inFlightBySlot[pending.Slot] = inFlight + 1;
                slot = true;
                return false;
            }

            pending.Enqueued = _timeProvider.GetTimestamp();
            pending.Completion = new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiting.Add(pending);
            return true;
        }
    }

    /// <summary>
    /// Gives back an outstanding call of <paramref name="hashSlot"/>, sending that slot's queued decisions as its next
    /// batch if any wait.
    /// </summary>
    private void LeaveBatching(int hashSlot)
    {
        while (true)
        {
            List<PendingDecision> batch;
            lock (_batchGate)
            {
                batch = TakeBatch(_waiting, _maxBatchSize, hashSlot);
                if (batch.Count == 0)
                {
                    var inFlight = _inFlightBySlot[hashSlot] - 1;
                    if (inFlight == 0)
                    {
                        _inFlightBySlot.Remove(hashSlot);
                    }
                    else
                    {
                        _inFlightBySlot[hashSlot] = inFlight;
                    }

                    return;
                }
            }

            // A batch whose oldest waiter already used up its timeout fails here, in a loop, rather than in
            // RunBatchAsync, whose failure would call back into this method on the same stack once per such batch.
            if (_options.Timeout - _timeProvider.GetElapsedTime(batch[0].Enqueued) <= TimeSpan.Zero)
            {
                var expired = new TimeoutException("The rate limit decision waited its whole timeout for a batch.");
                foreach (var pending in batch)
                {
                    pending.Completion!.TrySetException(expired);
                }

                continue;
            }

            // The batch takes over the call that ended, so the slot's count stays as it is.
            _ = RunBatchAsync(batch);
            return;
        }
    }

    /// <summary>
    /// Removes and returns the oldest waiter and the later ones of its hash slot, up to <paramref name="maxBatchSize"/>,
    /// in arrival order; the others stay queued in their order.
    /// </summary>
    internal static List<PendingDecision> TakeBatch(List<PendingDecision> waiting, int maxBatchSize) =>
        TakeBatch(waiting, maxBatchSize, waiting[0].Slot);

    /// <summary>
    /// Removes and returns the waiters of <paramref name="hashSlot"/>, oldest first, up to <paramref name="maxBatchSize"/>;
    /// the others stay queued in their order.
    /// </summary>
    internal static List<PendingDecision> TakeBatch(List<PendingDecision> waiting, int maxBatchSize, int hashSlot)
    {
        var batch = new List<PendingDecision>(Math.Min(waiting.Count, maxBatchSize));
        var kept = 0;
        var keys = 0;
        var full = false;
        for (var i = 0; i < waiting.Count; i++)
        {
            var pending = waiting[i];
            if (!full && pending.Slot == hashSlot)
            {
                // Once one does not fit, later ones of the slot wait too, so the slot's decisions keep their order.
                full = batch.Count == maxBatchSize || (batch.Count > 0 && keys + pending.Keys.Length > MaxBatchKeys);
            }

            if (!full && pending.Slot == hashSlot)
            {
                batch.Add(pending);
                keys += pending.Keys.Length;
            }
            else
            {
                waiting[kept++] = pending;
            }
        }

        waiting.RemoveRange(kept, waiting.Count - kept);
        return batch;
    }

    /// <summary>Takes a waiter out of the queue if no batch has taken it yet; returns whether it was still queued.</summary>
    private bool Withdraw(PendingDecision pending)
    {
        lock (_batchGate)
        {
            return _waiting.Remove(pending);
        }
    }

    /// <summary>Sends one batch and hands every waiter the whole result (or the failure); never throws.</summary>
    private async Task RunBatchAsync(List<PendingDecision> batch)
    {
        var left = _options.Timeout - _timeProvider.GetElapsedTime(batch[0].Enqueued);
        byte[]? result = null;
        Exception? failure = null;
        try
        {
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException("The rate limit decision waited its whole timeout for a batch.");
            }

            var (keys, values) = BatchRequest(batch);
            result = (byte[])(await EvaluateBatchAsync(keys, values).WaitAsync(left, _timeProvider).ConfigureAwait(false))!;
            Interlocked.Add(ref _batchedDecisions, batch.Count);
        }
        catch (Exception e)
        {
            // Whatever went wrong goes to every waiter, whose own handling decides (or rethrows) as for a lone call;
            // swallowing it here would leave them waiting forever.
            failure = e;
        }
        finally
        {
            // Before the waiters run on: the next batch is what queued while this one was out.
            LeaveBatching(batch[0].Slot);
        }

        foreach (var pending in batch)
        {
            if (failure is null)
            {
                pending.Completion!.TrySetResult(result!);
            }
            else
            {
                pending.Completion!.TrySetException(failure);
            }
        }
    }

    /// <summary>The batch script call; once connected, the script's own task, with no async layer of its own.</summary>
    internal Task<RedisResult> EvaluateBatchAsync(RedisKey[] keys, RedisValue[] values)
    {
        var connection = ConnectAsync();
        return connection.IsCompletedSuccessfully
            ? RedisRateLimitScript.EvaluateBatchAsync(connection.Result.GetDatabase(), keys, values)
            : EvaluateBatchAfterConnectAsync(connection, keys, values);
    }

    private static async Task<RedisResult> EvaluateBatchAfterConnectAsync(Task<IConnectionMultiplexer> connection, RedisKey[] keys, RedisValue[] values)
    {
        var database = (await connection.ConfigureAwait(false)).GetDatabase();
        return await RedisRateLimitScript.EvaluateBatchAsync(database, keys, values).ConfigureAwait(false);
    }

    /// <summary>
    /// The batch script's keys and arguments: every request's keys in order, the clock argument, and the requests
    /// packed one after another. Sets each request's offset, where its answer will start in the packed result.
    /// </summary>
    internal static (RedisKey[] Keys, RedisValue[] Values) BatchRequest(IReadOnlyList<PendingDecision> batch)
    {
        int keyCount = 0, size = 0;
        foreach (var pending in batch)
        {
            keyCount += pending.Keys.Length;
            size += 10 + pending.Limits.Length;
        }

        var keys = new RedisKey[keyCount];
        var packed = new byte[size];
        int k = 0, at = 0, offset = 0;
        foreach (var pending in batch)
        {
            pending.Keys.CopyTo(keys, k);
            k += pending.Keys.Length;
            BinaryPrimitives.WriteDoubleLittleEndian(packed.AsSpan(at), pending.Cost);
            packed[at + 8] = pending.AllowDelay ? (byte)1 : (byte)0;
            packed[at + 9] = (byte)pending.Keys.Length;
            pending.Limits.CopyTo(packed, at + 10);
            at += 10 + pending.Limits.Length;
            pending.Offset = offset;
            offset += 1 + (AnswerSize * pending.Keys.Length);
        }

        return (keys, [string.Empty, packed]);
    }

    /// <summary>Packs limits as the batch script reads them: algorithm (byte), N, W, burst, queue (doubles).</summary>
    internal static void PackLimit(Span<byte> to, in LimitParameters p)
    {
        to[0] = (byte)p.Algorithm;
        BinaryPrimitives.WriteDoubleLittleEndian(to[1..], p.PermitLimit);
        BinaryPrimitives.WriteDoubleLittleEndian(to[9..], p.WindowMicros);
        BinaryPrimitives.WriteDoubleLittleEndian(to[17..], p.Burst);
        BinaryPrimitives.WriteDoubleLittleEndian(to[25..], p.QueueLimit);
    }

    /// <summary>Reads limit <paramref name="j"/> of the request whose answer starts at <paramref name="offset"/>.</summary>
    internal static LimitDecision ReadDecision(byte[] answer, int offset, int j)
    {
        var at = answer.AsSpan(offset + 1 + (AnswerSize * j));
        return new LimitDecision(
            at[0] == 1,
            (long)BinaryPrimitives.ReadDoubleLittleEndian(at[1..]),
            (long)BinaryPrimitives.ReadDoubleLittleEndian(at[9..]),
            (long)BinaryPrimitives.ReadDoubleLittleEndian(at[17..]),
            (long)BinaryPrimitives.ReadDoubleLittleEndian(at[25..]));
    }

    /// <summary>
    /// A decision for the batch script: its keys, cost, delay flag and packed limits; while queued, its hash slot, when
    /// it queued and its completion; once sent, where its answer starts.
    /// </summary>
    internal sealed class PendingDecision(RedisKey[] keys, long cost, bool allowDelay, byte[] limits)
    {
        public RedisKey[] Keys { get; } = keys;

        public long Cost { get; } = cost;

        public bool AllowDelay { get; } = allowDelay;

        /// <summary>Gets the limits of <see cref="Keys"/>, packed (<see cref="LimitSize"/> bytes each).</summary>
        public byte[] Limits { get; } = limits;

        public int Slot { get; set; }

        public long Enqueued { get; set; }

        public TaskCompletionSource<byte[]>? Completion { get; set; }

        public int Offset { get; set; }
    }
}
