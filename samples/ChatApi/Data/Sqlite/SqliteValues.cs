using System.Globalization;
using ChatApi.Infrastructure;
using Microsoft.Data.Sqlite;

namespace ChatApi.Data.Sqlite;

/// <summary>
/// The column conventions of the SQLite schema: ids are lower-case GUID text (so SQL comparisons
/// match the keyset order), instants are UTC ticks.
/// </summary>
internal static class SqliteValues
{
    /// <summary>SQLITE_CONSTRAINT_UNIQUE: a unique index rejected the row.</summary>
    public const int UniqueViolation = 2067;

    /// <summary>SQLITE_CONSTRAINT_PRIMARYKEY: the primary key already exists.</summary>
    public const int PrimaryKeyViolation = 1555;

    /// <summary>SQLITE_CONSTRAINT_FOREIGNKEY: a referenced row does not exist (any more).</summary>
    public const int ForeignKeyViolation = 787;

    public static string Text(Guid id) => id.ToString("D", CultureInfo.InvariantCulture);

    public static object Text(Guid? id) => id is { } value ? Text(value) : DBNull.Value;

    public static object Nullable(string? value) => value is null ? DBNull.Value : value;

    public static object Ticks(DateTimeOffset? instant) => instant is { } value ? value.UtcTicks : DBNull.Value;

    public static Guid GetId(this SqliteDataReader reader, int ordinal) => Guid.Parse(reader.GetString(ordinal), CultureInfo.InvariantCulture);

    public static Guid? GetNullableId(this SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetId(ordinal);

    public static string? GetNullableString(this SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    public static DateTimeOffset GetInstant(this SqliteDataReader reader, int ordinal) => new(reader.GetInt64(ordinal), TimeSpan.Zero);

    public static DateTimeOffset? GetNullableInstant(this SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetInstant(ordinal);

    /// <summary>
    /// Adds <c>$first</c> (one more row than the page, to learn whether a next page exists) and the
    /// keyset parameters <c>$afterTicks</c>/<c>$afterId</c>; with no cursor they sort before every row.
    /// </summary>
    public static void AddPage(this SqliteCommand command, PageRequest page)
    {
        command.Parameters.AddWithValue("$limit", page.First + 1);
        command.Parameters.AddWithValue("$afterTicks", page.After?.Ticks ?? -1L);
        command.Parameters.AddWithValue("$afterId", page.After is { } after ? Text(after.Id) : string.Empty);
    }

    public static async Task<List<T>> ReadAllAsync<T>(this SqliteCommand command, Func<SqliteDataReader, T> read, CancellationToken cancellationToken)
    {
        var rows = new List<T>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(read(reader));
        }

        return rows;
    }

    public static async Task<T?> ReadSingleAsync<T>(this SqliteCommand command, Func<SqliteDataReader, T> read, CancellationToken cancellationToken)
        where T : class
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? read(reader) : null;
    }
}
