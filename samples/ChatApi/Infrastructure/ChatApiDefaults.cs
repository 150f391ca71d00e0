namespace ChatApi.Infrastructure;

/// <summary>Every default of the ChatApi in one place.</summary>
internal static class ChatApiDefaults
{
    /// <summary>The connection string used when <c>ConnectionStrings:Chat</c> is not configured.</summary>
    public const string ConnectionString = "Data Source=chat.db";

    /// <summary>The name of the connection string in <c>ConnectionStrings</c>.</summary>
    public const string ConnectionStringName = "Chat";

    /// <summary>64 KiB: chat payloads are small, so anything larger is a mistake or an attack.</summary>
    public const long MaxRequestBodyBytes = 64 * 1024;

    /// <summary>The page size of a list when the client does not send <c>first</c>.</summary>
    public const int DefaultPageSize = 20;

    /// <summary>The largest page size a client may ask for with <c>first</c>.</summary>
    public const int MaxPageSize = 100;
}
