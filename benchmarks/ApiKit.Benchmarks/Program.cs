using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Running;

namespace ApiKit.Benchmarks;

/// <summary>
/// Entry point: <c>dotnet run -c Release --project benchmarks/ApiKit.Benchmarks -- --filter '*ClassName*'</c>.
/// Every run uses the memory diagnoser and exports GitHub markdown; the <c>*-report-github.md</c> files are copied
/// into <c>benchmarks/results/</c>, which is where committed results live.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        var repoRoot = FindRepoRoot();
        var artifacts = Path.Combine(repoRoot, "benchmarks", "artifacts");
        var config = DefaultConfig.Instance
            .AddDiagnoser(MemoryDiagnoser.Default)
            .AddExporter(MarkdownExporter.GitHub)
            .WithArtifactsPath(artifacts)
            .WithOptions(ConfigOptions.DisableLogFile);

        var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config).ToList();

        // Copy only the reports this run wrote: older files left in the artifacts folder must not be re-committed.
        var results = Path.Combine(repoRoot, "benchmarks", "results");
        Directory.CreateDirectory(results);
        foreach (var summary in summaries)
        {
            // Without a joined summary BenchmarkDotNet names each report after the benchmark class.
            foreach (var type in summary.BenchmarksCases.Select(c => c.Descriptor.Type).Distinct())
            {
                var report = Path.Combine(summary.ResultsDirectoryPath, type.FullName + "-report-github.md");
                if (File.Exists(report))
                {
                    File.Copy(report, Path.Combine(results, Path.GetFileName(report)), overwrite: true);
                }
            }
        }

        return summaries.Any(s => s.HasCriticalValidationErrors) ? 1 : 0;
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ApiKit.sln")))
            {
                return dir.FullName;
            }
        }

        return Directory.GetCurrentDirectory();
    }
}
