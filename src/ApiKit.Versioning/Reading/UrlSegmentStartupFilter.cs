using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;

namespace ApiKit.Versioning;

/// <summary>
/// Puts the path-prefix rule first in the pipeline. A startup filter runs before the application's own middleware,
/// including the routing middleware <see cref="WebApplication"/> adds implicitly, so the rule needs no call in Program.cs.
/// </summary>
internal sealed class UrlSegmentStartupFilter : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.UseMiddleware<UrlSegmentMiddleware>();
        next(app);
    };
}
