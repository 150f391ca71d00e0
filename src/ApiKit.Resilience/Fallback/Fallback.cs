using System.Runtime.CompilerServices;
using ApiKit.Resilience.Telemetry;

namespace ApiKit.Resilience.Fallback;

/// <summary>Options of a fallback for results of type <typeparamref name="TResult"/>.</summary>
/// <typeparam name="TResult">The type of result the fallback replaces; executions of other types pass through.</typeparam>
public sealed class FallbackOptions<TResult>
{
    /// <summary>Gets or sets the function producing the replacement result from the outcome it replaces.</summary>
    /// <value>No default: it must be set.</value>
    public Func<Outcome<TResult>, CancellationToken, ValueTask<TResult>>? FallbackAction { get; set; }

    /// <summary>Gets or sets which outcomes are replaced.</summary>
    /// <value>The default replaces rejections and failures other than <see cref="OperationCanceledException"/>.</value>
    public Func<Outcome<TResult>, bool> ShouldHandle { get; set; } = static o =>
        o.Kind == OutcomeKind.Rejected || (o.Kind == OutcomeKind.Failure && o.Exception is not OperationCanceledException);
}

internal sealed class FallbackStrategy<TFallback>(FallbackOptions<TFallback> options) : ResilienceStrategy
{
    private readonly Func<Outcome<TFallback>, CancellationToken, ValueTask<TFallback>> _action =
        options.FallbackAction ?? throw new ArgumentException("FallbackAction must be set.", nameof(options));

    protected internal override ValueTask<Outcome<TResult>> ExecuteCoreAsync<TResult, TState>(
        Func<TState, CancellationToken, ValueTask<Outcome<TResult>>> callback,
        TState state,
        CancellationToken cancellationToken)
    {
        var pending = callback(state, cancellationToken);
        if (typeof(TResult) != typeof(TFallback))
        {
            return pending;
        }

        if (pending.IsCompletedSuccessfully)
        {
            var outcome = pending.Result;
            return outcome.Kind == OutcomeKind.Success || !options.ShouldHandle(Unsafe.As<Outcome<TResult>, Outcome<TFallback>>(ref outcome))
                ? new(outcome)
                : FallbackAsync<TResult>(outcome, cancellationToken);
        }

        return AwaitAsync(pending, cancellationToken);
    }

    private async ValueTask<Outcome<TResult>> AwaitAsync<TResult>(ValueTask<Outcome<TResult>> pending, CancellationToken cancellationToken)
    {
        var outcome = await pending.ConfigureAwait(false);
        return outcome.Kind == OutcomeKind.Success || !options.ShouldHandle(Unsafe.As<Outcome<TResult>, Outcome<TFallback>>(ref outcome))
            ? outcome
            : await FallbackAsync<TResult>(outcome, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<Outcome<TResult>> FallbackAsync<TResult>(Outcome<TResult> outcome, CancellationToken cancellationToken)
    {
        if (ResilienceTelemetry.Fallbacks.Enabled)
        {
            ResilienceTelemetry.Fallbacks.Add(1);
        }

        var replaced = await ResiliencePipeline.Invoke(
            static (s, ct) => s.Action(s.Outcome, ct),
            (Action: _action, Outcome: Unsafe.As<Outcome<TResult>, Outcome<TFallback>>(ref outcome)),
            cancellationToken).ConfigureAwait(false);
        return Unsafe.As<Outcome<TFallback>, Outcome<TResult>>(ref replaced);
    }
}

/// <summary>Adds fallbacks to a <see cref="ResiliencePipelineBuilder"/>.</summary>
public static class FallbackPipelineBuilderExtensions
{
    /// <summary>Adds a fallback that answers with <paramref name="value"/> when an execution of type <typeparamref name="TResult"/> fails or is rejected.</summary>
    /// <typeparam name="TResult">The type of result replaced.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <param name="value">The replacement.</param>
    /// <returns>The builder.</returns>
    public static ResiliencePipelineBuilder AddFallback<TResult>(this ResiliencePipelineBuilder builder, TResult value) =>
        builder.AddFallback(new FallbackOptions<TResult> { FallbackAction = (_, _) => ValueTask.FromResult(value) });

    /// <summary>Adds a fallback.</summary>
    /// <typeparam name="TResult">The type of result replaced.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <param name="options">The options.</param>
    /// <returns>The builder.</returns>
    public static ResiliencePipelineBuilder AddFallback<TResult>(this ResiliencePipelineBuilder builder, FallbackOptions<TResult> options)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        return builder.AddStrategy(new FallbackStrategy<TResult>(options));
    }
}
