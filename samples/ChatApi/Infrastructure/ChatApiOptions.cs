using System.ComponentModel.DataAnnotations;

namespace ChatApi.Infrastructure;

/// <summary>Settings of the ChatApi host, bound from the <c>ChatApi</c> configuration section.</summary>
internal sealed class ChatApiOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "ChatApi";

    /// <summary>Gets or sets the folder a relative SQLite <c>Data Source</c> is resolved against.</summary>
    /// <value>Defaults to <see langword="null"/>: the application's content root.</value>
    public string? DataDirectory { get; set; }

    /// <summary>Gets or sets the largest request body accepted, in bytes; larger bodies get 413.</summary>
    /// <value>Defaults to <see cref="ChatApiDefaults.MaxRequestBodyBytes"/> (64 KiB).</value>
    [Range(1024, 16 * 1024 * 1024)]
    public long MaxRequestBodyBytes { get; set; } = ChatApiDefaults.MaxRequestBodyBytes;

    /// <summary>
    /// Gets or sets usernames that become Admin when they register (compared case-insensitively). This is how the first
    /// Admin of a fresh database comes to be; after that, Admins hand out roles with <c>PUT /api/v1/users/{id}/role</c>.
    /// </summary>
    /// <value>Defaults to empty: everybody registers as User.</value>
    public IList<string> AdminUsernames { get; } = [];
}
