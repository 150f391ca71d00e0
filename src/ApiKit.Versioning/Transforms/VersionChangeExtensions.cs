using ApiKit.Versioning;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Registers version changes on endpoints and adds the middleware that applies them.</summary>
public static class VersionChangeExtensions
{
    /// <summary>
    /// Serves versions older than each change through the current handler, transforming JSON bodies through
    /// <paramref name="changes"/>. Works on minimal API endpoints, route groups and controller endpoints
    /// (<c>MapControllers().WithVersionChanges(...)</c>).
    /// </summary>
    /// <typeparam name="TBuilder">The builder type.</typeparam>
    /// <param name="builder">An endpoint, group or controller endpoint builder.</param>
    /// <param name="changes">The changes, in any order.</param>
    /// <returns>The builder.</returns>
    public static TBuilder WithVersionChanges<TBuilder>(this TBuilder builder, params IVersionChange[] changes)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(changes);
        foreach (var change in changes)
        {
            ArgumentNullException.ThrowIfNull(change, nameof(changes));
            if (!change.Version.IsValid)
            {
                throw new ArgumentException($"The version change {change.GetType().Name} has no valid version.", nameof(changes));
            }
        }

        return builder.WithMetadata(new VersionChangeMetadata([.. changes]));
    }

    /// <summary>
    /// Adds the middleware that applies version changes. Place it after routing (with <see cref="WebApplication"/>,
    /// anywhere: routing runs first) and before the endpoints.
    /// </summary>
    /// <param name="app">The application.</param>
    /// <returns>The application.</returns>
    public static IApplicationBuilder UseApiVersionChanges(this IApplicationBuilder app) => app.UseMiddleware<VersionChangeMiddleware>();
}
