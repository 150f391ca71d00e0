using ApiKit.Testing;

namespace ApiKit.Packaging.Tests;

/// <summary>Packs every project under <c>src/</c> once into a temp folder, with a package cache of its own.</summary>
public sealed class PackagesFixture : IAsyncLifetime
{
    public string Root { get; } = Directory.CreateTempSubdirectory("apikit-pack-").FullName;

    public string RepoRoot { get; } = Path.GetFullPath(Path.Combine(GoldenFile.ProjectDirectory(typeof(PackagesFixture).Assembly), "..", ".."));

    public string PackageFolder => Path.Combine(Root, "packages");

    /// <summary>A fresh global packages folder, so a stale ApiKit package of the same version can never be picked up.</summary>
    public IDictionary<string, string> Environment => new Dictionary<string, string>
    {
        ["NUGET_PACKAGES"] = Path.Combine(Root, "nuget-cache"),
        ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
        ["DOTNET_NOLOGO"] = "1",
    };

    public IReadOnlyList<string> PackageIds { get; private set; } = [];

    public async Task InitializeAsync()
    {
        PackageIds = Directory.GetDirectories(Path.Combine(RepoRoot, "src"))
            .Select(Path.GetFileName)
            .OfType<string>()
            .Where(name => File.Exists(Path.Combine(RepoRoot, "src", name, name + ".csproj")))
            .Order(StringComparer.Ordinal)
            .ToList();
        foreach (var id in PackageIds)
        {
            await DotNetCli.RunAsync(RepoRoot, Environment, "pack", Path.Combine("src", id, id + ".csproj"), "-c", "Release", "-o", PackageFolder, "-nologo");
        }
    }

    public Task DisposeAsync()
    {
        Directory.Delete(Root, recursive: true);
        return Task.CompletedTask;
    }
}
