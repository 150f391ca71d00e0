using ApiKit.Versioning;

namespace Microsoft.AspNetCore.Builder;

/// <summary>
/// Versions minimal API endpoints and route groups. These add the same metadata as the controller attributes
/// (<see cref="ApiVersionAttribute"/>, <see cref="MapToApiVersionAttribute"/>, <see cref="ApiVersionNeutralAttribute"/>),
/// so one matcher policy routes both.
/// </summary>
public static class ApiVersionEndpointConventionBuilderExtensions
{
    /// <summary>Declares that the endpoints support <paramref name="version"/>.</summary>
    /// <typeparam name="TBuilder">The builder type.</typeparam>
    /// <param name="builder">An endpoint or route group builder.</param>
    /// <param name="version">The version, such as <c>1.0</c>.</param>
    /// <returns>The builder.</returns>
    public static TBuilder HasApiVersion<TBuilder>(this TBuilder builder, double version)
        where TBuilder : IEndpointConventionBuilder => builder.HasApiVersion(new ApiVersion(version));

    /// <summary>Declares that the endpoints support <paramref name="version"/>.</summary>
    /// <typeparam name="TBuilder">The builder type.</typeparam>
    /// <param name="builder">An endpoint or route group builder.</param>
    /// <param name="version">The version.</param>
    /// <returns>The builder.</returns>
    public static TBuilder HasApiVersion<TBuilder>(this TBuilder builder, ApiVersion version)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(new ApiVersionAttribute(Valid(version)));

    /// <summary>Declares that the endpoints support <paramref name="version"/>, which is deprecated.</summary>
    /// <typeparam name="TBuilder">The builder type.</typeparam>
    /// <param name="builder">An endpoint or route group builder.</param>
    /// <param name="version">The version, such as <c>1.0</c>.</param>
    /// <returns>The builder.</returns>
    public static TBuilder HasDeprecatedApiVersion<TBuilder>(this TBuilder builder, double version)
        where TBuilder : IEndpointConventionBuilder => builder.HasDeprecatedApiVersion(new ApiVersion(version));

    /// <summary>Declares that the endpoints support <paramref name="version"/>, which is deprecated.</summary>
    /// <typeparam name="TBuilder">The builder type.</typeparam>
    /// <param name="builder">An endpoint or route group builder.</param>
    /// <param name="version">The version.</param>
    /// <returns>The builder.</returns>
    public static TBuilder HasDeprecatedApiVersion<TBuilder>(this TBuilder builder, ApiVersion version)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(new ApiVersionAttribute(Valid(version)) { Deprecated = true });

    /// <summary>Restricts an endpoint to <paramref name="version"/> among the versions its group declares.</summary>
    /// <typeparam name="TBuilder">The builder type.</typeparam>
    /// <param name="builder">An endpoint builder.</param>
    /// <param name="version">The version, such as <c>2.0</c>.</param>
    /// <returns>The builder.</returns>
    public static TBuilder MapToApiVersion<TBuilder>(this TBuilder builder, double version)
        where TBuilder : IEndpointConventionBuilder => builder.MapToApiVersion(new ApiVersion(version));

    /// <summary>Restricts an endpoint to <paramref name="version"/> among the versions its group declares.</summary>
    /// <typeparam name="TBuilder">The builder type.</typeparam>
    /// <param name="builder">An endpoint builder.</param>
    /// <param name="version">The version.</param>
    /// <returns>The builder.</returns>
    public static TBuilder MapToApiVersion<TBuilder>(this TBuilder builder, ApiVersion version)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(new MapToApiVersionAttribute(Valid(version)));

    /// <summary>Marks the endpoints as answering every version.</summary>
    /// <typeparam name="TBuilder">The builder type.</typeparam>
    /// <param name="builder">An endpoint or route group builder.</param>
    /// <returns>The builder.</returns>
    public static TBuilder IsApiVersionNeutral<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(new ApiVersionNeutralAttribute());

    private static ApiVersion Valid(ApiVersion version) =>
        version.IsValid ? version : throw new ArgumentException("The version must be valid.", nameof(version));
}
