namespace ChatApi.Data;

/// <summary>The schema lifecycle of the store behind the repositories.</summary>
internal interface IChatDatabase
{
    /// <summary>Gets the schema version the application needs.</summary>
    int RequiredVersion { get; }

    /// <summary>Applies every migration not applied yet; safe to run again on an up-to-date database.</summary>
    Task MigrateAsync(CancellationToken cancellationToken);

    /// <summary>Reads the applied schema version with a real query.</summary>
    Task<int> GetVersionAsync(CancellationToken cancellationToken);
}
