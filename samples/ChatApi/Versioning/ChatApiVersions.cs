using ApiKit.Versioning;

namespace ChatApi.Versioning;

/// <summary>The versions of the ChatApi. v2 is current and the default; v1 is deprecated (see appsettings.json).</summary>
internal static class ChatApiVersions
{
    public static readonly ApiVersion V1 = new(1, 0);

    public static readonly ApiVersion V2 = new(2, 0);

    /// <summary>The URL segment of the version a request is served as, for Location headers that keep the caller's version.</summary>
    public static string Segment(HttpContext context) => context.GetRequestedApiVersion() == V1 ? "v1" : "v2";
}
