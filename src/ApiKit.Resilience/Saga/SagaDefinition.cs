namespace ApiKit.Resilience.Saga;

/// <summary>What a step's action or compensation receives.</summary>
/// <typeparam name="TData">The type of the saga's data.</typeparam>
/// <param name="SagaId">The saga's identifier; with <paramref name="StepName"/> it makes a natural idempotency key.</param>
/// <param name="StepName">The step's name.</param>
/// <param name="Data">The saga's data; changes made by an action are persisted after it succeeds.</param>
public sealed record SagaStepContext<TData>(string SagaId, string StepName, TData Data)
{
    /// <summary>Gets an idempotency key for this step of this saga: <c>sagaId:stepName</c>.</summary>
    public string IdempotencyKey => $"{SagaId}:{StepName}";
}

/// <summary>One step of a saga: an action and the compensation that undoes it.</summary>
/// <typeparam name="TData">The type of the saga's data.</typeparam>
/// <param name="Name">The step's name.</param>
/// <param name="Action">Does the step's work. It may run again after a crash, so it must be idempotent.</param>
/// <param name="Compensation">Undoes the action, or <see langword="null"/> when there is nothing to undo. It may run after a crash
/// left it unknown whether the action took effect, and may run more than once, so it must be idempotent and tolerate "nothing to undo".</param>
public sealed record SagaStep<TData>(
    string Name,
    Func<SagaStepContext<TData>, CancellationToken, ValueTask> Action,
    Func<SagaStepContext<TData>, CancellationToken, ValueTask>? Compensation);

/// <summary>A named, ordered list of steps.</summary>
/// <typeparam name="TData">The type of the saga's data (serialised to JSON between steps).</typeparam>
public sealed class SagaDefinition<TData>
{
    private readonly List<SagaStep<TData>> _steps = [];

    /// <summary>Creates an empty definition.</summary>
    /// <param name="name">The saga's name; records are grouped by it.</param>
    public SagaDefinition(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
    }

    /// <summary>Gets the saga's name.</summary>
    public string Name { get; }

    /// <summary>Gets the steps, in execution order.</summary>
    public IReadOnlyList<SagaStep<TData>> Steps => _steps;

    /// <summary>Appends a step.</summary>
    /// <param name="name">The step's name, unique within the saga.</param>
    /// <param name="action">The action.</param>
    /// <param name="compensation">The compensation, or <see langword="null"/>.</param>
    /// <returns>This definition.</returns>
    public SagaDefinition<TData> Step(
        string name,
        Func<SagaStepContext<TData>, CancellationToken, ValueTask> action,
        Func<SagaStepContext<TData>, CancellationToken, ValueTask>? compensation = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(action);
        if (_steps.Any(s => s.Name == name))
        {
            throw new ArgumentException($"The saga already has a step named '{name}'.", nameof(name));
        }

        _steps.Add(new(name, action, compensation));
        return this;
    }
}
