using ApiKit.Resilience.Telemetry;

namespace ApiKit.Resilience.Timeout;

internal sealed class TimeoutStrategy : ResilienceStrategy
{
    private readonly TimeSpan _timeout;
    private readonly TimeProvider _timeProvider;

    public TimeoutStrategy(TimeSpan timeout, TimeProvider timeProvider)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        _timeout = timeout;
        _timeProvider = timeProvider;
    }

    protected internal override ValueTask<Outcome<TResult>> ExecuteCoreAsync<TResult, TState>(
        Func<TState, CancellationToken, ValueTask<Outcome<TResult>>> callback,
        TState state,
        CancellationToken cancellationToken)
    {
        var timeout = new CancellationTokenSource(_timeout, _timeProvider);
        var link = cancellationToken.CanBeCanceled
            ? cancellationToken.UnsafeRegister(static s => ((CancellationTokenSource)s!).Cancel(), timeout)
            : default;
        ValueTask<Outcome<TResult>> pending;
        try
        {
            pending = callback(state, timeout.Token);
        }
        catch
        {
            link.Dispose();
            timeout.Dispose();
            throw;
        }

        if (pending.IsCompletedSuccessfully)
        {
            var outcome = Complete(pending.Result, timeout, cancellationToken);
            link.Dispose();
            timeout.Dispose();
            return new(outcome);
        }

        return AwaitAsync(pending, timeout, link, cancellationToken);
    }

    private async ValueTask<Outcome<TResult>> AwaitAsync<TResult>(
        ValueTask<Outcome<TResult>> pending,
        CancellationTokenSource timeout,
        CancellationTokenRegistration link,
        CancellationToken cancellationToken)
    {
        try
        {
            return Complete(await pending.ConfigureAwait(false), timeout, cancellationToken);
        }
        finally
        {
            await link.DisposeAsync().ConfigureAwait(false);
            timeout.Dispose();
        }
    }

    private Outcome<TResult> Complete<TResult>(Outcome<TResult> outcome, CancellationTokenSource timeout, CancellationToken cancellationToken)
    {
        if (outcome.Kind == OutcomeKind.Failure
            && outcome.Exception is OperationCanceledException cancelled
            && timeout.IsCancellationRequested
            && !cancellationToken.IsCancellationRequested)
        {
            if (ResilienceTelemetry.Timeouts.Enabled)
            {
                ResilienceTelemetry.Timeouts.Add(1);
            }

            ResilienceTelemetry.TagCurrent("apikit.resilience.timeout", _timeout.TotalMilliseconds);
            return Outcome<TResult>.FromException(new TimeoutRejectedException(_timeout, cancelled));
        }

        return outcome;
    }
}

/// <summary>Adds timeouts to a <see cref="ResiliencePipelineBuilder"/>.</summary>
public static class TimeoutPipelineBuilderExtensions
{
    /// <summary>
    /// Adds a timeout: the token passed inward is cancelled after <paramref name="timeout"/> (or when the caller's is),
    /// and the resulting cancellation becomes a <see cref="TimeoutRejectedException"/> failure. Placed outside a retry it
    /// bounds the whole execution; inside, each attempt. Callbacks must observe the token.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="timeout">The timeout.</param>
    /// <returns>The builder.</returns>
    public static ResiliencePipelineBuilder AddTimeout(this ResiliencePipelineBuilder builder, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddStrategy(new TimeoutStrategy(timeout, builder.TimeProvider));
    }
}
