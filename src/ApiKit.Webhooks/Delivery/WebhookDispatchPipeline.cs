using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ApiKit.Webhooks;

/// <summary>
/// The dispatcher's streaming loop: claims as soon as a slot frees up, sends every claimed delivery at once
/// (bounded per endpoint), and records results in groups as they finish. A slow or dead endpoint therefore only
/// holds its own slots; it never holds up claiming, sending or recording for the others.
/// </summary>
internal sealed partial class WebhookDispatchPipeline(
    WebhookDeliveryProcessor processor,
    WebhookDispatchSignal signal,
    IOptions<WebhookDeliveryOptions> options,
    ILogger<WebhookDispatchPipeline> logger)
{
    /// <summary>Runs until <paramref name="stoppingToken"/> fires, or until nothing is due and nothing is in flight when <paramref name="stopWhenIdle"/>.</summary>
    public async Task RunAsync(string workerId, bool stopWhenIdle, CancellationToken stoppingToken)
    {
        var o = options.Value;
        using var slots = new SemaphoreSlim(o.MaxInFlight, o.MaxInFlight);
        var results = Channel.CreateUnbounded<WebhookDeliveryResult>(new UnboundedChannelOptions { SingleReader = true });
        var inFlight = 0;
        var drained = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var draining = 0;
        var recorder = RecordLoopAsync(results.Reader, slots);

        async Task DeliverAndPostAsync(WebhookDeliveryProcessor.ClaimedRound round, int index)
        {
            try
            {
                results.Writer.TryWrite(await round.DeliverAsync(index, stoppingToken).ConfigureAwait(false));
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                // Stopping mid-attempt: the lease expires and another dispatcher sends it again.
                slots.Release();
            }
            finally
            {
                if (Interlocked.Decrement(ref inFlight) == 0 && Volatile.Read(ref draining) == 1)
                {
                    drained.TrySetResult();
                }
            }
        }

        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await slots.WaitAsync(stoppingToken).ConfigureAwait(false);
                var free = 1;
                while (free < o.BatchSize && slots.Wait(0, CancellationToken.None))
                {
                    free++;
                }

                WebhookDeliveryProcessor.ClaimedRound round;
                try
                {
                    round = await processor.ClaimAsync(workerId, free, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    slots.Release(free);
                    break;
                }
#pragma warning disable CA1031 // A store outage must not end the dispatcher; the next claim retries.
                catch (Exception e)
#pragma warning restore CA1031
                {
                    Log.ClaimFailed(logger, e);
                    slots.Release(free);
                    await signal.WaitAsync(o.PollInterval, stoppingToken).ConfigureAwait(false);
                    continue;
                }

                // A store that returned more than asked keeps the surplus leased until it expires: sent late, never twice.
                var count = Math.Min(round.Deliveries.Count, free);
                if (count < free)
                {
                    slots.Release(free - count);
                }

                for (var i = 0; i < count; i++)
                {
                    Interlocked.Increment(ref inFlight);
                    _ = DeliverAndPostAsync(round, i);
                }

                if (count == 0)
                {
                    if (stopWhenIdle && Volatile.Read(ref inFlight) == 0 && slots.CurrentCount == o.MaxInFlight)
                    {
                        break;
                    }

                    await signal.WaitAsync(o.PollInterval, stoppingToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: fall through to drain what is in flight.
        }
        finally
        {
            Volatile.Write(ref draining, 1);
            if (Volatile.Read(ref inFlight) == 0)
            {
                drained.TrySetResult();
            }

            await drained.Task.ConfigureAwait(false);
            results.Writer.TryComplete();
            await recorder.ConfigureAwait(false);
        }
    }

    private async Task RecordLoopAsync(ChannelReader<WebhookDeliveryResult> reader, SemaphoreSlim slots)
    {
        var batch = new List<WebhookDeliveryResult>(options.Value.BatchSize);
        while (await reader.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false))
        {
            while (batch.Count < options.Value.BatchSize * 4 && reader.TryRead(out var result))
            {
                batch.Add(result);
            }

            try
            {
                await processor.RecordAsync(batch).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // Unrecorded results are not lost: their leases expire and the deliveries are sent again.
            catch (Exception e)
#pragma warning restore CA1031
            {
                Log.RecordFailed(logger, e, batch.Count);
            }

            slots.Release(batch.Count);
            batch.Clear();
            signal.Notify();
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Error, "Claiming webhook deliveries failed; retrying after the poll interval.", EventName = "WebhookClaimFailed")]
        public static partial void ClaimFailed(ILogger logger, Exception exception);

        [LoggerMessage(2, LogLevel.Error, "Recording {Count} webhook results failed; their leases will expire and they will be sent again.", EventName = "WebhookRecordFailed")]
        public static partial void RecordFailed(ILogger logger, Exception exception, int count);
    }
}
