using System.Text;

namespace ApiKit.Security.Headers;

/// <summary>
/// Builds a <c>Content-Security-Policy</c> value. <see cref="WithNonce"/> adds a per-request nonce source; the
/// middleware fills it in and pages read it with <c>HttpContext.GetCspNonce()</c>.
/// </summary>
public sealed class ContentSecurityPolicyBuilder
{
    private readonly List<KeyValuePair<string, List<string>>> _directives = [];

    /// <summary>Starts from the API preset: <c>default-src 'none'; frame-ancestors 'none'</c>.</summary>
    /// <returns>The builder.</returns>
    public static ContentSecurityPolicyBuilder Api() => new ContentSecurityPolicyBuilder().DefaultSrc("'none'").FrameAncestors("'none'");

    /// <summary>Adds sources to <c>default-src</c>.</summary>
    /// <param name="sources">The sources, for example <c>'self'</c>.</param>
    /// <returns>The builder.</returns>
    public ContentSecurityPolicyBuilder DefaultSrc(params string[] sources) => Directive("default-src", sources);

    /// <summary>Adds sources to <c>script-src</c>.</summary>
    /// <param name="sources">The sources.</param>
    /// <returns>The builder.</returns>
    public ContentSecurityPolicyBuilder ScriptSrc(params string[] sources) => Directive("script-src", sources);

    /// <summary>Adds sources to <c>style-src</c>.</summary>
    /// <param name="sources">The sources.</param>
    /// <returns>The builder.</returns>
    public ContentSecurityPolicyBuilder StyleSrc(params string[] sources) => Directive("style-src", sources);

    /// <summary>Adds sources to <c>img-src</c>.</summary>
    /// <param name="sources">The sources.</param>
    /// <returns>The builder.</returns>
    public ContentSecurityPolicyBuilder ImgSrc(params string[] sources) => Directive("img-src", sources);

    /// <summary>Adds sources to <c>connect-src</c>.</summary>
    /// <param name="sources">The sources.</param>
    /// <returns>The builder.</returns>
    public ContentSecurityPolicyBuilder ConnectSrc(params string[] sources) => Directive("connect-src", sources);

    /// <summary>Adds sources to <c>font-src</c>.</summary>
    /// <param name="sources">The sources.</param>
    /// <returns>The builder.</returns>
    public ContentSecurityPolicyBuilder FontSrc(params string[] sources) => Directive("font-src", sources);

    /// <summary>Adds sources to <c>frame-ancestors</c>.</summary>
    /// <param name="sources">The sources.</param>
    /// <returns>The builder.</returns>
    public ContentSecurityPolicyBuilder FrameAncestors(params string[] sources) => Directive("frame-ancestors", sources);

    /// <summary>Adds sources to <c>base-uri</c>.</summary>
    /// <param name="sources">The sources.</param>
    /// <returns>The builder.</returns>
    public ContentSecurityPolicyBuilder BaseUri(params string[] sources) => Directive("base-uri", sources);

    /// <summary>Adds sources to <c>form-action</c>.</summary>
    /// <param name="sources">The sources.</param>
    /// <returns>The builder.</returns>
    public ContentSecurityPolicyBuilder FormAction(params string[] sources) => Directive("form-action", sources);

    /// <summary>Adds <c>upgrade-insecure-requests</c>.</summary>
    /// <returns>The builder.</returns>
    public ContentSecurityPolicyBuilder UpgradeInsecureRequests() => Directive("upgrade-insecure-requests");

    /// <summary>Adds the per-request nonce (<c>'nonce-…'</c>) to <paramref name="directive"/>.</summary>
    /// <param name="directive">The directive; <c>script-src</c> by default.</param>
    /// <returns>The builder.</returns>
    public ContentSecurityPolicyBuilder WithNonce(string directive = "script-src") => Directive(directive, "'nonce-" + SecurityHeadersDefaults.NoncePlaceholder + "'");

    /// <summary>Adds sources to any directive; a directive named twice keeps one entry.</summary>
    /// <param name="name">The directive name.</param>
    /// <param name="sources">The sources.</param>
    /// <returns>The builder.</returns>
    public ContentSecurityPolicyBuilder Directive(string name, params string[] sources)
    {
        ArgumentNullException.ThrowIfNull(sources);
        if (string.IsNullOrWhiteSpace(name) || !name.All(c => char.IsAsciiLetterLower(c) || c == '-'))
        {
            throw new ArgumentException($"'{name}' is not a directive name.", nameof(name));
        }

        // A ';' or ',' inside a source would smuggle in another directive or policy.
        if (sources.Any(s => string.IsNullOrWhiteSpace(s) || s.Any(c => c is ';' or ',' || char.IsWhiteSpace(c) || char.IsControl(c))))
        {
            throw new ArgumentException("Sources must be single tokens without ';', ',' or whitespace.", nameof(sources));
        }

        var index = _directives.FindIndex(d => d.Key == name);
        if (index < 0)
        {
            _directives.Add(new(name, [.. sources]));
        }
        else
        {
            _directives[index].Value.AddRange(sources.Where(s => !_directives[index].Value.Contains(s)));
        }

        return this;
    }

    /// <summary>Returns the header value.</summary>
    /// <returns>The policy, directives separated by <c>"; "</c>.</returns>
    public string Build()
    {
        var builder = new StringBuilder();
        foreach (var (name, sources) in _directives)
        {
            if (builder.Length > 0)
            {
                builder.Append("; ");
            }

            builder.Append(name);
            foreach (var source in sources)
            {
                builder.Append(' ').Append(source);
            }
        }

        return builder.ToString();
    }

    /// <inheritdoc />
    public override string ToString() => Build();
}
