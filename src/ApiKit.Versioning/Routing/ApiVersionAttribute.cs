namespace ApiKit.Versioning;

/// <summary>
/// Declares a version an API supports. On a controller or action it is an attribute; on minimal APIs
/// <c>HasApiVersion</c> adds it as endpoint metadata. Either way the same routing policy reads it.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = true, Inherited = true)]
public sealed class ApiVersionAttribute : Attribute
{
    /// <summary>Declares the version written as <paramref name="version"/> (<c>"1.0"</c>, <c>"2024-01-15"</c>).</summary>
    /// <param name="version">The version text.</param>
    public ApiVersionAttribute(string version) => Version = ApiVersion.Parse(version);

    /// <summary>Declares the numbered version <paramref name="version"/> (<c>1.0</c>, <c>2.1</c>).</summary>
    /// <param name="version">The version number.</param>
    public ApiVersionAttribute(double version) => Version = new ApiVersion(version);

    internal ApiVersionAttribute(ApiVersion version) => Version = version;

    /// <summary>Gets the declared version.</summary>
    public ApiVersion Version { get; }

    /// <summary>Gets or sets a value indicating whether the version is deprecated for this API.</summary>
    public bool Deprecated { get; set; }
}

/// <summary>
/// Restricts an endpoint or action to some of the versions its API declares, so that two endpoints may share a route
/// template and differ only by version.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = true, Inherited = true)]
public sealed class MapToApiVersionAttribute : Attribute
{
    /// <summary>Maps to the version written as <paramref name="version"/>.</summary>
    /// <param name="version">The version text.</param>
    public MapToApiVersionAttribute(string version) => Version = ApiVersion.Parse(version);

    /// <summary>Maps to the numbered version <paramref name="version"/>.</summary>
    /// <param name="version">The version number.</param>
    public MapToApiVersionAttribute(double version) => Version = new ApiVersion(version);

    internal MapToApiVersionAttribute(ApiVersion version) => Version = version;

    /// <summary>Gets the version the endpoint serves.</summary>
    public ApiVersion Version { get; }
}

/// <summary>Marks an endpoint that answers whatever version is asked for (health checks, discovery documents).</summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = false, Inherited = true)]
public sealed class ApiVersionNeutralAttribute : Attribute
{
}
