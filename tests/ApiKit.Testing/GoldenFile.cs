using System.Reflection;

namespace ApiKit.Testing;

/// <summary>
/// Compares text with a golden file checked in beside the test sources. On a mismatch it writes
/// <c>name.received.ext</c> next to the golden file, so the difference is one <c>diff</c> away, and fails.
/// </summary>
/// <remarks>
/// Set <c>APIKIT_ACCEPT_GOLDEN=1</c> locally to overwrite golden files with what was received. It is ignored when
/// <c>CI=true</c>, so CI can never accept a change by itself.
/// </remarks>
public static class GoldenFile
{
    /// <summary>
    /// Asserts that <paramref name="actual"/> equals the golden file at <paramref name="relativePath"/>, relative to
    /// the project folder of <paramref name="testAssembly"/>. Line endings are normalised to <c>\n</c>.
    /// </summary>
    public static void AssertMatches(Assembly testAssembly, string relativePath, string actual)
    {
        ArgumentNullException.ThrowIfNull(actual);
        var goldenPath = Path.Combine(ProjectDirectory(testAssembly), relativePath);
        var extension = Path.GetExtension(goldenPath);
        var receivedPath = Path.ChangeExtension(goldenPath, ".received" + extension);
        var normalized = Normalize(actual);
        var expected = File.Exists(goldenPath) ? Normalize(File.ReadAllText(goldenPath)) : null;

        if (expected == normalized)
        {
            File.Delete(receivedPath);
            return;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(goldenPath)!);
        if (Environment.GetEnvironmentVariable("APIKIT_ACCEPT_GOLDEN") == "1" && Environment.GetEnvironmentVariable("CI") != "true")
        {
            File.WriteAllText(goldenPath, normalized);
            File.Delete(receivedPath);
            return;
        }

        File.WriteAllText(receivedPath, normalized);
        var reason = expected is null ? "does not exist" : $"differs (first difference at line {FirstDifferentLine(expected, normalized)})";
        throw new GoldenFileMismatchException(
            $"Golden file {goldenPath} {reason}. What was received is in {receivedPath}; " +
            "if the change is intended, copy it over the golden file (or run with APIKIT_ACCEPT_GOLDEN=1).");
    }

    /// <summary>Gets the source folder of the test project that built <paramref name="testAssembly"/>.</summary>
    public static string ProjectDirectory(Assembly testAssembly)
    {
        ArgumentNullException.ThrowIfNull(testAssembly);
        return testAssembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "ApiKit.ProjectDirectory")?.Value
            ?? throw new InvalidOperationException($"{testAssembly.GetName().Name} has no ApiKit.ProjectDirectory metadata; tests/Directory.Build.props adds it to test projects.");
    }

    private static string Normalize(string text) => text.ReplaceLineEndings("\n").TrimEnd('\n') + "\n";

    private static int FirstDifferentLine(string expected, string actual)
    {
        var left = expected.Split('\n');
        var right = actual.Split('\n');
        var line = 0;
        while (line < left.Length && line < right.Length && left[line] == right[line])
        {
            line++;
        }

        return line + 1;
    }
}

/// <summary>Thrown when text does not match its golden file.</summary>
public sealed class GoldenFileMismatchException(string message) : Exception(message);
