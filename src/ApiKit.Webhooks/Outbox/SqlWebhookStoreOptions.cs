using System.ComponentModel.DataAnnotations;
using System.Data.Common;

namespace ApiKit.Webhooks;

/// <summary>The SQL dialects the ADO.NET store speaks.</summary>
public enum WebhookSqlDialect
{
    /// <summary>SQLite 3.35 or later (needs <c>RETURNING</c>).</summary>
    Sqlite,

    /// <summary>PostgreSQL 12 or later.</summary>
    PostgreSql,
}

/// <summary>How the ADO.NET store reaches its database. No driver is referenced: the application hands in connections.</summary>
public sealed class SqlWebhookStoreOptions
{
    /// <summary>Gets or sets the factory of new, unopened connections to the database that holds the outbox.</summary>
    /// <value><see langword="null"/>: required.</value>
    [Required]
    public Func<DbConnection>? ConnectionFactory { get; set; }

    /// <summary>Gets or sets the dialect.</summary>
    /// <value><see cref="WebhookSqlDialect.Sqlite"/>.</value>
    public WebhookSqlDialect Dialect { get; set; } = WebhookSqlDialect.Sqlite;

    /// <summary>Gets or sets the prefix of the store's table names (letters, digits and underscores).</summary>
    /// <value><c>webhook_</c>.</value>
    [Required]
    [RegularExpression("^[A-Za-z_][A-Za-z0-9_]{0,40}$")]
    public string TablePrefix { get; set; } = "webhook_";

    /// <summary>Gets or sets whether the tables are created at start-up when missing.</summary>
    /// <value><see langword="true"/>.</value>
    public bool CreateSchema { get; set; } = true;
}
