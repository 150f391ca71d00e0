using ApiKit.Versioning;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Stamps an API version on the requests of a named or typed <see cref="HttpClient"/>.</summary>
public static class ApiVersionHttpClientBuilderExtensions
{
    /// <summary>Adds <see cref="ApiVersionHandler"/> to the client, configured as options named after the client.</summary>
    /// <param name="builder">The client builder.</param>
    /// <param name="version">The version to stamp.</param>
    /// <param name="configure">Chooses the mode and names.</param>
    /// <returns>The client builder.</returns>
    public static IHttpClientBuilder AddApiVersion(this IHttpClientBuilder builder, ApiVersion version, Action<ApiVersionClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (!version.IsValid)
        {
            throw new ArgumentException("The version must be valid.", nameof(version));
        }

        var name = builder.Name;
        builder.Services.AddOptions<ApiVersionClientOptions>(name).Configure(options =>
        {
            options.Version = version;
            configure?.Invoke(options);
        });
        return builder.AddHttpMessageHandler(services => new ApiVersionHandler(services.GetRequiredService<IOptionsMonitor<ApiVersionClientOptions>>().Get(name)));
    }
}
