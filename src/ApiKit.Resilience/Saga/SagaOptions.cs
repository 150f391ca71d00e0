using ApiKit.Resilience.Retry;

namespace ApiKit.Resilience.Saga;

/// <summary>What a resumed saga does with the step that was running when the process stopped.</summary>
public enum SagaResumeMode
{
    /// <summary>Run the interrupted step's action again and carry on (actions must be idempotent).</summary>
    RetryInterruptedStep = 0,

    /// <summary>Give up: compensate the interrupted step (it may have taken effect) and every step before it.</summary>
    Compensate = 1,
}

/// <summary>Options of a <see cref="SagaOrchestrator{TData}"/>.</summary>
public sealed class SagaOptions
{
    /// <summary>Gets or sets what a resumed saga does with its interrupted step.</summary>
    /// <value>The default is <see cref="SagaResumeMode.RetryInterruptedStep"/>.</value>
    public SagaResumeMode ResumeMode { get; set; } = SagaResumeMode.RetryInterruptedStep;

    /// <summary>
    /// Gets or sets how failing compensations are retried. When they still fail, the saga stays
    /// <see cref="SagaStatus.Compensating"/> and the next <see cref="SagaOrchestrator{TData}.ResumeAllAsync"/> tries again.
    /// </summary>
    /// <value>The default retries 5 times with exponential backoff and jitter from 200 ms.</value>
    public RetryOptions CompensationRetry { get; set; } = new() { MaxRetryAttempts = 5, Delay = TimeSpan.FromMilliseconds(200) };

    /// <summary>Gets or sets the JSON options the saga's data is serialised with.</summary>
    /// <value>The default is <see cref="System.Text.Json.JsonSerializerOptions.Web"/>.</value>
    public System.Text.Json.JsonSerializerOptions JsonOptions { get; set; } = System.Text.Json.JsonSerializerOptions.Web;
}
