using ApiKit.Resilience.Http;
using ApiKit.Resilience.Telemetry;

namespace ApiKit.Resilience.Retry;

internal sealed class RetryStrategy : ResilienceStrategy
{
    private const double JitterReduction = 4.0;
    private const double ScalingFactor = 1 / 1.4d;
    private static readonly double MaxTicks = TimeSpan.MaxValue.Ticks - 1000d;

    private readonly RetryOptions _options;
    private readonly TimeProvider _timeProvider;

    public RetryStrategy(RetryOptions options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        System.ComponentModel.DataAnnotations.Validator.ValidateObject(options, new(options), validateAllProperties: true);
        _options = options;
        _timeProvider = timeProvider;
    }

    protected internal override ValueTask<Outcome<TResult>> ExecuteCoreAsync<TResult, TState>(
        Func<TState, CancellationToken, ValueTask<Outcome<TResult>>> callback,
        TState state,
        CancellationToken cancellationToken)
    {
        var first = callback(state, cancellationToken);
        if (first.IsCompletedSuccessfully)
        {
            var outcome = first.Result;
            if (_options.MaxRetryAttempts == 0 || !ShouldRetry(in outcome, cancellationToken))
            {
                return new(outcome);
            }

            return RetryAsync(callback, state, new ValueTask<Outcome<TResult>>(outcome), cancellationToken);
        }

        return RetryAsync(callback, state, first, cancellationToken);
    }

    private async ValueTask<Outcome<TResult>> RetryAsync<TResult, TState>(
        Func<TState, CancellationToken, ValueTask<Outcome<TResult>>> callback,
        TState state,
        ValueTask<Outcome<TResult>> pending,
        CancellationToken cancellationToken)
    {
        var previous = 0d;
        for (var attempt = 0; ; attempt++)
        {
            var outcome = await pending.ConfigureAwait(false);
            if (attempt >= _options.MaxRetryAttempts || !ShouldRetry(in outcome, cancellationToken))
            {
                return outcome;
            }

            var delay = NextDelay(attempt, ref previous);
            var requested = _options.UseRetryAfter ? RequestedDelay(in outcome) : null;
            if (requested is { } retryAfter)
            {
                if (retryAfter > _options.MaxDelay)
                {
                    // The server asks for a longer wait than the caller accepts: retrying earlier would be rude and futile.
                    return outcome;
                }

                delay = retryAfter > delay ? retryAfter : delay;
            }

            _options.OnRetry?.Invoke(new(attempt, delay, outcome.Exception, outcome.Result, outcome.Reason));
            if (ResilienceTelemetry.RetryAttempts.Enabled)
            {
                ResilienceTelemetry.RetryAttempts.Add(1);
            }

            if (outcome.Result is IDisposable disposable)
            {
                disposable.Dispose();
            }

            if (delay > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(delay, _timeProvider, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException exception)
                {
                    return Outcome<TResult>.FromException(exception);
                }
            }

            pending = callback(state, cancellationToken);
        }
    }

    private bool ShouldRetry<TResult>(in Outcome<TResult> outcome, CancellationToken cancellationToken) => outcome.Kind switch
    {
        OutcomeKind.Success => _options.ShouldHandleResult is { } predicate && predicate(outcome.Result),
        OutcomeKind.Failure => !cancellationToken.IsCancellationRequested && _options.ShouldHandleException(outcome.Exception!),
        _ => _options.RetryRejected && !cancellationToken.IsCancellationRequested,
    };

    private TimeSpan? RequestedDelay<TResult>(in Outcome<TResult> outcome) => outcome.Kind switch
    {
        OutcomeKind.Success when outcome.Result is HttpResponseMessage response => HttpOutcomes.GetRetryAfter(response, _timeProvider),
        OutcomeKind.Rejected => outcome.RetryAfter,
        OutcomeKind.Failure when outcome.Exception is ResilienceRejectedException { RetryAfter: var after } && after > TimeSpan.Zero => after,
        _ => null,
    };

    private TimeSpan NextDelay(int attempt, ref double previous)
    {
        var baseDelay = _options.Delay;
        if (baseDelay <= TimeSpan.Zero)
        {
            return TimeSpan.Zero;
        }

        double ticks;
        switch (_options.BackoffType)
        {
            case BackoffType.Exponential when _options.UseJitter:
                // Decorrelated jitter "V2" (Polly.Contrib.WaitAndRetry): exponential on average, without the
                // synchronised retry waves that plain random jitter still lets happen.
                var t = attempt + _options.Randomizer();
                var next = Math.Pow(2, t) * Math.Tanh(Math.Sqrt(JitterReduction * t));
                ticks = double.IsInfinity(next) ? MaxTicks : (next - previous) * ScalingFactor * baseDelay.Ticks;
                previous = next;
                break;
            case BackoffType.Exponential:
                ticks = baseDelay.Ticks * Math.Pow(2, attempt);
                break;
            case BackoffType.Linear:
                ticks = baseDelay.Ticks * (attempt + 1d);
                break;
            default:
                ticks = baseDelay.Ticks;
                break;
        }

        if (_options.UseJitter && _options.BackoffType != BackoffType.Exponential)
        {
            ticks += ticks * ((_options.Randomizer() * 0.5) - 0.25);
        }

        ticks = Math.Clamp(ticks, 0, Math.Min(MaxTicks, _options.MaxDelay.Ticks));
        return TimeSpan.FromTicks((long)ticks);
    }
}

/// <summary>Adds retries to a <see cref="ResiliencePipelineBuilder"/>.</summary>
public static class RetryPipelineBuilderExtensions
{
    /// <summary>Adds a retry strategy.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="options">The options; validated now.</param>
    /// <returns>The builder.</returns>
    public static ResiliencePipelineBuilder AddRetry(this ResiliencePipelineBuilder builder, RetryOptions options)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddStrategy(new RetryStrategy(options, builder.TimeProvider));
    }
}
