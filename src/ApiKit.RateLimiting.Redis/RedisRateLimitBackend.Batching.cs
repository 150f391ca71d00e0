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
/// A script may only touch keys of one hash slot on a cluster, so a batch takes the oldest waiter and only those
/// waiters whose keys hash to its slot; the rest go in a later batch. On a single server every key has the same slot
/// (StackExchange.Redis reports none), so any waiters batch together.
/// Timeout: a waiter's batch gets what is left of the oldest waiter's <see cref="RedisRateLimitingOptions.Timeout"/>,
/// and fails all its waiters (each then takes its failure mode) when that runs out, so no waiter waits longer than
/// the timeout in all, and a waiter needs no timer of its own.
/// </remarks>
internal sealed partial class RedisRateLimitBackend
{
    /// <summary>Script calls outstanding at once before decisions queue; two keep the connection busy while one returns.</summary>
    internal const int MaxInFlight = 2;

    private readonly Lock _batchGate = new();
    private readonly List<PendingDecision> _waiting = [];
    private readonly int _maxBatchSize;
    private int _inFlight;
    private long _batchedDecisions;

    /// <summary>Gets how many decisions went to Redis in a batch rather than alone (tests and diagnostics).</summary>
    internal long BatchedDecisions => Interlocked.Read(ref _batchedDecisions);

    /// <summary>
    /// Either takes an outstanding-call slot (returns null, <paramref name="slot"/> true: send alone and then call
    /// <see cref="LeaveBatching"/>), or queues the decision for the next batch (returns its pending result). Returns
    /// null without a slot when batching is off or the connection is not up yet.
    /// </summary>
    private PendingDecision? EnterBatching(RedisKey[] keys, RedisValue[] values, out bool slot)
    {
        slot = false;
        var connection = Volatile.Read(ref _connection);
        if (_maxBatchSize <= 1 || connection is not { IsCompletedSuccessfully: true } || keys.Length == 0)
        {
            return null;
        }

        lock (_batchGate)
        {
            if (_inFlight < MaxInFlight)
            {
                _inFlight++;
                slot = true;
                return null;
            }

            var pending = new PendingDecision(keys, values, connection.Result.HashSlot(keys[0]), _timeProvider.GetTimestamp());
            _waiting.Add(pending);
            return pending;
        }
    }

    /// <summary>Gives back an outstanding-call slot, sending the queued decisions as the next batch if any wait.</summary>
    private void LeaveBatching()
    {
        List<PendingDecision>? batch;
        lock (_batchGate)
        {
            _inFlight--;
            batch = _waiting.Count == 0 ? null : TakeBatch();
        }

        if (batch is not null)
        {
            _ = RunBatchAsync(batch);
        }
    }

    /// <summary>Takes the oldest waiter and the later ones of its hash slot, up to the batch size; takes the slot for the call.</summary>
    private List<PendingDecision> TakeBatch()
    {
        var first = _waiting[0];
        var batch = new List<PendingDecision>(Math.Min(_waiting.Count, _maxBatchSize));
        var kept = 0;
        for (var i = 0; i < _waiting.Count; i++)
        {
            var pending = _waiting[i];
            if (batch.Count < _maxBatchSize && pending.Slot == first.Slot)
            {
                batch.Add(pending);
            }
            else
            {
                _waiting[kept++] = pending;
            }
        }

        _waiting.RemoveRange(kept, _waiting.Count - kept);
        _inFlight++;
        return batch;
    }

    /// <summary>Sends one batch and hands every waiter the whole result (or the failure); never throws.</summary>
    private async Task RunBatchAsync(List<PendingDecision> batch)
    {
        var left = _options.Timeout - _timeProvider.GetElapsedTime(batch[0].Enqueued);
        RedisResult[]? result = null;
        Exception? failure = null;
        try
        {
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException("The rate limit decision waited its whole timeout for a batch.");
            }

            var (keys, values) = BatchRequest(batch);
            result = (RedisResult[])(await EvaluateBatchAsync(keys, values).WaitAsync(left, _timeProvider).ConfigureAwait(false))!;
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
            LeaveBatching();
        }

        foreach (var pending in batch)
        {
            if (failure is null)
            {
                pending.TrySetResult(result!);
            }
            else
            {
                pending.TrySetException(failure);
            }
        }
    }

    private async Task<RedisResult> EvaluateBatchAsync(RedisKey[] keys, RedisValue[] values)
    {
        var connection = ConnectAsync();
        var database = (connection.IsCompletedSuccessfully ? connection.Result : await connection.ConfigureAwait(false)).GetDatabase();
        return await RedisRateLimitScript.EvaluateBatchAsync(database, keys, values).ConfigureAwait(false);
    }

    /// <summary>
    /// The batch script's keys and arguments: every request's keys in order, and after the clock argument each
    /// request's cost, delay flag, number of limits and limits (its one-request arguments without the clock). Sets
    /// each waiter's offset, where its all-allowed flag will be in the result.
    /// </summary>
    internal static (RedisKey[] Keys, RedisValue[] Values) BatchRequest(IReadOnlyList<PendingDecision> batch)
    {
        int keyCount = 0, valueCount = 1;
        foreach (var pending in batch)
        {
            keyCount += pending.Keys.Length;
            valueCount += pending.Values.Length;
        }

        var keys = new RedisKey[keyCount];
        var values = new RedisValue[valueCount];
        values[0] = string.Empty;
        int k = 0, v = 1, offset = 0;
        foreach (var pending in batch)
        {
            pending.Keys.CopyTo(keys, k);
            k += pending.Keys.Length;
            values[v++] = pending.Values[0];
            values[v++] = pending.Values[1];
            values[v++] = pending.Keys.Length;
            Array.Copy(pending.Values, 3, values, v, pending.Values.Length - 3);
            v += pending.Values.Length - 3;
            pending.Offset = offset;
            offset += 1 + (5 * pending.Keys.Length);
        }

        return (keys, values);
    }

    /// <summary>A decision waiting for a batch: what it sends, its hash slot, when it queued, and where its answer is.</summary>
    internal sealed class PendingDecision(RedisKey[] keys, RedisValue[] values, int slot, long enqueued)
        : TaskCompletionSource<RedisResult[]>(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        public RedisKey[] Keys { get; } = keys;

        /// <summary>Gets the one-request script arguments: cost, delay flag, clock, then five per limit.</summary>
        public RedisValue[] Values { get; } = values;

        public int Slot { get; } = slot;

        public long Enqueued { get; } = enqueued;

        public int Offset { get; set; }
    }
}
