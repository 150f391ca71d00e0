namespace ApiKit.Resilience;

/// <summary>
/// An immutable chain of strategies, outermost first, built with <see cref="ResiliencePipelineBuilder"/>. Executions
/// that complete synchronously allocate nothing: layers pass a struct state down instead of closures.
/// </summary>
public sealed class ResiliencePipeline
{
    private readonly ResilienceStrategy[] _strategies;

    internal ResiliencePipeline(ResilienceStrategy[] strategies) => _strategies = strategies;

    /// <summary>Gets a pipeline without strategies.</summary>
    public static ResiliencePipeline Empty { get; } = new([]);

    /// <summary>Gets the strategies, outermost first.</summary>
    public IReadOnlyList<ResilienceStrategy> Strategies => _strategies;

    /// <summary>Runs <paramref name="callback"/> through the pipeline and returns its outcome without throwing.</summary>
    /// <typeparam name="TResult">The type of the result.</typeparam>
    /// <typeparam name="TState">The type of the state passed to the callback (use it instead of a closure).</typeparam>
    /// <param name="callback">The call to protect.</param>
    /// <param name="state">The state passed to <paramref name="callback"/>.</param>
    /// <param name="cancellationToken">Cancels the execution; strategies link their own tokens to it.</param>
    /// <returns>The outcome.</returns>
    public ValueTask<Outcome<TResult>> ExecuteOutcomeAsync<TResult, TState>(
        Func<TState, CancellationToken, ValueTask<TResult>> callback,
        TState state,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(callback);
        return ExecuteAt(0, callback, state, cancellationToken);
    }

    /// <summary>Runs <paramref name="callback"/> through the pipeline; failures and rejections are thrown.</summary>
    /// <typeparam name="TResult">The type of the result.</typeparam>
    /// <typeparam name="TState">The type of the state passed to the callback (use it instead of a closure).</typeparam>
    /// <param name="callback">The call to protect.</param>
    /// <param name="state">The state passed to <paramref name="callback"/>.</param>
    /// <param name="cancellationToken">Cancels the execution.</param>
    /// <returns>The result.</returns>
    public ValueTask<TResult> ExecuteAsync<TResult, TState>(
        Func<TState, CancellationToken, ValueTask<TResult>> callback,
        TState state,
        CancellationToken cancellationToken = default)
    {
        var pending = ExecuteOutcomeAsync(callback, state, cancellationToken);
        if (pending.IsCompletedSuccessfully)
        {
            var outcome = pending.Result;
            return outcome.IsSuccess ? new(outcome.Result!) : ValueTask.FromException<TResult>(Unwrap(outcome));
        }

        return AwaitAsync(pending);

        static async ValueTask<TResult> AwaitAsync(ValueTask<Outcome<TResult>> pending) =>
            (await pending.ConfigureAwait(false)).GetResultOrThrow();
    }

    /// <summary>Runs <paramref name="callback"/> through the pipeline; failures and rejections are thrown.</summary>
    /// <typeparam name="TResult">The type of the result.</typeparam>
    /// <param name="callback">The call to protect.</param>
    /// <param name="cancellationToken">Cancels the execution.</param>
    /// <returns>The result.</returns>
    public ValueTask<TResult> ExecuteAsync<TResult>(Func<CancellationToken, ValueTask<TResult>> callback, CancellationToken cancellationToken = default) =>
        ExecuteAsync(static (cb, ct) => cb(ct), callback, cancellationToken);

    /// <summary>Runs <paramref name="callback"/> through the pipeline; failures and rejections are thrown.</summary>
    /// <param name="callback">The call to protect.</param>
    /// <param name="cancellationToken">Cancels the execution.</param>
    /// <returns>A task that completes when the execution does.</returns>
    public async ValueTask ExecuteAsync(Func<CancellationToken, ValueTask> callback, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(callback);
        await ExecuteAsync(
            static async (cb, ct) =>
            {
                await cb(ct).ConfigureAwait(false);
                return true;
            },
            callback,
            cancellationToken).ConfigureAwait(false);
    }

    private static Exception Unwrap<TResult>(in Outcome<TResult> outcome) =>
        outcome.Kind == OutcomeKind.Failure ? outcome.Exception! : outcome.ToRejectionException();

    private ValueTask<Outcome<TResult>> ExecuteAt<TResult, TState>(
        int index,
        Func<TState, CancellationToken, ValueTask<TResult>> callback,
        TState state,
        CancellationToken cancellationToken)
    {
        if (index == _strategies.Length)
        {
            return Invoke(callback, state, cancellationToken);
        }

        return _strategies[index].ExecuteCoreAsync(
            static (link, ct) => link.Pipeline.ExecuteAt(link.Index + 1, link.Callback, link.State, ct),
            new Link<TResult, TState>(this, index, callback, state),
            cancellationToken);
    }

    internal static ValueTask<Outcome<TResult>> Invoke<TResult, TState>(
        Func<TState, CancellationToken, ValueTask<TResult>> callback,
        TState state,
        CancellationToken cancellationToken)
    {
        try
        {
            var pending = callback(state, cancellationToken);
            return pending.IsCompletedSuccessfully ? new(Outcome<TResult>.FromResult(pending.Result)) : AwaitAsync(pending);
        }
        catch (Exception exception)
        {
            return new(Outcome<TResult>.FromException(exception));
        }

        static async ValueTask<Outcome<TResult>> AwaitAsync(ValueTask<TResult> pending)
        {
            try
            {
                return Outcome<TResult>.FromResult(await pending.ConfigureAwait(false));
            }
            catch (Exception exception)
            {
                return Outcome<TResult>.FromException(exception);
            }
        }
    }

    private readonly struct Link<TResult, TState>(
        ResiliencePipeline pipeline,
        int index,
        Func<TState, CancellationToken, ValueTask<TResult>> callback,
        TState state)
    {
        public ResiliencePipeline Pipeline { get; } = pipeline;

        public int Index { get; } = index;

        public Func<TState, CancellationToken, ValueTask<TResult>> Callback { get; } = callback;

        public TState State { get; } = state;
    }
}
