using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace ApiKit.Benchmarks.Webhooks;

/// <summary>
/// Runs in the host process: BenchmarkDotNet's generated out-of-process project inherits the repository's
/// Directory.Build.props (documentation warnings as errors) and does not build.
/// </summary>
public sealed class InProcessConfig : ManualConfig
{
    public InProcessConfig() =>
        AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance).WithWarmupCount(3).WithIterationCount(10));
}

/// <summary>
/// The in-process job with one invocation per iteration, for benchmarks whose iteration setup refills a queue.
/// Fifteen iterations: a single invocation is one noisy sample, and the median of fifteen is steadier. Twenty warmup
/// iterations: tiered compilation of the HTTP client, Kestrel and the dispatcher goes on for tens of thousands of
/// requests (JitInfo showed 60-130 methods and 50-90 ms of compilation in single iterations long after three warmups),
/// and on two cores that background work lands in the measured iterations of whichever row runs at the time.
/// </summary>
public sealed class InProcessSingleInvocationConfig : ManualConfig
{
    public InProcessSingleInvocationConfig() =>
        AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance).WithWarmupCount(20).WithIterationCount(15).WithInvocationCount(1).WithUnrollFactor(1));
}
