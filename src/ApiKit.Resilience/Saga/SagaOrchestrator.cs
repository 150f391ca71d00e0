using System.Text.Json;
using ApiKit.Resilience.Retry;
using ApiKit.Resilience.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ApiKit.Resilience.Saga;

/// <summary>
/// Runs sagas of one definition and persists their progress before and after every step, so that after a crash
/// <see cref="ResumeAllAsync"/> finishes or compensates every saga that was in flight: none is left half-done.
/// </summary>
/// <typeparam name="TData">The type of the saga's data.</typeparam>
public sealed class SagaOrchestrator<TData>
{
    private readonly SagaDefinition<TData> _definition;
    private readonly ISagaStore _store;
    private readonly SagaOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly ResiliencePipeline _compensationPipeline;

    /// <summary>Creates an orchestrator.</summary>
    /// <param name="definition">The saga definition.</param>
    /// <param name="store">Where progress is persisted.</param>
    /// <param name="options">The options; defaults when <see langword="null"/>.</param>
    /// <param name="timeProvider">The clock (compensation retry delays, timestamps).</param>
    /// <param name="logger">The logger.</param>
    public SagaOrchestrator(SagaDefinition<TData> definition, ISagaStore store, SagaOptions? options = null, TimeProvider? timeProvider = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(store);
        _definition = definition;
        _store = store;
        _options = options ?? new SagaOptions();
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _compensationPipeline = new ResiliencePipelineBuilder { TimeProvider = _timeProvider }.AddRetry(_options.CompensationRetry).Build();
    }

    /// <summary>Starts a saga and drives it to completion or compensation.</summary>
    /// <param name="sagaId">The saga's identifier, unique in the store.</param>
    /// <param name="data">The saga's data.</param>
    /// <param name="cancellationToken">Stops driving the saga; it stays resumable, as after a crash.</param>
    /// <returns>How the saga ended.</returns>
    public async Task<SagaResult> RunAsync(string sagaId, TData data, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(sagaId);
        var record = new SagaRecord
        {
            Id = sagaId,
            SagaName = _definition.Name,
            Status = SagaStatus.Running,
            Step = 0,
            Data = JsonSerializer.Serialize(data, _options.JsonOptions),
            UpdatedAt = _timeProvider.GetUtcNow(),
        };
        await _store.CreateAsync(record, cancellationToken).ConfigureAwait(false);
        return await DriveAsync(record, data, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Finishes or compensates every saga of this definition that is still running or compensating (call it at startup).
    /// A saga that another instance resumes at the same time is left to whichever writes first; it is not in the results
    /// of the other.
    /// </summary>
    /// <param name="cancellationToken">Stops resuming.</param>
    /// <returns>How each saga this instance drove ended.</returns>
    public async Task<IReadOnlyList<SagaResult>> ResumeAllAsync(CancellationToken cancellationToken = default)
    {
        var results = new List<SagaResult>();
        foreach (var record in await _store.GetUnfinishedAsync(_definition.Name, cancellationToken).ConfigureAwait(false))
        {
            SagaLog.Resuming(_logger, record.Id, record.Status, record.Step);
            var data = JsonSerializer.Deserialize<TData>(record.Data, _options.JsonOptions)!;
            if (record.Status == SagaStatus.Running && _options.ResumeMode == SagaResumeMode.Compensate)
            {
                // The interrupted step may or may not have taken effect: compensate it too.
                record.Status = SagaStatus.Compensating;
                record.Error = "Resumed after an interruption.";
                await SaveAsync(record, cancellationToken).ConfigureAwait(false);
            }

            try
            {
                results.Add(await DriveAsync(record, data, cancellationToken).ConfigureAwait(false));
            }
            catch (SagaConcurrencyException exception)
            {
                // Another instance is resuming the same saga and wrote first: it owns it now.
                SagaLog.TakenOver(_logger, record.Id, exception);
            }
        }

        return results;
    }

    private async Task<SagaResult> DriveAsync(SagaRecord record, TData data, CancellationToken cancellationToken)
    {
        var steps = _definition.Steps;
        while (record.Status == SagaStatus.Running)
        {
            if (record.Step >= steps.Count)
            {
                record.Status = SagaStatus.Completed;
                await SaveAsync(record, cancellationToken).ConfigureAwait(false);
                break;
            }

            var step = steps[record.Step];
            using var activity = ResilienceTelemetry.ActivitySource.StartActivity("apikit.resilience.saga.step");
            activity?.SetTag("apikit.resilience.saga.name", _definition.Name);
            activity?.SetTag("apikit.resilience.saga.id", record.Id);
            activity?.SetTag("apikit.resilience.saga.step", step.Name);
            try
            {
                await step.Action(new(record.Id, step.Name, data), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (!(exception is OperationCanceledException && cancellationToken.IsCancellationRequested))
            {
                SagaLog.StepFailed(_logger, record.Id, step.Name, exception);
                activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, exception.Message);

                // The failed action is responsible for its own atomicity: only the steps before it are undone.
                record.Status = SagaStatus.Compensating;
                record.Step--;
                record.Error = $"{step.Name}: {exception.Message}";
                await SaveAsync(record, cancellationToken).ConfigureAwait(false);
                break;
            }

            record.Step++;
            record.Data = JsonSerializer.Serialize(data, _options.JsonOptions);
            await SaveAsync(record, cancellationToken).ConfigureAwait(false);
        }

        while (record.Status == SagaStatus.Compensating)
        {
            if (record.Step < 0)
            {
                record.Status = SagaStatus.Compensated;
                await SaveAsync(record, cancellationToken).ConfigureAwait(false);
                break;
            }

            var step = steps[record.Step];
            if (step.Compensation is { } compensation)
            {
                using var activity = ResilienceTelemetry.ActivitySource.StartActivity("apikit.resilience.saga.compensation");
                activity?.SetTag("apikit.resilience.saga.name", _definition.Name);
                activity?.SetTag("apikit.resilience.saga.id", record.Id);
                activity?.SetTag("apikit.resilience.saga.step", step.Name);
                var outcome = await _compensationPipeline.ExecuteOutcomeAsync(
                    static async (s, ct) =>
                    {
                        await s.Compensation(s.Context, ct).ConfigureAwait(false);
                        return true;
                    },
                    (Compensation: compensation, Context: new SagaStepContext<TData>(record.Id, step.Name, data)),
                    cancellationToken).ConfigureAwait(false);
                if (!outcome.IsSuccess)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, outcome.Exception!.Message);
                    SagaLog.CompensationFailed(_logger, record.Id, step.Name, outcome.Exception!);
                    record.Error = $"compensating {step.Name}: {outcome.Exception!.Message}";
                    await SaveAsync(record, cancellationToken).ConfigureAwait(false);
                    return new(record.Id, record.Status, record.Error);
                }
            }

            record.Step--;
            await SaveAsync(record, cancellationToken).ConfigureAwait(false);
        }

        return new(record.Id, record.Status, record.Error);
    }

    private async Task SaveAsync(SagaRecord record, CancellationToken cancellationToken)
    {
        record.UpdatedAt = _timeProvider.GetUtcNow();
        if (!await _store.TryUpdateAsync(record, record.Version, cancellationToken).ConfigureAwait(false))
        {
            throw new SagaConcurrencyException($"Saga '{record.Id}' was changed by another instance; this instance stops driving it.");
        }

        record.Version++;
    }
}
