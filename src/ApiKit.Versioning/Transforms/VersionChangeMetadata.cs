namespace ApiKit.Versioning;

/// <summary>The version changes registered on an endpoint or group, read by <see cref="VersionChangeMiddleware"/>.</summary>
internal sealed class VersionChangeMetadata
{
    public VersionChangeMetadata(IVersionChange[] changes) => Changes = changes;

    public IVersionChange[] Changes { get; }
}
