namespace ApiKit.Versioning;

/// <summary>The deprecation and sunset of one API version (RFC 9745 and RFC 8594).</summary>
public sealed class ApiVersionPolicyOptions
{
    /// <summary>
    /// Gets or sets when the version is (or will be) deprecated. Responses of the version carry
    /// <c>Deprecation: @&lt;unix-seconds&gt;</c> and the version is listed in <c>api-deprecated-versions</c>.
    /// </summary>
    /// <value>The default is <see langword="null"/>: not deprecated.</value>
    public DateTimeOffset? Deprecation { get; set; }

    /// <summary>Gets or sets the page that explains the deprecation, sent as <c>Link: &lt;url&gt;; rel="deprecation"</c>.</summary>
    /// <value>The default is <see langword="null"/>.</value>
    public Uri? DeprecationLink { get; set; }

    /// <summary>Gets or sets when the version stops working; responses carry <c>Sunset: &lt;IMF-fixdate&gt;</c>.</summary>
    /// <value>The default is <see langword="null"/>: no sunset.</value>
    public DateTimeOffset? Sunset { get; set; }

    /// <summary>Gets or sets the page about the sunset (a migration guide), sent as <c>Link: &lt;url&gt;; rel="sunset"</c>.</summary>
    /// <value>The default is <see langword="null"/>.</value>
    public Uri? SunsetLink { get; set; }
}
