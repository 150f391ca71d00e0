using System.Buffers;
using System.Data;
using System.Data.Common;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace ApiKit.Webhooks;

/// <summary>
/// The transactional outbox on ADO.NET: messages are inserted through the application's own
/// <see cref="DbTransaction"/>, so they exist if and only if the business change committed.
/// Claims take leases (<c>FOR UPDATE SKIP LOCKED</c> on PostgreSQL, SQLite's single writer otherwise).
/// </summary>
public sealed class SqlWebhookStore : IWebhookDeliveryStore, IWebhookEndpointStore, IAsyncDisposable, IDisposable
{
    private readonly Func<DbConnection> _connectionFactory;
    private readonly WebhookSqlDialect _dialect;
    private readonly string _endpoints;
    private readonly string _messages;
    private readonly string _deliveries;
    private readonly string _attempts;
    private readonly string _claimSql;
    private readonly string _orderedClaimSql;
    private readonly string _sqliteRecordSql;
    private readonly string _sqliteAttemptSql;

    // SQLite has one writer at a time and Microsoft.Data.Sqlite answers a busy database by sleeping between
    // retries, so this process's own writers queue here instead of colliding.
    private readonly SemaphoreSlim? _writeGate;
    private const int CheckpointEveryCommits = 64;

    // SQLite: the dispatcher's claims and results all run under the write gate, so they share one connection that
    // is opened once (synchronous = NORMAL set once) and whose statements are prepared once and reused. Opening a
    // pooled connection, restating the pragma and re-preparing each statement cost more than the claim itself.
    private const int MaxRowsPerStatement = 1000;

    // The widths of a long and an int in a SQLite result row (see RecordSqliteAsync): a zero or minus sign, then digits.
    private const int LongField = 20;
    private const int IntField = 11;
    private const int UpdateRowLength = (3 * LongField) + (2 * IntField);

    // Where an attempt row's response starts: six fields and two flags.
    private const int AttemptRowFixed = (3 * LongField) + (3 * IntField) + 2;

    private DbConnection? _bookkeeping;

    // The bookkeeping connection's own settings before this store changed them, restored before it goes back to the
    // pool: the application's connections to the same database come from that pool too, and must not inherit a
    // skipped fsync or disabled automatic checkpoints.
    private (long Synchronous, long AutoCheckpoint)? _pooledPragmas;
    private DbCommand? _claimCommand;
    private DbCommand? _loadCommand;
    private DbCommand? _recordCommand;
    private DbCommand? _attemptCommand;
    private bool _disposed;
    private int _commitsSinceCheckpoint;
    private Task _checkpoint = Task.CompletedTask;

    /// <summary>Creates the store.</summary>
    /// <param name="options">Connection factory, dialect and table prefix.</param>
    public SqlWebhookStore(SqlWebhookStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _connectionFactory = options.ConnectionFactory ?? throw new ArgumentException("ConnectionFactory is required.", nameof(options));
        if (!System.Text.RegularExpressions.Regex.IsMatch(options.TablePrefix, "^[A-Za-z_][A-Za-z0-9_]{0,40}$"))
        {
            throw new ArgumentException("TablePrefix may hold only letters, digits and underscores.", nameof(options));
        }

        _dialect = options.Dialect;
        _endpoints = options.TablePrefix + "endpoints";
        _messages = options.TablePrefix + "messages";
        _deliveries = options.TablePrefix + "deliveries";
        _attempts = options.TablePrefix + "attempts";
        _writeGate = _dialect == WebhookSqlDialect.Sqlite ? new SemaphoreSlim(1, 1) : null;
        _claimSql = ClaimSql(ordered: false);
        _orderedClaimSql = ClaimSql(ordered: true);
        _sqliteRecordSql = $"UPDATE {_deliveries} AS d SET state = substr(v.value, 41, 11), attempt_count = substr(v.value, 52, 11), next_attempt_at = substr(v.value, 63, 20), "
            + "lease_owner = NULL, lease_until = NULL, updated_at = @now FROM json_each(@rows) AS v WHERE d.seq = substr(v.value, 1, 20) AND d.lease_token = substr(v.value, 21, 20)";

        // The delivery row names the message and endpoint (an attempt is always of its own delivery), so each row need not
        // carry them. The row's message and endpoint never change and it is never purged while pending.
        _sqliteAttemptSql = $"INSERT INTO {_attempts} (message_id, endpoint_id, attempt_number, attempted_at, outcome, status_code, duration_ms, response) "
            + "SELECT d.message_id, d.endpoint_id, substr(v.value, 21, 11), substr(v.value, 32, 20), substr(v.value, 52, 11), CASE substr(v.value, 63, 1) WHEN '1' THEN substr(v.value, 64, 11) END, "
            + $"substr(v.value, 75, 20), CASE substr(v.value, 95, 1) WHEN '1' THEN substr(v.value, 96) END FROM json_each(@rows) AS v CROSS JOIN {_deliveries} AS d ON d.seq = substr(v.value, 1, 20)";
    }

    /// <summary>Gets or sets a value indicating whether claims respect ordering keys (set from <see cref="WebhookDeliveryOptions.EnableOrdering"/>).</summary>
    internal bool Ordered { get; set; }

    /// <summary>Creates the tables and indexes when missing.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the schema exists.</returns>
    public async Task EnsureSchemaAsync(CancellationToken cancellationToken = default)
    {
        var sqlite = _dialect == WebhookSqlDialect.Sqlite;
        var identity = sqlite ? "INTEGER PRIMARY KEY AUTOINCREMENT" : "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY";
        var blob = sqlite ? "BLOB" : "BYTEA";
        var statements = new List<string>();
        if (sqlite)
        {
            // WAL lets readers (publishers listing endpoints) run beside the dispatcher's writes.
            statements.Add("PRAGMA journal_mode=WAL");
        }

        statements.AddRange(
        [
            $"CREATE TABLE IF NOT EXISTS {_endpoints} (id TEXT PRIMARY KEY, url TEXT NOT NULL, description TEXT NULL, events TEXT NOT NULL, secrets TEXT NOT NULL, enabled INTEGER NOT NULL, rate_limit INTEGER NULL, headers TEXT NOT NULL, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL, disabled_reason TEXT NULL, failing_since BIGINT NULL)",
            $"CREATE TABLE IF NOT EXISTS {_messages} (id TEXT PRIMARY KEY, event_type TEXT NOT NULL, payload {blob} NOT NULL, created_at BIGINT NOT NULL, ordering_key TEXT NULL)",
            $"CREATE TABLE IF NOT EXISTS {_deliveries} (seq {identity}, message_id TEXT NOT NULL, endpoint_id TEXT NOT NULL, state INTEGER NOT NULL, attempt_count INTEGER NOT NULL, next_attempt_at BIGINT NOT NULL, lease_owner TEXT NULL, lease_until BIGINT NULL, lease_token BIGINT NOT NULL, ordering_key TEXT NULL, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL)",

            // Partial indexes hold only the rows their queries look for: pending ones for claims and ordering, dead
            // letters for recovery. Delivered rows (nearly all of them) are in none, so marking one delivered removes
            // a single index entry instead of moving entries in two indexes that also held every delivered row.
            // The full indexes of earlier versions are dropped.
            $"DROP INDEX IF EXISTS {_deliveries}_due",
            $"DROP INDEX IF EXISTS {_deliveries}_endpoint",
            $"CREATE INDEX IF NOT EXISTS {_deliveries}_pending ON {_deliveries} (next_attempt_at) WHERE state = 0",
            $"CREATE INDEX IF NOT EXISTS {_deliveries}_ordered ON {_deliveries} (endpoint_id, ordering_key, seq) WHERE state = 0 AND ordering_key IS NOT NULL",
            $"CREATE INDEX IF NOT EXISTS {_deliveries}_failed ON {_deliveries} (endpoint_id, created_at) WHERE state = 2",

            // Written once per delivery at enqueue, never moved: lets retention find a message's remaining deliveries.
            $"CREATE INDEX IF NOT EXISTS {_deliveries}_message ON {_deliveries} (message_id)",
            $"CREATE TABLE IF NOT EXISTS {_attempts} (id {identity}, message_id TEXT NOT NULL, endpoint_id TEXT NOT NULL, attempt_number INTEGER NOT NULL, attempted_at BIGINT NOT NULL, outcome INTEGER NOT NULL, status_code INTEGER NULL, duration_ms BIGINT NOT NULL, response TEXT NULL)",
            $"CREATE INDEX IF NOT EXISTS {_attempts}_endpoint ON {_attempts} (endpoint_id, message_id)",
        ]);
        var scope = await OpenForWriteAsync(leaseBookkeeping: false, cancellationToken).ConfigureAwait(false);
        await using (scope.ConfigureAwait(false))
        {
            var connection = scope.Connection;
            foreach (var sql in statements)
            {
                await ExecuteAsync(connection, null, sql, [], cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <inheritdoc />
    public async Task EnqueueAsync(WebhookMessage message, IReadOnlyList<string> endpointIds, DbTransaction? transaction, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(endpointIds);
        if (endpointIds.Count == 0)
        {
            return;
        }

        if (transaction is not null)
        {
            await EnqueueCoreAsync(transaction.Connection ?? throw new ArgumentException("The transaction has no connection.", nameof(transaction)), transaction, message, endpointIds, cancellationToken).ConfigureAwait(false);
            return;
        }

        var scope = await OpenForWriteAsync(leaseBookkeeping: false, cancellationToken).ConfigureAwait(false);
        await using (scope.ConfigureAwait(false))
        {
            var connection = scope.Connection;
            var own = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (own.ConfigureAwait(false))
            {
                await EnqueueCoreAsync(connection, own, message, endpointIds, cancellationToken).ConfigureAwait(false);
                await own.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<WebhookDelivery>> ClaimAsync(string workerId, int maxCount, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken)
    {
        if (_writeGate is not null)
        {
            return await ClaimSqliteAsync(workerId, maxCount, now, lease, cancellationToken).ConfigureAwait(false);
        }

        var scope = await OpenForWriteAsync(leaseBookkeeping: true, cancellationToken).ConfigureAwait(false);
        await using (scope.ConfigureAwait(false))
        {
            var connection = scope.Connection;
            var claimed = new List<(long Seq, string MessageId, string EndpointId, int Attempts, long Token)>();
            using (var command = Command(connection, null, Ordered ? _orderedClaimSql : _claimSql, [("owner", workerId), ("until", (now + lease).ToUnixTimeMilliseconds()), ("now", now.ToUnixTimeMilliseconds()), ("limit", maxCount)]))
            {
                var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        claimed.Add((reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetInt32(3), reader.GetInt64(4)));
                    }
                }
            }

            if (claimed.Count == 0)
            {
                return [];
            }

            var messages = await LoadMessagesAsync(connection, claimed.Select(c => c.MessageId).Distinct(StringComparer.Ordinal).ToList(), cancellationToken).ConfigureAwait(false);
            var result = new List<WebhookDelivery>(claimed.Count);
            foreach (var c in claimed.OrderBy(c => c.Seq))
            {
                if (messages.TryGetValue(c.MessageId, out var message))
                {
                    result.Add(new WebhookDelivery(c.Seq.ToString(CultureInfo.InvariantCulture), message, c.EndpointId, c.Attempts, c.Token.ToString(CultureInfo.InvariantCulture)));
                }
            }

            return result;
        }
    }

    /// <inheritdoc />
    public async Task RecordAsync(IReadOnlyList<WebhookDeliveryResult> results, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(results);
        if (results.Count == 0)
        {
            return;
        }

        if (_writeGate is not null)
        {
            await RecordSqliteAsync(results, now, cancellationToken).ConfigureAwait(false);
            return;
        }

        var scope = await OpenForWriteAsync(leaseBookkeeping: true, cancellationToken).ConfigureAwait(false);
        await using (scope.ConfigureAwait(false))
        {
            var connection = scope.Connection;
            var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                // One multi-row statement each for the updates and the attempt log per chunk: a batch costs two statements,
                // not two per delivery, and a chunk stays far below PostgreSQL's 65,535 bind parameters however many
                // results the dispatcher hands over at once.
                for (var chunk = 0; chunk < results.Count; chunk += MaxRowsPerStatement)
                {
                    var chunkEnd = Math.Min(results.Count, chunk + MaxRowsPerStatement);
                    var update = new StringBuilder($"UPDATE {_deliveries} AS d SET state = v.column3, attempt_count = v.column4, next_attempt_at = v.column5, lease_owner = NULL, lease_until = NULL, updated_at = @now FROM (VALUES ");
                    var updateParameters = new List<(string, object?)>(1 + ((chunkEnd - chunk) * 5)) { ("now", now.ToUnixTimeMilliseconds()) };
                    var insert = new StringBuilder($"INSERT INTO {_attempts} (message_id, endpoint_id, attempt_number, attempted_at, outcome, status_code, duration_ms, response) VALUES ");
                    var insertParameters = new List<(string, object?)>((chunkEnd - chunk) * 8);
                    for (var i = chunk; i < chunkEnd; i++)
                    {
                        var result = results[i];
                        var delivery = result.Delivery;
                        var n = i.ToString(CultureInfo.InvariantCulture);
                        update.Append(i == chunk ? "(" : ", (").Append(CultureInfo.InvariantCulture, $"@s{n}, @t{n}, @st{n}, @a{n}, @n{n})");
                        updateParameters.Add(("s" + n, long.Parse(delivery.DeliveryId, CultureInfo.InvariantCulture)));
                        updateParameters.Add(("t" + n, long.Parse(delivery.LeaseToken, CultureInfo.InvariantCulture)));
                        updateParameters.Add(("st" + n, (int)result.State));
                        updateParameters.Add(("a" + n, delivery.AttemptCount + (result.Attempt is null ? 0 : 1)));
                        updateParameters.Add(("n" + n, (result.NextAttemptAt ?? now).ToUnixTimeMilliseconds()));
                        if (result.Attempt is { } a)
                        {
                            insert.Append(insertParameters.Count == 0 ? "(" : ", (").Append(CultureInfo.InvariantCulture, $"@m{n}, @e{n}, @an{n}, @at{n}, @o{n}, @c{n}, @d{n}, @r{n})");
                            insertParameters.Add(("m" + n, a.MessageId));
                            insertParameters.Add(("e" + n, a.EndpointId));
                            insertParameters.Add(("an" + n, a.AttemptNumber));
                            insertParameters.Add(("at" + n, a.AttemptedAt.ToUnixTimeMilliseconds()));
                            insertParameters.Add(("o" + n, (int)a.Outcome));
                            insertParameters.Add(("c" + n, a.StatusCode));
                            insertParameters.Add(("d" + n, (long)a.Duration.TotalMilliseconds));
                            insertParameters.Add(("r" + n, a.Response));
                        }
                    }

                    update.Append(") AS v WHERE d.seq = v.column1 AND d.lease_token = v.column2");
                    await ExecuteAsync(connection, transaction, update.ToString(), [.. updateParameters], cancellationToken).ConfigureAwait(false);
                    if (insertParameters.Count > 0)
                    {
                        await ExecuteAsync(connection, transaction, insert.ToString(), [.. insertParameters], cancellationToken).ConfigureAwait(false);
                    }
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// SQLite variant of recording: the whole group travels as two parameters, JSON arrays with one string per row that
    /// <c>json_each</c> unpacks. Microsoft.Data.Sqlite binds each named parameter through a linear name lookup, so
    /// multi-row statements with hundreds of parameters cost more in binding than in SQL; two parameters keep it linear.
    /// Each row string holds its numbers in fixed-width fields read with <c>substr</c>: SQLite 3.35's <c>json_each</c>
    /// renders a nested array back to text and every <c>json_extract</c> parses that text again, which cost more than
    /// the updates themselves.
    /// </summary>
    private async Task RecordSqliteAsync(IReadOnlyList<WebhookDeliveryResult> results, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var nowMs = now.ToUnixTimeMilliseconds();
        string updateRows;
        string? attemptRows = null;
        var rows = new RowText(results.Count * (AttemptRowFixed + 3));
        try
        {
            rows.Start();
            foreach (var result in results)
            {
                var delivery = result.Delivery;
                var row = rows.StartRow(UpdateRowLength);
                PutLong(row, 0, long.Parse(delivery.DeliveryId, CultureInfo.InvariantCulture));
                PutLong(row, LongField, long.Parse(delivery.LeaseToken, CultureInfo.InvariantCulture));
                PutInt(row, 2 * LongField, (int)result.State);
                PutInt(row, (2 * LongField) + IntField, delivery.AttemptCount + (result.Attempt is null ? 0 : 1));
                PutLong(row, (2 * LongField) + (2 * IntField), (result.NextAttemptAt ?? now).ToUnixTimeMilliseconds());
                rows.EndRow(UpdateRowLength);
            }

            updateRows = rows.Finish();
            rows.Start();
            foreach (var result in results)
            {
                if (result.Attempt is not { } attempt)
                {
                    continue;
                }

                // Escaped as a JSON string; the fixed part is digits only.
                var response = attempt.Response is null ? default : JsonEncodedText.Encode(attempt.Response).Value.AsSpan();
                var row = rows.StartRow(AttemptRowFixed + response.Length);
                PutLong(row, 0, long.Parse(result.Delivery.DeliveryId, CultureInfo.InvariantCulture));
                PutInt(row, LongField, attempt.AttemptNumber);
                PutLong(row, LongField + IntField, attempt.AttemptedAt.ToUnixTimeMilliseconds());
                PutInt(row, (2 * LongField) + IntField, (int)attempt.Outcome);
                row[(2 * LongField) + (2 * IntField)] = attempt.StatusCode is null ? '0' : '1';
                PutInt(row, (2 * LongField) + (2 * IntField) + 1, attempt.StatusCode ?? 0);
                PutLong(row, (2 * LongField) + (3 * IntField) + 1, (long)attempt.Duration.TotalMilliseconds);
                row[AttemptRowFixed - 1] = attempt.Response is null ? '0' : '1';
                response.CopyTo(row[AttemptRowFixed..]);
                rows.EndRow(AttemptRowFixed + response.Length);
            }

            attemptRows = rows.Empty ? null : rows.Finish();
        }
        finally
        {
            rows.Dispose();
        }

        await _writeGate!.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var connection = await BookkeepingConnectionAsync(cancellationToken).ConfigureAwait(false);
            var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                var update = Prepared(ref _recordCommand, connection, _sqliteRecordSql, "now", "rows");
                update.Transaction = transaction;
                update.Parameters[0].Value = nowMs;
                update.Parameters[1].Value = updateRows;
                await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                if (attemptRows is not null)
                {
                    var insert = Prepared(ref _attemptCommand, connection, _sqliteAttemptSql, "rows");
                    insert.Transaction = transaction;
                    insert.Parameters[0].Value = attemptRows;
                    await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }

            CheckpointInBackground();
        }
        catch
        {
            await ResetBookkeepingAsync().ConfigureAwait(false);
            throw;
        }
        finally
        {
            _writeGate.Release();
        }
    }

    /// <summary>Writes a long at <paramref name="at"/>: a zero or minus sign, then 19 digits.</summary>
    private static void PutLong(Span<char> row, int at, long value) => PutNumber(row.Slice(at, LongField), value, "D19");

    /// <summary>Writes an int at <paramref name="at"/>: a zero or minus sign, then 10 digits.</summary>
    private static void PutInt(Span<char> row, int at, int value) => PutNumber(row.Slice(at, IntField), value, "D10");

    private static void PutNumber(Span<char> field, long value, string format)
    {
        if (value >= 0)
        {
            field[0] = '0';
            field = field[1..];
        }

        value.TryFormat(field, out _, format, CultureInfo.InvariantCulture);
    }

    /// <summary>A JSON array of row strings, written into one pooled buffer.</summary>
    private struct RowText(int capacity) : IDisposable
    {
        private char[] _buffer = ArrayPool<char>.Shared.Rent(Math.Max(capacity, 64));
        private int _length;

        public readonly bool Empty => _length <= 1;

        public void Start()
        {
            _buffer[0] = '[';
            _length = 1;
        }

        /// <summary>Returns room for a row of up to <paramref name="length"/> characters, opened with its quote.</summary>
        public Span<char> StartRow(int length)
        {
            if (_buffer.Length < _length + length + 4)
            {
                var larger = ArrayPool<char>.Shared.Rent(Math.Max(_buffer.Length * 2, _length + length + 4));
                _buffer.AsSpan(0, _length).CopyTo(larger);
                ArrayPool<char>.Shared.Return(_buffer);
                _buffer = larger;
            }

            if (_length > 1)
            {
                _buffer[_length++] = ',';
            }

            _buffer[_length++] = '"';
            return _buffer.AsSpan(_length, length);
        }

        public void EndRow(int length)
        {
            _length += length;
            _buffer[_length++] = '"';
        }

        public readonly string Finish()
        {
            _buffer[_length] = ']';
            return new string(_buffer, 0, _length + 1);
        }

        public readonly void Dispose() => ArrayPool<char>.Shared.Return(_buffer);
    }

    private async Task<IReadOnlyList<WebhookDelivery>> ClaimSqliteAsync(string workerId, int maxCount, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken)
    {
        var claimed = new List<(long Seq, string MessageId, string EndpointId, int Attempts, long Token)>(maxCount);
        Dictionary<string, WebhookMessage> messages;
        await _writeGate!.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var connection = await BookkeepingConnectionAsync(cancellationToken).ConfigureAwait(false);
            var claim = Prepared(ref _claimCommand, connection, Ordered ? _orderedClaimSql : _claimSql, "owner", "until", "now", "limit");
            claim.Parameters[0].Value = workerId;
            claim.Parameters[1].Value = (now + lease).ToUnixTimeMilliseconds();
            claim.Parameters[2].Value = now.ToUnixTimeMilliseconds();
            claim.Parameters[3].Value = maxCount;
            var reader = await claim.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    claimed.Add((reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetInt32(3), reader.GetInt64(4)));
                }
            }

            if (claimed.Count == 0)
            {
                return [];
            }

            CheckpointInBackground();
            var ids = new HashSet<string>(claimed.Count, StringComparer.Ordinal);
            foreach (var c in claimed)
            {
                ids.Add(c.MessageId);
            }

            var load = Prepared(ref _loadCommand, connection, $"SELECT id, event_type, payload, created_at, ordering_key FROM {_messages} WHERE id IN (SELECT value FROM json_each(@ids))", "ids");
            load.Parameters[0].Value = JsonSerializer.Serialize(ids);
            messages = await ReadMessagesAsync(load, ids.Count, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await ResetBookkeepingAsync().ConfigureAwait(false);
            throw;
        }
        finally
        {
            _writeGate.Release();
        }

        claimed.Sort(static (x, y) => x.Seq.CompareTo(y.Seq));
        var result = new List<WebhookDelivery>(claimed.Count);
        foreach (var c in claimed)
        {
            if (messages.TryGetValue(c.MessageId, out var message))
            {
                result.Add(new WebhookDelivery(c.Seq.ToString(CultureInfo.InvariantCulture), message, c.EndpointId, c.Attempts, c.Token.ToString(CultureInfo.InvariantCulture)));
            }
        }

        return result;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_writeGate is null)
        {
            return;
        }

        await _writeGate.WaitAsync().ConfigureAwait(false);
        try
        {
            _disposed = true;
            await ResetBookkeepingAsync().ConfigureAwait(false);
        }
        finally
        {
            _writeGate.Release();
        }

        await _checkpoint.ConfigureAwait(false);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_writeGate is null)
        {
            return;
        }

        _writeGate.Wait();
        try
        {
            _disposed = true;
            foreach (var command in (DbCommand?[])[_claimCommand, _loadCommand, _recordCommand, _attemptCommand])
            {
                command?.Dispose();
            }

            _claimCommand = _loadCommand = _recordCommand = _attemptCommand = null;
            if (_bookkeeping is { } connection)
            {
                RestorePooledPragmas(connection);
                connection.Dispose();
            }

            _bookkeeping = null;
        }
        finally
        {
            _writeGate.Release();
        }
    }

    /// <summary>
    /// Every <see cref="CheckpointEveryCommits"/> claims and results (about SQLite's default of 1000 WAL pages), copies
    /// the WAL back into the database on a separate connection. A passive checkpoint neither waits for nor blocks the
    /// writers, so its fsyncs stay off the dispatcher's path. Called under the write gate.
    /// </summary>
    private void CheckpointInBackground()
    {
        if (++_commitsSinceCheckpoint < CheckpointEveryCommits || !_checkpoint.IsCompleted)
        {
            return;
        }

        _commitsSinceCheckpoint = 0;
        _checkpoint = Task.Run(async () =>
        {
            try
            {
                var connection = await OpenAsync(CancellationToken.None).ConfigureAwait(false);
                await using (connection.ConfigureAwait(false))
                {
                    await ExecuteAsync(connection, null, "PRAGMA wal_checkpoint(PASSIVE)", [], CancellationToken.None).ConfigureAwait(false);
                }
            }
#pragma warning disable CA1031 // A failed checkpoint only leaves the WAL longer; the next one copies it all.
            catch (Exception)
#pragma warning restore CA1031
            {
                _commitsSinceCheckpoint = CheckpointEveryCommits;
            }
        });
    }

    private async Task<DbConnection> BookkeepingConnectionAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_bookkeeping is { } open)
        {
            return open;
        }

        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _pooledPragmas = (PragmaValue(connection, "synchronous"), PragmaValue(connection, "wal_autocheckpoint"));

            // If the OS loses a claim or a result, the lease simply expires and the delivery is sent again (a
            // duplicate, never a loss), so this connection may skip the WAL fsync. Enqueues stay FULL on their own.
            await ExecuteAsync(connection, null, "PRAGMA synchronous = NORMAL", [], cancellationToken).ConfigureAwait(false);

            // An automatic checkpoint runs inside the commit that crosses the threshold, with its fsyncs, and would stall
            // the dispatcher there; this connection leaves checkpoints to CheckpointInBackground instead.
            await ExecuteAsync(connection, null, "PRAGMA wal_autocheckpoint = 0", [], cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        _bookkeeping = connection;
        return connection;
    }

    // After any failure the connection and its statements are dropped: the next claim opens a fresh one.
    private async Task ResetBookkeepingAsync()
    {
        foreach (var command in (DbCommand?[])[_claimCommand, _loadCommand, _recordCommand, _attemptCommand])
        {
            if (command is not null)
            {
                await command.DisposeAsync().ConfigureAwait(false);
            }
        }

        _claimCommand = _loadCommand = _recordCommand = _attemptCommand = null;
        if (_bookkeeping is { } connection)
        {
            _bookkeeping = null;
            RestorePooledPragmas(connection);
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    private void RestorePooledPragmas(DbConnection connection)
    {
        if (_pooledPragmas is not { } pragmas || connection.State != ConnectionState.Open)
        {
            return;
        }

        _pooledPragmas = null;
        try
        {
            ExecutePragma(connection, FormattableString.Invariant($"PRAGMA synchronous = {pragmas.Synchronous}"));
            ExecutePragma(connection, FormattableString.Invariant($"PRAGMA wal_autocheckpoint = {pragmas.AutoCheckpoint}"));
        }
#pragma warning disable CA1031 // A connection that cannot take a PRAGMA is broken; disposing it is all that is left.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA2100:Review SQL queries for security vulnerabilities", Justification = "Fixed PRAGMA names and integers read from SQLite itself.")]
    private static void ExecutePragma(DbConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA2100:Review SQL queries for security vulnerabilities", Justification = "Fixed PRAGMA names.")]
    private static long PragmaValue(DbConnection connection, string name)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA " + name;
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA2100:Review SQL queries for security vulnerabilities", Justification = "Table names are validated identifiers; every value is a parameter.")]
    private static DbCommand Prepared(ref DbCommand? slot, DbConnection connection, string sql, params string[] names)
    {
        if (slot is { } cached)
        {
            if (cached.CommandText == sql)
            {
                cached.Transaction = null;
                return cached;
            }

            cached.Dispose();
        }

        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var name in names)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = "@" + name;
            command.Parameters.Add(parameter);
        }

        slot = command;
        return command;
    }

    /// <summary>
    /// Deletes delivered deliveries last updated before <paramref name="before"/>, then the attempts and messages no
    /// delivery refers to any more that are older than that. Pending deliveries and dead letters stay, with their
    /// messages and attempts. Works in batches, each its own short transaction, so dispatchers are not held up.
    /// </summary>
    /// <param name="before">The cutoff.</param>
    /// <param name="cancellationToken">Cancels between batches.</param>
    /// <returns>How many deliveries, attempts and messages were deleted.</returns>
    public async Task<(int Deliveries, int Attempts, int Messages)> PurgeAsync(DateTimeOffset before, CancellationToken cancellationToken = default)
    {
        const int Batch = 1000;
        var cutoff = before.ToUnixTimeMilliseconds();
        string[] statements =
        [
            $"DELETE FROM {_deliveries} WHERE seq IN (SELECT seq FROM {_deliveries} WHERE state = 1 AND updated_at < @cutoff LIMIT @batch)",
            $"DELETE FROM {_attempts} WHERE id IN (SELECT a.id FROM {_attempts} a WHERE a.attempted_at < @cutoff AND NOT EXISTS (SELECT 1 FROM {_deliveries} d WHERE d.message_id = a.message_id AND d.endpoint_id = a.endpoint_id) LIMIT @batch)",
            $"DELETE FROM {_messages} WHERE id IN (SELECT m.id FROM {_messages} m WHERE m.created_at < @cutoff AND NOT EXISTS (SELECT 1 FROM {_deliveries} d WHERE d.message_id = m.id) LIMIT @batch)",
        ];
        var counts = new int[statements.Length];
        for (var i = 0; i < statements.Length; i++)
        {
            int deleted;
            do
            {
                cancellationToken.ThrowIfCancellationRequested();
                var scope = await OpenForWriteAsync(leaseBookkeeping: false, cancellationToken).ConfigureAwait(false);
                await using (scope.ConfigureAwait(false))
                {
                    deleted = await ExecuteAsync(scope.Connection, null, statements[i], [("cutoff", cutoff), ("batch", Batch)], cancellationToken).ConfigureAwait(false);
                }

                counts[i] += deleted;
            }
            while (deleted == Batch);
        }

        return (counts[0], counts[1], counts[2]);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<WebhookAttempt>> ListAttemptsAsync(string endpointId, string? messageId, int limit, CancellationToken cancellationToken)
    {
        var sql = $"SELECT message_id, endpoint_id, attempt_number, attempted_at, outcome, status_code, duration_ms, response FROM {_attempts} WHERE endpoint_id = @endpoint"
            + (messageId is null ? string.Empty : " AND message_id = @message") + " ORDER BY id DESC LIMIT @limit";
        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = Command(connection, null, sql, [("endpoint", endpointId), ("message", messageId), ("limit", limit)]);
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                var list = new List<WebhookAttempt>();
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    list.Add(new WebhookAttempt(
                        reader.GetString(0), reader.GetString(1), reader.GetInt32(2), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3)),
                        (WebhookAttemptOutcome)reader.GetInt32(4), reader.IsDBNull(5) ? null : reader.GetInt32(5), TimeSpan.FromMilliseconds(reader.GetInt64(6)),
                        reader.IsDBNull(7) ? null : reader.GetString(7)));
                }

                return list;
            }
        }
    }

    /// <inheritdoc />
    public async Task<bool> RedeliverAsync(string endpointId, string messageId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var sql = $"INSERT INTO {_deliveries} (message_id, endpoint_id, state, attempt_count, next_attempt_at, lease_token, ordering_key, created_at, updated_at) SELECT id, @endpoint, 0, 0, @now, 0, ordering_key, @now, @now FROM {_messages} WHERE id = @message";
        var scope = await OpenForWriteAsync(leaseBookkeeping: false, cancellationToken).ConfigureAwait(false);
        await using (scope.ConfigureAwait(false))
        {
            var connection = scope.Connection;
            return await ExecuteAsync(connection, null, sql, [("endpoint", endpointId), ("now", now.ToUnixTimeMilliseconds()), ("message", messageId)], cancellationToken).ConfigureAwait(false) > 0;
        }
    }

    /// <inheritdoc />
    public async Task<int> RecoverAsync(string endpointId, DateTimeOffset since, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var sql = $"UPDATE {_deliveries} SET state = 0, attempt_count = 0, next_attempt_at = @now, updated_at = @now WHERE endpoint_id = @endpoint AND state = 2 AND created_at >= @since";
        var scope = await OpenForWriteAsync(leaseBookkeeping: false, cancellationToken).ConfigureAwait(false);
        await using (scope.ConfigureAwait(false))
        {
            var connection = scope.Connection;
            return await ExecuteAsync(connection, null, sql, [("endpoint", endpointId), ("now", now.ToUnixTimeMilliseconds()), ("since", since.ToUnixTimeMilliseconds())], cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async Task CreateAsync(WebhookEndpoint endpoint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        var sql = $"INSERT INTO {_endpoints} (id, url, description, events, secrets, enabled, rate_limit, headers, created_at, updated_at, disabled_reason, failing_since) VALUES (@id, @url, @description, @events, @secrets, @enabled, @rate, @headers, @created, @updated, @reason, @failing)";
        var scope = await OpenForWriteAsync(leaseBookkeeping: false, cancellationToken).ConfigureAwait(false);
        await using (scope.ConfigureAwait(false))
        {
            var connection = scope.Connection;
            await ExecuteAsync(connection, null, sql, EndpointParameters(endpoint), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async Task<WebhookEndpoint?> GetAsync(string id, CancellationToken cancellationToken)
    {
        var list = await QueryEndpointsAsync(" WHERE id = @id", [("id", id)], cancellationToken).ConfigureAwait(false);
        return list.Count == 0 ? null : list[0];
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<WebhookEndpoint>> ListAsync(CancellationToken cancellationToken) =>
        QueryEndpointsAsync(" ORDER BY created_at, id", [], cancellationToken);

    /// <inheritdoc />
    public async Task<bool> UpdateAsync(WebhookEndpoint endpoint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        var sql = $"UPDATE {_endpoints} SET url = @url, description = @description, events = @events, secrets = @secrets, enabled = @enabled, rate_limit = @rate, headers = @headers, created_at = @created, updated_at = @updated, disabled_reason = @reason, failing_since = @failing WHERE id = @id";
        var scope = await OpenForWriteAsync(leaseBookkeeping: false, cancellationToken).ConfigureAwait(false);
        await using (scope.ConfigureAwait(false))
        {
            var connection = scope.Connection;
            return await ExecuteAsync(connection, null, sql, EndpointParameters(endpoint), cancellationToken).ConfigureAwait(false) > 0;
        }
    }

    /// <inheritdoc />
    public async Task<bool> DeleteAsync(string id, CancellationToken cancellationToken)
    {
        var scope = await OpenForWriteAsync(leaseBookkeeping: false, cancellationToken).ConfigureAwait(false);
        await using (scope.ConfigureAwait(false))
        {
            var connection = scope.Connection;
            return await ExecuteAsync(connection, null, $"DELETE FROM {_endpoints} WHERE id = @id", [("id", id)], cancellationToken).ConfigureAwait(false) > 0;
        }
    }

    private static (string, object?)[] EndpointParameters(WebhookEndpoint e) =>
    [
        ("id", e.Id), ("url", e.Url), ("description", e.Description), ("events", JsonSerializer.Serialize(e.Events)),
        ("secrets", JsonSerializer.Serialize(e.Secrets.Select(s => new StoredSecret(s.Secret, s.ExpiresAt?.ToUnixTimeMilliseconds())))),
        ("enabled", e.Enabled ? 1 : 0), ("rate", e.RateLimitPerSecond), ("headers", JsonSerializer.Serialize(e.Headers)),
        ("created", e.CreatedAt.ToUnixTimeMilliseconds()), ("updated", e.UpdatedAt.ToUnixTimeMilliseconds()), ("reason", e.DisabledReason),
        ("failing", e.FailingSince?.ToUnixTimeMilliseconds()),
    ];

    private async Task<IReadOnlyList<WebhookEndpoint>> QueryEndpointsAsync(string where, (string, object?)[] parameters, CancellationToken cancellationToken)
    {
        var sql = $"SELECT id, url, description, events, secrets, enabled, rate_limit, headers, created_at, updated_at, disabled_reason, failing_since FROM {_endpoints}" + where;
        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = Command(connection, null, sql, parameters);
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                var list = new List<WebhookEndpoint>();
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    list.Add(new WebhookEndpoint
                    {
                        Id = reader.GetString(0),
                        Url = reader.GetString(1),
                        Description = reader.IsDBNull(2) ? null : reader.GetString(2),
                        Events = JsonSerializer.Deserialize<string[]>(reader.GetString(3)) ?? [],
                        Secrets = [.. (JsonSerializer.Deserialize<StoredSecret[]>(reader.GetString(4)) ?? []).Select(s => new WebhookEndpointSecret(s.Secret, s.ExpiresAt is { } x ? DateTimeOffset.FromUnixTimeMilliseconds(x) : null))],
                        Enabled = reader.GetInt32(5) != 0,
                        RateLimitPerSecond = reader.IsDBNull(6) ? null : reader.GetInt32(6),
                        Headers = JsonSerializer.Deserialize<Dictionary<string, string>>(reader.GetString(7)) ?? [],
                        CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(8)),
                        UpdatedAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(9)),
                        DisabledReason = reader.IsDBNull(10) ? null : reader.GetString(10),
                        FailingSince = reader.IsDBNull(11) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(11)),
                    });
                }

                return list;
            }
        }
    }

    private async Task EnqueueCoreAsync(DbConnection connection, DbTransaction transaction, WebhookMessage message, IReadOnlyList<string> endpointIds, CancellationToken cancellationToken)
    {
        var created = message.CreatedAt.ToUnixTimeMilliseconds();
        await ExecuteAsync(connection, transaction, $"INSERT INTO {_messages} (id, event_type, payload, created_at, ordering_key) VALUES (@id, @type, @payload, @created, @key)",
            [("id", message.Id), ("type", message.EventType), ("payload", message.Payload.ToArray()), ("created", created), ("key", message.OrderingKey)], cancellationToken).ConfigureAwait(false);
        var sql = new StringBuilder($"INSERT INTO {_deliveries} (message_id, endpoint_id, state, attempt_count, next_attempt_at, lease_token, ordering_key, created_at, updated_at) VALUES ");
        var parameters = new List<(string, object?)> { ("message", message.Id), ("created", created), ("key", message.OrderingKey) };
        for (var i = 0; i < endpointIds.Count; i++)
        {
            sql.Append(i == 0 ? string.Empty : ", ").Append(CultureInfo.InvariantCulture, $"(@message, @e{i}, 0, 0, @created, 0, @key, @created, @created)");
            parameters.Add(("e" + i.ToString(CultureInfo.InvariantCulture), endpointIds[i]));
        }

        await ExecuteAsync(connection, transaction, sql.ToString(), [.. parameters], cancellationToken).ConfigureAwait(false);
    }

    private async Task<Dictionary<string, WebhookMessage>> LoadMessagesAsync(DbConnection connection, List<string> ids, CancellationToken cancellationToken)
    {
        string sql;
        (string, object?)[] parameters;
        if (_dialect == WebhookSqlDialect.Sqlite)
        {
            // One JSON parameter instead of one per id: see RecordSqliteAsync for why parameter count matters here.
            sql = $"SELECT id, event_type, payload, created_at, ordering_key FROM {_messages} WHERE id IN (SELECT value FROM json_each(@ids))";
            parameters = [("ids", JsonSerializer.Serialize(ids))];
        }
        else
        {
            var names = string.Join(", ", ids.Select((_, i) => "@m" + i.ToString(CultureInfo.InvariantCulture)));
            sql = $"SELECT id, event_type, payload, created_at, ordering_key FROM {_messages} WHERE id IN ({names})";
            parameters = ids.Select((id, i) => ("m" + i.ToString(CultureInfo.InvariantCulture), (object?)id)).ToArray();
        }

        using var command = Command(connection, null, sql, parameters);
        return await ReadMessagesAsync(command, ids.Count, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<Dictionary<string, WebhookMessage>> ReadMessagesAsync(DbCommand command, int count, CancellationToken cancellationToken)
    {
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            var map = new Dictionary<string, WebhookMessage>(count, StringComparer.Ordinal);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var id = reader.GetString(0);
                map[id] = new WebhookMessage(id, reader.GetString(1), (byte[])reader.GetValue(2), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3)), reader.IsDBNull(4) ? null : reader.GetString(4));
            }

            return map;
        }
    }

    private string ClaimSql(bool ordered)
    {
        var order = ordered
            ? $" AND (d.ordering_key IS NULL OR NOT EXISTS (SELECT 1 FROM {_deliveries} p WHERE p.endpoint_id = d.endpoint_id AND p.ordering_key = d.ordering_key AND p.state = 0 AND p.seq < d.seq))"
            : string.Empty;
        // A claim also moves next_attempt_at to the lease's end, so leased deliveries leave the due range of the
        // (state, next_attempt_at) index: claims skip them without visiting their rows, and a crashed worker's
        // deliveries come due again exactly when their leases expire.
        const string Due = "d.state = 0 AND d.next_attempt_at <= @now AND (d.lease_until IS NULL OR d.lease_until <= @now)";
        if (_dialect == WebhookSqlDialect.PostgreSql)
        {
            // A materialized CTE runs the SKIP LOCKED pick exactly once; as an IN (subquery) PostgreSQL may rescan
            // it, and every rescan skips to other rows, so one claim could take more than its limit.
            return $"WITH picked AS MATERIALIZED (SELECT d.seq FROM {_deliveries} d WHERE {Due}{order} ORDER BY d.next_attempt_at, d.seq LIMIT @limit FOR UPDATE SKIP LOCKED) "
                + $"UPDATE {_deliveries} AS u SET lease_owner = @owner, lease_until = @until, next_attempt_at = @until, lease_token = u.lease_token + 1 FROM picked WHERE u.seq = picked.seq "
                + "RETURNING u.seq, u.message_id, u.endpoint_id, u.attempt_count, u.lease_token";
        }

        // SQLite has a single writer, so the pick and the update cannot interleave with another claim.
        return $"UPDATE {_deliveries} SET lease_owner = @owner, lease_until = @until, next_attempt_at = @until, lease_token = lease_token + 1 "
            + $"WHERE seq IN (SELECT d.seq FROM {_deliveries} d WHERE {Due}{order} ORDER BY d.next_attempt_at, d.seq LIMIT @limit) "
            + "RETURNING seq, message_id, endpoint_id, attempt_count, lease_token";
    }

    private async Task<WriteScope> OpenForWriteAsync(bool leaseBookkeeping, CancellationToken cancellationToken)
    {
        if (_writeGate is null)
        {
            return new WriteScope(await OpenAsync(cancellationToken).ConfigureAwait(false), null);
        }

        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);

            // Claims and results may skip the WAL fsync: if the OS loses one, the lease simply expires and the
            // delivery is sent again (a duplicate, never a loss). Everything else, enqueues included, stays FULL.
            // Pooled connections keep the setting, so every write states its own.
            await ExecuteAsync(connection, null, leaseBookkeeping ? "PRAGMA synchronous = NORMAL" : "PRAGMA synchronous = FULL", [], cancellationToken).ConfigureAwait(false);
            return new WriteScope(connection, _writeGate);
        }
        catch
        {
            _writeGate?.Release();
            throw;
        }
    }

    private async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = _connectionFactory();
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static async Task<int> ExecuteAsync(DbConnection connection, DbTransaction? transaction, string sql, (string Name, object? Value)[] parameters, CancellationToken cancellationToken)
    {
        using var command = Command(connection, transaction, sql, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA2100:Review SQL queries for security vulnerabilities", Justification = "Table names are validated identifiers; every value is a parameter.")]
    private static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql, (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = "@" + name;
            parameter.Value = value ?? DBNull.Value;

            // A null keeps the provider's untyped default so PostgreSQL infers the column's type.
            if (value is not null)
            {
                parameter.DbType = value switch
                {
                    long => DbType.Int64,
                    int => DbType.Int32,
                    byte[] => DbType.Binary,
                    _ => DbType.String,
                };
            }
            command.Parameters.Add(parameter);
        }

        return command;
    }

    private sealed record StoredSecret(string Secret, long? ExpiresAt);

    private sealed class WriteScope(DbConnection connection, SemaphoreSlim? gate) : IAsyncDisposable
    {
        public DbConnection Connection { get; } = connection;

        public async ValueTask DisposeAsync()
        {
            try
            {
                await Connection.DisposeAsync().ConfigureAwait(false);
            }
            finally
            {
                gate?.Release();
            }
        }
    }
}
