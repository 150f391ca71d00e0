using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace ApiKit.Benchmarks.RateLimiting;

/// <summary>
/// The job of every RateLimiting benchmark: in the host process (the generated out-of-process project inherits the
/// repository's Directory.Build.props and does not build), 3 warmup and 15 measured iterations, so that the whole set
/// (single key, 100,000 keys, Redis) runs in about five minutes. Run it without job options on the command line:
/// <c>dotnet run -c Release --project benchmarks/ApiKit.Benchmarks -- --filter '*RateLimiting*'</c>.
/// </summary>
public sealed class RateLimitingBenchmarkConfig : ManualConfig
{
    public RateLimitingBenchmarkConfig() =>
        AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance).WithWarmupCount(3).WithIterationCount(15));
}
