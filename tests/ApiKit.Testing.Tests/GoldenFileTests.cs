namespace ApiKit.Testing.Tests;

public sealed class GoldenFileTests : IDisposable
{
    private readonly string _relative = Path.Combine("obj", "golden-test-" + Guid.NewGuid().ToString("N"), "sample.txt");

    private string GoldenPath => Path.Combine(GoldenFile.ProjectDirectory(typeof(GoldenFileTests).Assembly), _relative);

    [Fact]
    public void AssertMatches_SameTextWithOtherLineEndings_Passes()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(GoldenPath)!);
        File.WriteAllText(GoldenPath, "a\nb\n");

        GoldenFile.AssertMatches(typeof(GoldenFileTests).Assembly, _relative, "a\r\nb");

        Assert.False(File.Exists(Path.ChangeExtension(GoldenPath, ".received.txt")));
    }

    [Fact]
    public void AssertMatches_Mismatch_WritesReceivedFileAndThrows()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(GoldenPath)!);
        File.WriteAllText(GoldenPath, "a\nb\n");

        var error = Assert.Throws<GoldenFileMismatchException>(() => GoldenFile.AssertMatches(typeof(GoldenFileTests).Assembly, _relative, "a\nc\n"));

        Assert.Contains("line 2", error.Message, StringComparison.Ordinal);
        Assert.Equal("a\nc\n", File.ReadAllText(Path.ChangeExtension(GoldenPath, ".received.txt")));
        Assert.Equal("a\nb\n", File.ReadAllText(GoldenPath));
    }

    [Fact]
    public void AssertMatches_MissingGolden_Throws()
    {
        Assert.Throws<GoldenFileMismatchException>(() => GoldenFile.AssertMatches(typeof(GoldenFileTests).Assembly, _relative, "x"));
    }

    public void Dispose() => Directory.Delete(Path.GetDirectoryName(GoldenPath)!, recursive: true);
}
