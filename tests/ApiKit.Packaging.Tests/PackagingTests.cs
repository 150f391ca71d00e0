using System.IO.Compression;
using System.Xml.Linq;

namespace ApiKit.Packaging.Tests;

public sealed class PackagingTests : IClassFixture<PackagesFixture>
{
    private readonly PackagesFixture _packages;

    public PackagingTests(PackagesFixture packages) => _packages = packages;

    [Fact]
    public void Pack_EveryPackage_ShipsReadmeDocsSymbolsAndMetadata()
    {
        Assert.Contains("ApiKit.RateLimiting", _packages.PackageIds);
        Assert.True(_packages.PackageIds.Count >= 5, string.Join(", ", _packages.PackageIds));
        foreach (var id in _packages.PackageIds)
        {
            var nupkg = Directory.GetFiles(_packages.PackageFolder, id + ".*.nupkg").Single(f => IsPackageOf(f, id, ".nupkg"));
            var snupkg = Directory.GetFiles(_packages.PackageFolder, id + ".*.snupkg").Single(f => IsPackageOf(f, id, ".snupkg"));

            using (var archive = ZipFile.OpenRead(nupkg))
            {
                var entries = archive.Entries.Select(e => e.FullName).ToHashSet(StringComparer.Ordinal);
                Assert.Contains("README.md", entries);
                Assert.Contains($"lib/net10.0/{id}.dll", entries);
                Assert.Contains($"lib/net10.0/{id}.xml", entries);

                using var nuspecStream = archive.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open();
                var nuspec = XDocument.Load(nuspecStream);
                string Value(string name) => nuspec.Descendants().Single(e => e.Name.LocalName == name).Value;
                Assert.Equal("README.md", Value("readme"));
                Assert.Equal("MIT", Value("license"));
                Assert.False(string.IsNullOrWhiteSpace(Value("description")), id);
                Assert.Contains("aspnetcore", Value("tags"), StringComparison.Ordinal);
                Assert.Matches(@"^\d+\.\d+\.\d+", Value("version"));
            }

            using var symbols = ZipFile.OpenRead(snupkg);
            Assert.Contains(symbols.Entries, e => e.FullName == $"lib/net10.0/{id}.pdb");
        }
    }

    [Fact]
    public async Task AddPackage_FreshWebProject_RestoresAndBuilds()
    {
        var app = Path.Combine(_packages.Root, "FreshWebApp");
        Directory.CreateDirectory(app);
        var env = _packages.Environment;

        await DotNetCli.RunAsync(app, env, "new", "web", "--framework", "net10.0", "--no-restore");
        foreach (var id in _packages.PackageIds)
        {
            await DotNetCli.RunAsync(app, env, "add", "package", id, "--source", _packages.PackageFolder);
        }

        await DotNetCli.RunAsync(app, env, "build", "-c", "Release", "-nologo");

        var project = File.ReadAllText(Path.Combine(app, "FreshWebApp.csproj"));
        foreach (var id in _packages.PackageIds)
        {
            Assert.Contains($"Include=\"{id}\"", project, StringComparison.Ordinal);
        }

        Assert.True(File.Exists(Path.Combine(app, "bin", "Release", "net10.0", "FreshWebApp.dll")));
    }

    private static bool IsPackageOf(string path, string id, string extension)
    {
        var version = Path.GetFileName(path)[(id.Length + 1)..^extension.Length];
        return char.IsDigit(version[0]);
    }
}
