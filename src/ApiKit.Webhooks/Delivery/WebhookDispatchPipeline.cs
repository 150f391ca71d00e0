using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ApiKit.Webhooks;

/// <summary>
/// The dispatcher's streaming loop. One bookkeeping loop owns every store call: each round it sends the results that
/// finished since the last round to the store as one batch and, beside it, claims new batches into the free slots.
/// Claimed deliveries are sent at once (bounded per endpoint), so up to <see cref="WebhookDeliveryOptions.MaxInFlight"/>
/// claimed deliveries wait ahead of the HTTP senders and their concurrency stays full while the store works.
/// A slow or dead endpoint only holds its own slots; it never holds up claiming, sending or recording for the others.
/// </summary>
/// <remarks>
/// Store calls cost mostly per call, not per row (a transaction, a commit, a round trip), so the loop claims a full
/// <see cref="WebhookDeliveryOptions.BatchSize"/> whenever enough slots are free and work is in hand, and claims
/// whatever is free at once when the senders run low or when it was woken by a new message or the poll interval.
/// For the same reason, while two batches or more are still on their way, results are recorded a batch at a time
/// (for at most 20 ms), not a handful per round.
/// </remarks>
internal sealed partial class WebhookDispatchPipeline(
    WebhookDeliveryProcessor processor,
    WebhookDispatchSignal signal,
    IOptions<WebhookDeliveryOptions> options,
    ILogger<WebhookDispatchPipeline> logger)
{
    /// <summary>The most claims one loop round sends to the store at once.</summary>
    private const int MaxParallelClaims = 4;

    /// <summary>The longest finished deliveries are held back to be recorded with others: 20 ms.</summary>
    private static readonly TimeSpan HoldLimit = TimeSpan.FromMilliseconds(20);

    // A result finishing with less of its lease left than this is never held (see DeliverAndPostAsync).
    private static readonly TimeSpan LeaseGuard = HoldLimit * 4;

    /// <summary>Runs until <paramref name="stoppingToken"/> fires, or until nothing is due and nothing is in flight when <paramref name="stopWhenIdle"/>.</summary>
    public async Task RunAsync(string workerId, bool stopWhenIdle, CancellationToken stoppingToken)
    {
        var run = new Run(processor, signal, logger, options.Value, stoppingToken);
        using var pumpStop = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var pump = run.PumpSignalAsync(pumpStop.Token);
        try
        {
            await run.LoopAsync(workerId, stopWhenIdle).ConfigureAwait(false);
        }
        finally
        {
            await pumpStop.CancelAsync().ConfigureAwait(false);
            await pump.ConfigureAwait(false);
            await run.DrainAsync().ConfigureAwait(false);
        }
    }

    /// <summary>The state of one run: only the loop touches the counters that are not interlocked.</summary>
    private sealed class Run(WebhookDeliveryProcessor processor, WebhookDispatchSignal signal, ILogger logger, WebhookDeliveryOptions o, CancellationToken stoppingToken)
    {
        // Finished deliveries, or null for one abandoned because the host is stopping (its lease will expire).
        private readonly ConcurrentQueue<WebhookDeliveryResult?> _finished = new();
        private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
        private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);

        private readonly EndpointCache _endpoints = new(processor.TimeProvider);

        // Endpoint id -> its lane. Only the loop adds lanes.
        private readonly Dictionary<string, Lane> _lanes = new(StringComparer.Ordinal);

        // Claimed and not yet recorded: the in-flight slots taken. Owned by the loop.
        private int _held;

        // Started and not yet finished sending.
        private int _sending;
        private int _draining;

        // Finished and not yet taken for recording.
        private int _ready;

        // Set by the hold timer: record what finished even though the batch is not full.
        private int _holdExpired;
        private ITimer? _holdTimer;
        private bool _holdArmed;

        // Set when a new message was signalled or the poll interval passed: claim even a part batch.
        private int _claimWanted = 1;

        public async Task PumpSignalAsync(CancellationToken cancellationToken)
        {
            try
            {
                while (!cancellationToken.IsCancellationRequested)
                {
                    await signal.WaitAsync(o.PollInterval, cancellationToken).ConfigureAwait(false);
                    Volatile.Write(ref _claimWanted, 1);
                    _wake.Writer.TryWrite(true);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // The run is over.
            }
        }

        public async Task LoopAsync(string workerId, bool stopWhenIdle)
        {
            // Whether the last claim filled its batch, so more may be due right now.
            var moreDue = true;
            try
            {
                while (!stoppingToken.IsCancellationRequested)
                {
                    // Under load, results are held until a batch's worth gathered (see Holds), unless a signalled claim
                    // needs their slots, which only taking them frees. Otherwise, a few finished while more are on their
                    // way: let the thread pool run the senders' continuations first, so results gather into one store
                    // transaction instead of many small ones; yielding waits for no timer and no further result.
                    var ready = Volatile.Read(ref _ready);
                    var holding = ready > 0
                        && Holds(ready, Volatile.Read(ref _sending))
                        && Volatile.Read(ref _holdExpired) == 0
                        && !(Volatile.Read(ref _claimWanted) == 1 && _held >= o.MaxInFlight);
                    if (holding)
                    {
                        ArmHoldTimer();
                    }
                    else if (ready > 0 && ready < o.BatchSize / 2 && Volatile.Read(ref _sending) > ready)
                    {
                        await Task.Yield();
                    }

                    // What finished goes to the store without waiting for it: the claim below goes out beside it, so
                    // a networked store's two round trips overlap instead of adding up.
                    var (taken, dueAgain, recording) = holding ? (0, false, Task.CompletedTask) : TakeFinished();
                    moreDue |= dueAgain;
                    var claimed = 0;
                    var failed = false;
                    var idle = false;
                    try
                    {
                        var free = o.MaxInFlight - _held;
                        var wanted = Volatile.Read(ref _claimWanted) == 1;
                        var asked = Math.Min(free, o.BatchSize);
                        idle = stopWhenIdle && _held == 0;
                        if (asked > 0 && (wanted || idle || (moreDue && (free >= o.BatchSize || Volatile.Read(ref _sending) < o.BatchSize))))
                        {
                            // Cleared before the claim, so a message signalled while it runs asks for another.
                            Volatile.Write(ref _claimWanted, 0);

                            // While full batches keep coming and slots are free for several, several claims go out at
                            // once: a networked store answers them in one round trip, which bounds the loop otherwise.
                            // A claim that completes at once (SQLite works synchronously) is started before the next is sent,
                            // so the first requests do not wait for every claim of the round.
                            var parallel = moreDue && asked == o.BatchSize ? Math.Min(MaxParallelClaims, free / o.BatchSize) : 1;
                            var rounds = new Queue<Task<WebhookDeliveryProcessor.ClaimedRound?>>(parallel);
                            var full = true;
                            for (var i = 0; i < parallel || rounds.Count > 0; i++)
                            {
                                if (i < parallel)
                                {
                                    rounds.Enqueue(TryClaimAsync(workerId, asked));
                                    if (!rounds.Peek().IsCompleted && i + 1 < parallel)
                                    {
                                        continue;
                                    }
                                }

                                var round = await rounds.Dequeue().ConfigureAwait(false);
                                var started = round is null ? 0 : Start(round, asked);
                                failed |= round is null;
                                full &= started == asked;
                                claimed += started;
                            }

                            moreDue = full && !failed;
                        }
                    }
                    finally
                    {
                        await recording.ConfigureAwait(false);
                    }

                    if (idle && claimed == 0 && !failed)
                    {
                        break;
                    }

                    if (claimed > 0 && moreDue && o.MaxInFlight - _held >= o.BatchSize)
                    {
                        continue;
                    }

                    // After a failed claim this waits for the pump's next poll before trying again.
                    if (failed || (taken == 0 && claimed == 0))
                    {
                        await WaitAsync().ConfigureAwait(false);
                    }
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                // Stopping: the caller drains what is in flight.
            }
        }

        /// <summary>Waits for in-flight deliveries to finish (or be abandoned) and records their results.</summary>
        public async Task DrainAsync()
        {
            Volatile.Write(ref _draining, 1);
            if (Volatile.Read(ref _sending) == 0)
            {
                _drained.TrySetResult();
            }

            await _drained.Task.ConfigureAwait(false);
            await TakeFinished().Recording.ConfigureAwait(false);
            if (_holdTimer is not null)
            {
                await _holdTimer.DisposeAsync().ConfigureAwait(false);
            }
        }

        // Every finished delivery and every pump wake writes a token after its state change, so no wake-up is lost;
        // a stale token costs one extra round.
        private async Task WaitAsync()
        {
            if (Volatile.Read(ref _claimWanted) == 0)
            {
                await _wake.Reader.ReadAsync(stoppingToken).ConfigureAwait(false);
            }
        }

        private async Task<WebhookDeliveryProcessor.ClaimedRound?> TryClaimAsync(string workerId, int count)
        {
            try
            {
                return await processor.ClaimAsync(workerId, count, stoppingToken, _endpoints).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                throw;
            }
#pragma warning disable CA1031 // A store outage must not end the dispatcher; the next claim retries.
            catch (Exception e)
#pragma warning restore CA1031
            {
                Log.ClaimFailed(logger, e);
                return null;
            }
        }

        private int Start(WebhookDeliveryProcessor.ClaimedRound round, int asked)
        {
            // A store that returned more than asked keeps the surplus leased until it expires: sent late, never twice.
            var count = Math.Min(round.Deliveries.Count, asked);
            _held += count;
            for (var i = 0; i < count; i++)
            {
                var endpointId = round.Deliveries[i].EndpointId;
                if (!_lanes.TryGetValue(endpointId, out var lane))
                {
                    lane = new Lane();
                    _lanes.Add(endpointId, lane);
                }

                Interlocked.Increment(ref _sending);
                lane.Queue.Enqueue((round, i));
                if (lane.TryAddWorker(o.MaxConcurrencyPerEndpoint))
                {
                    _ = WorkAsync(lane);
                }
            }

            return count;
        }

        // Up to MaxConcurrencyPerEndpoint of these run per endpoint; each sends the lane's deliveries one after another,
        // so the next request goes out as soon as one finishes, on the same thread, without waiting in a limiter queue.
        private async Task WorkAsync(Lane lane)
        {
            do
            {
                while (lane.Queue.TryDequeue(out var item))
                {
                    await DeliverAndPostAsync(item.Round, item.Index).ConfigureAwait(false);
                }

                // This endpoint has nothing more to send: held results may be all that keeps new claims, for this
                // endpoint or others, from being made, so the hold ends (a slow endpoint's queue must not make a
                // healthy one wait for the hold limit on every round).
                if (Volatile.Read(ref _ready) > 0)
                {
                    EndHold();
                }

                lane.RemoveWorker();
            }
            while (!lane.Queue.IsEmpty && lane.TryAddWorker(o.MaxConcurrencyPerEndpoint));
        }

        // Pooled: one runs per delivery.
        [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
        private async ValueTask DeliverAndPostAsync(WebhookDeliveryProcessor.ClaimedRound round, int index)
        {
            WebhookDeliveryResult? result = null;
            try
            {
                if (!stoppingToken.IsCancellationRequested)
                {
                    result = await round.DeliverAsync(index, stoppingToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                // Stopping mid-attempt: the lease expires and another dispatcher sends it again.
            }
#pragma warning disable CA1031 // Failed sends are results already; this is the endpoint store failing while concluding one.
            catch (Exception e)
#pragma warning restore CA1031
            {
                // Not rethrown: that would end the lane's worker without releasing it, and the endpoint would stall.
                // The delivery stays leased and is sent again when its lease expires.
                Log.DeliveryFailed(logger, e, round.Deliveries[index].Message.Id);
            }
            finally
            {
                _finished.Enqueue(result);
                var ready = Interlocked.Increment(ref _ready);
                var sending = Interlocked.Decrement(ref _sending);

                // While the loop holds results back it needs no wake-up per result: only the first (the loop arms the
                // hold timer then, it may be asleep) and the one that ends the hold. A result whose lease is about to
                // end is recorded at once: held past its lease, another claim could take the delivery over and the
                // success would be dropped and sent again.
                if (round.LeaseUntil - processor.TimeProvider.GetUtcNow() < LeaseGuard)
                {
                    EndHold();
                }
                else if (ready == 1 || !Holds(ready, sending))
                {
                    _wake.Writer.TryWrite(true);
                }

                if (sending == 0 && Volatile.Read(ref _draining) == 1)
                {
                    _drained.TrySetResult();
                }
            }
        }

        /// <summary>
        /// Takes every finished delivery (all that finished while the previous round ran, so batches grow with the load)
        /// and starts recording them. Their slots count as free from here.
        /// </summary>
        private (int Taken, bool DueAgain, Task Recording) TakeFinished()
        {
            if (_finished.IsEmpty)
            {
                return (0, false, Task.CompletedTask);
            }

            var batch = new List<WebhookDeliveryResult>();
            var taken = 0;
            while (taken < o.MaxInFlight && _finished.TryDequeue(out var result))
            {
                taken++;
                if (result is not null)
                {
                    batch.Add(result);
                }
            }

            _held -= taken;
            Interlocked.Add(ref _ready, -taken);
            if (_holdArmed)
            {
                _holdArmed = false;
                _holdTimer!.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            }

            Volatile.Write(ref _holdExpired, 0);
            var now = processor.TimeProvider.GetUtcNow();
            var dueAgain = false;
            foreach (var result in batch)
            {
                dueAgain |= result.State == WebhookDeliveryState.Pending && result.NextAttemptAt <= now;
            }

            return (taken, dueAgain, batch.Count == 0 ? Task.CompletedTask : RecordAsync(batch));
        }

        /// <summary>
        /// Whether finished deliveries wait to be recorded together: while fewer than a batch finished and at least two
        /// batches are still claimed and unfinished, more results come soon, and recording each handful on its own would
        /// cost a store transaction or round trip per handful. The senders lose nothing: the claimed deliveries waiting
        /// ahead of them keep them busy. <see cref="HoldLimit"/> bounds the wait should those deliveries stall.
        /// </summary>
        private bool Holds(int ready, int sending) => ready < o.BatchSize && sending >= 2 * o.BatchSize;

        private void EndHold()
        {
            Volatile.Write(ref _holdExpired, 1);
            _wake.Writer.TryWrite(true);
        }

        private ITimer CreateHoldTimer()
        {
            // The timer lives as long as the run: it must not capture whatever ExecutionContext the loop has.
            var suppressed = ExecutionContext.IsFlowSuppressed();
            if (!suppressed)
            {
                ExecutionContext.SuppressFlow();
            }

            try
            {
                return processor.TimeProvider.CreateTimer(static state => ((Run)state!).EndHold(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            }
            finally
            {
                if (!suppressed)
                {
                    ExecutionContext.RestoreFlow();
                }
            }
        }

        private void ArmHoldTimer()
        {
            if (_holdArmed)
            {
                return;
            }

            _holdArmed = true;
            _holdTimer ??= CreateHoldTimer();

            _holdTimer.Change(HoldLimit, Timeout.InfiniteTimeSpan);
        }

        private async Task RecordAsync(List<WebhookDeliveryResult> batch)
        {
            try
            {
                // Recorded even if the host is stopping: an attempt made but not recorded would be repeated.
                await processor.RecordAsync(batch).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // Unrecorded results are not lost: their leases expire and the deliveries are sent again.
            catch (Exception e)
#pragma warning restore CA1031
            {
                Log.RecordFailed(logger, e, batch.Count);
            }
        }
    }

    /// <summary>The deliveries claimed for one endpoint and not yet started, and how many workers send them.</summary>
    private sealed class Lane
    {
        public ConcurrentQueue<(WebhookDeliveryProcessor.ClaimedRound Round, int Index)> Queue { get; } = new();

        private int _workers;

        public bool TryAddWorker(int max)
        {
            while (true)
            {
                var workers = Volatile.Read(ref _workers);
                if (workers >= max)
                {
                    return false;
                }

                if (Interlocked.CompareExchange(ref _workers, workers + 1, workers) == workers)
                {
                    return true;
                }
            }
        }

        public void RemoveWorker() => Interlocked.Decrement(ref _workers);
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Error, "Claiming webhook deliveries failed; retrying after the poll interval.", EventName = "WebhookClaimFailed")]
        public static partial void ClaimFailed(ILogger logger, Exception exception);

        [LoggerMessage(2, LogLevel.Error, "Recording {Count} webhook results failed; their leases will expire and they will be sent again.", EventName = "WebhookRecordFailed")]
        public static partial void RecordFailed(ILogger logger, Exception exception, int count);

        [LoggerMessage(3, LogLevel.Error, "Concluding webhook {MessageId} failed; its lease will expire and it will be sent again.", EventName = "WebhookDeliveryFailed")]
        public static partial void DeliveryFailed(ILogger logger, Exception exception, string messageId);
    }
}
