namespace ApiKit.Testing;

/// <summary>Locates server executables that the fixtures start, and fails loudly when one is missing.</summary>
public static class ServerBinary
{
    /// <summary>
    /// Finds <paramref name="name"/> in the folder named by <paramref name="overrideVariable"/>, in
    /// <paramref name="extraFolders"/> (the package's own folder comes before PATH, whose links may be partial), or on PATH.
    /// </summary>
    /// <exception cref="InvalidOperationException">The executable is nowhere to be found; the message says how to install it.</exception>
    public static string Find(string name, string overrideVariable, string installHint, params string[] extraFolders)
    {
        ArgumentNullException.ThrowIfNull(extraFolders);
        var folders = new List<string>();
        if (Environment.GetEnvironmentVariable(overrideVariable) is { Length: > 0 } overrideFolder)
        {
            folders.Add(overrideFolder);
        }

        folders.AddRange(extraFolders);
        folders.AddRange((Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries));

        foreach (var folder in folders)
        {
            var candidate = Path.Combine(folder, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException(
            $"'{name}' was not found (searched ${overrideVariable}, PATH and {string.Join(", ", extraFolders)}). {installHint} " +
            "Tests that need it fail rather than skip; ./test.sh installs it when run as root.");
    }

    /// <summary>Whether this process runs as root, in which case servers that refuse root run as another user.</summary>
    public static bool IsRoot => OperatingSystem.IsLinux() && Environment.UserName == "root";
}
