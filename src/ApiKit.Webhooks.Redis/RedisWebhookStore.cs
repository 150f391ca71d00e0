using System.Buffers.Binary;
using System.Data.Common;
using System.Globalization;
using System.Text;
using System.Text.Json;
using StackExchange.Redis;

namespace ApiKit.Webhooks.Redis;

/// <summary>
/// Deliveries as entries of a Redis stream read by one consumer group: each dispatcher is a consumer,
/// an entry it read is its lease, and entries whose consumer stopped acknowledging are taken over with
/// <c>XAUTOCLAIM</c> once idle longer than the lease. Retries wait in a sorted set, dead letters in a hash per endpoint.
/// </summary>
/// <remarks>
/// Redis cannot join a SQL transaction: publish after your commit, or use the SQL outbox. Ordering keys are not
/// honoured by this store. Leases are measured by the Redis server's clock.
/// </remarks>
public sealed class RedisWebhookStore : IWebhookDeliveryStore, IWebhookEndpointStore, IAsyncDisposable
{
    private const string EnqueueScript = """
        redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
        for i = 3, #ARGV - 1 do
          redis.call('XADD', KEYS[1], '*', 'm', ARGV[1], 'e', ARGV[i], 'a', '0', 'c', ARGV[#ARGV])
        end
        return 1
        """;

    // The first step of a claim: due retries move into the stream and entries idle past the lease are taken over, each
    // coming back with its stored message. Fresh entries are read outside Lua (see ClaimAsync).
    // KEYS = stream, retry, messages; ARGV = group, consumer, now, count, lease in ms.
    // Returns id, message id, endpoint id, attempts, stored message per delivery.
    private const string ClaimScript = """
        local want = tonumber(ARGV[4])
        local due = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[3], 'LIMIT', 0, want)
        for _, member in ipairs(due) do
          local m, e, a, c = string.match(member, '^([^|]*)|([^|]*)|([^|]*)|([^|]*)|')
          redis.call('XADD', KEYS[1], '*', 'm', m, 'e', e, 'a', a, 'c', c)
          redis.call('ZREM', KEYS[2], member)
        end
        local out = {}
        local function take(entries)
          for _, entry in ipairs(entries) do
            -- Every writer adds the fields in the order m, e, a, c.
            local fields = entry[2]
            if fields then
              local stored = redis.call('HGET', KEYS[3], fields[2])
              if stored then
                out[#out + 1] = entry[1]
                out[#out + 1] = fields[2]
                out[#out + 1] = fields[4]
                out[#out + 1] = fields[6]
                out[#out + 1] = stored
                want = want - 1
              else
                -- The message was removed: nothing can be sent, so the entry is dropped.
                redis.call('XACK', KEYS[1], ARGV[1], entry[1])
                redis.call('XDEL', KEYS[1], entry[1])
              end
            end
          end
        end
        take(redis.call('XAUTOCLAIM', KEYS[1], ARGV[1], ARGV[2], ARGV[5], '0-0', 'COUNT', want)[2])
        return out
        """;

    // One call records a whole batch: KEYS = stream, retry, then dead and attempts keys per result;
    // ARGV = group, log length, consumer, lowest and highest entry id, how many pending entries to list, then 8 values
    // per result (all of one consumer). One XPENDING lists which of the batch's entries the consumer still holds (a
    // result whose entry was taken over is dropped); if the list was cut short, the entries not on it are checked one
    // by one. Those held are acknowledged with one XACK, and each endpoint's log gets one LPUSH and one LTRIM.
    // Acknowledged entries are not deleted one by one (XDEL rewrites a stream node per entry); instead the stream is
    // trimmed below the oldest entry still in use, the oldest pending one or the first not yet read by the group,
    // which frees whole nodes at once. Retries live in the sorted set, so nothing below that point is needed again.
    private const string RecordScript = """
        local held = {}
        local listed = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[4], ARGV[5], tonumber(ARGV[6]), ARGV[3])
        for _, p in ipairs(listed) do
          held[p[1]] = true
        end
        local complete = #listed < tonumber(ARGV[6])
        local owned, logs, order = {}, {}, {}
        for r = 0, (#ARGV - 6) / 8 - 1 do
          local a = 6 + r * 8
          local dead, log = KEYS[3 + r * 2], KEYS[4 + r * 2]
          if ARGV[a + 8] ~= '' then
            if not logs[log] then
              logs[log] = {}
              order[#order + 1] = log
            end
            table.insert(logs[log], ARGV[a + 8])
          end
          if not held[ARGV[a + 1]] and not complete then
            held[ARGV[a + 1]] = #redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[a + 1], ARGV[a + 1], 1, ARGV[3]) > 0
          end
          if held[ARGV[a + 1]] then
            held[ARGV[a + 1]] = nil
            owned[#owned + 1] = ARGV[a + 1]
            if ARGV[a + 3] == '0' then
              redis.call('ZADD', KEYS[2], ARGV[a + 4], ARGV[a + 5])
            elseif ARGV[a + 3] == '2' then
              redis.call('HSET', dead, ARGV[a + 6], ARGV[a + 7])
            end
          end
        end
        for i = 1, #owned, 1000 do
          redis.call('XACK', KEYS[1], ARGV[1], unpack(owned, i, math.min(i + 999, #owned)))
        end
        if #owned > 0 then
          -- Only when the dispatchers' group is the stream's only reader: another group may still need the entries.
          local keep
          local groups = redis.call('XINFO', 'GROUPS', KEYS[1])
          if #groups == 1 then
            for i = 1, #groups[1], 2 do
              if groups[1][i] == 'last-delivered-id' then
                local ms, seq = string.match(groups[1][i + 1], '^(%d+)-(%d+)$')
                keep = ms .. '-' .. string.format('%.0f', tonumber(seq) + 1)
              end
            end
          end
          local summary = redis.call('XPENDING', KEYS[1], ARGV[1])
          if keep and summary[1] > 0 then
            keep = summary[2]
          end
          if keep then
            redis.call('XTRIM', KEYS[1], 'MINID', '~', keep)
          end
        end
        for _, log in ipairs(order) do
          local entries = logs[log]
          for i = 1, #entries, 1000 do
            redis.call('LPUSH', log, unpack(entries, i, math.min(i + 999, #entries)))
          end
          redis.call('LTRIM', log, 0, tonumber(ARGV[2]) - 1)
        end
        return #owned
        """;

    private const string RecoverScript = """
        local all = redis.call('HGETALL', KEYS[2])
        local count = 0
        for i = 1, #all, 2 do
          local m, e, c = string.match(all[i + 1], '^([^|]*)|([^|]*)|([^|]*)$')
          if tonumber(c) >= tonumber(ARGV[1]) then
            redis.call('XADD', KEYS[1], '*', 'm', m, 'e', e, 'a', '0', 'c', c)
            redis.call('HDEL', KEYS[2], all[i])
            count = count + 1
          end
        end
        return count
        """;

    private const string UpdateScript = """
        if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return 0 end
        redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
        return 1
        """;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly RedisWebhookStoreOptions _options;
    private readonly SemaphoreSlim _connectGate = new(1, 1);
    private readonly string _prefix;
    private readonly RedisKey _stream;
    private readonly RedisKey _retry;
    private readonly RedisKey _messages;
    private readonly RedisKey _endpoints;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (RedisKey Dead, RedisKey Attempts)> _endpointKeys = new(StringComparer.Ordinal);
    private IConnectionMultiplexer? _connection;
    private bool _ownsConnection;
    private bool _groupReady;

    /// <summary>Creates the store; it connects on first use.</summary>
    /// <param name="options">Connection and key settings.</param>
    public RedisWebhookStore(RedisWebhookStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Connection is null && string.IsNullOrWhiteSpace(options.Configuration))
        {
            throw new ArgumentException("Set Connection or Configuration.", nameof(options));
        }

        _options = options;
        _connection = options.Connection;
        _prefix = "{" + options.KeyPrefix + "}";
        _stream = _prefix + ":stream";
        _retry = _prefix + ":retry";
        _messages = _prefix + ":messages";
        _endpoints = _prefix + ":endpoints";
    }

    /// <inheritdoc />
    public async Task EnqueueAsync(WebhookMessage message, IReadOnlyList<string> endpointIds, DbTransaction? transaction, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(endpointIds);
        if (transaction is not null)
        {
            throw new NotSupportedException("Redis cannot join a database transaction: publish after the commit, or use the SQL outbox.");
        }

        if (endpointIds.Count == 0)
        {
            return;
        }

        var db = await DatabaseAsync().ConfigureAwait(false);
        var stored = StoredMessage.Encode(message);
        var args = new List<RedisValue>(endpointIds.Count + 3) { message.Id, stored };
        args.AddRange(endpointIds.Select(e => (RedisValue)e));
        args.Add(message.CreatedAt.ToUnixTimeMilliseconds());
        await db.ScriptEvaluateAsync(EnqueueScript, [_stream, _messages], [.. args]).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<WebhookDelivery>> ClaimAsync(string workerId, int maxCount, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(workerId);
        var db = await DatabaseAsync().ConfigureAwait(false);
        var result = await db.ScriptEvaluateAsync(
            ClaimScript,
            [_stream, _retry, _messages],
            [_options.GroupName, workerId, now.ToUnixTimeMilliseconds(), maxCount, (long)lease.TotalMilliseconds]).ConfigureAwait(false);
        var deliveries = new List<WebhookDelivery>(maxCount);
        var messages = new Dictionary<string, WebhookMessage>(StringComparer.Ordinal);
        if (!result.IsNull)
        {
            var values = (RedisResult[])result!;
            for (var i = 0; i + 4 < values.Length; i += 5)
            {
                var message = MessageOf(messages, (string)values[i + 1]!, (byte[])values[i + 4]!);
                deliveries.Add(new WebhookDelivery((string)values[i]!, message, (string)values[i + 2]!, int.Parse((string)values[i + 3]!, CultureInfo.InvariantCulture), workerId));
            }
        }

        if (deliveries.Count < maxCount)
        {
            var takenOver = deliveries.Count;
            try
            {
                await ReadFreshAsync(db, workerId, maxCount - deliveries.Count, deliveries, messages).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // Not swallowed: a failure with nothing taken over propagates, and the next claim reads again.
            catch (Exception) when (takenOver > 0)
#pragma warning restore CA1031
            {
                // The script already took some over (their idle time reset): failing the whole claim would leave them
                // unsent for another full lease. What the read added before failing is pending under this consumer and
                // is sent too; fresh entries it read but did not return are taken over once their lease expires, like a
                // crashed worker's.
            }
        }

        return deliveries;
    }

    /// <summary>
    /// Reads fresh entries and their messages with plain commands: called from Lua, XREADGROUP's reply is converted into
    /// Lua tables and back, which took the server about four times as long as the read itself (about 330 us instead of
    /// 60 us per claim of 64 in SLOWLOG). Entries read but not returned (the connection failing before the messages
    /// came back) stay pending under this consumer and are taken over once their lease expires, like a crashed worker's.
    /// </summary>
    private async Task ReadFreshAsync(IDatabase db, string workerId, int count, List<WebhookDelivery> deliveries, Dictionary<string, WebhookMessage> messages)
    {
        var read = await db.ExecuteAsync("XREADGROUP", "GROUP", _options.GroupName, workerId, "COUNT", count, "STREAMS", _stream, ">").ConfigureAwait(false);
        if (read.IsNull || ((RedisResult[])read!) is not [var stream, ..])
        {
            return;
        }

        var entries = (RedisResult[])((RedisResult[])stream!)[1]!;
        var fresh = new List<(string Id, RedisResult[] Fields)>(entries.Length);
        foreach (var entry in entries)
        {
            var parts = (RedisResult[])entry!;
            if (!parts[1].IsNull)
            {
                fresh.Add(((string)parts[0]!, (RedisResult[])parts[1]!));
            }
        }

        if (fresh.Count == 0)
        {
            return;
        }

        // Every writer adds the fields in the order m, e, a, c.
        var ids = new RedisValue[fresh.Count];
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = (string)fresh[i].Fields[1]!;
        }

        var stored = await db.HashGetAsync(_messages, ids).ConfigureAwait(false);
        List<object>? gone = null;
        for (var i = 0; i < fresh.Count; i++)
        {
            var (id, fields) = fresh[i];
            if (stored[i].IsNull)
            {
                // The message was removed: nothing can be sent, so the entry is dropped.
                (gone ??= [_stream, _options.GroupName]).Add(id);
                continue;
            }

            var message = MessageOf(messages, (string)ids[i]!, (byte[])stored[i]!);
            deliveries.Add(new WebhookDelivery(id, message, (string)fields[3]!, int.Parse((string)fields[5]!, CultureInfo.InvariantCulture), workerId));
        }

        if (gone is not null)
        {
            await db.ExecuteAsync("XACK", [.. gone]).ConfigureAwait(false);
            gone.RemoveAt(1);
            await db.ExecuteAsync("XDEL", [.. gone]).ConfigureAwait(false);
        }
    }

    private static WebhookMessage MessageOf(Dictionary<string, WebhookMessage> messages, string id, byte[] stored)
    {
        if (!messages.TryGetValue(id, out var message))
        {
            message = StoredMessage.Decode(id, stored);
            messages[id] = message;
        }

        return message;
    }

    /// <inheritdoc />
    public async Task RecordAsync(IReadOnlyList<WebhookDeliveryResult> results, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(results);
        if (results.Count == 0)
        {
            return;
        }

        var db = await DatabaseAsync().ConfigureAwait(false);

        // A dispatcher's batch is all one consumer's; a mixed batch is recorded per consumer.
        var consumer = results[0].Delivery.LeaseToken;
        foreach (var result in results)
        {
            if (result.Delivery.LeaseToken != consumer)
            {
                foreach (var group in results.GroupBy(r => r.Delivery.LeaseToken, StringComparer.Ordinal))
                {
                    await RecordConsumerAsync(db, [.. group], now).ConfigureAwait(false);
                }

                return;
            }
        }

        await RecordConsumerAsync(db, results, now).ConfigureAwait(false);
    }

    private async Task RecordConsumerAsync(IDatabase db, IReadOnlyList<WebhookDeliveryResult> results, DateTimeOffset now)
    {
        // Each id parsed once: comparing the strings parsed both sides on every comparison.
        var lowest = results[0].Delivery.DeliveryId;
        var highest = lowest;
        var low = ParseEntryId(lowest);
        var high = low;
        foreach (var result in results)
        {
            var id = result.Delivery.DeliveryId;
            var parsed = ParseEntryId(id);
            if (parsed.CompareTo(low) < 0)
            {
                (lowest, low) = (id, parsed);
            }

            if (parsed.CompareTo(high) > 0)
            {
                (highest, high) = (id, parsed);
            }
        }

        var keys = new List<RedisKey>(2 + (results.Count * 2)) { _stream, _retry };
        var args = new List<RedisValue>(6 + (results.Count * 8))
        {
            _options.GroupName, _options.AttemptLogLength, results[0].Delivery.LeaseToken, lowest, highest, Math.Max(1024, results.Count * 4),
        };
        foreach (var result in results)
        {
            var d = result.Delivery;
            var attempts = d.AttemptCount + (result.Attempt is null ? 0 : 1);
            var created = d.Message.CreatedAt.ToUnixTimeMilliseconds();
            var (dead, log) = _endpointKeys.TryGetValue(d.EndpointId, out var known) ? known : _endpointKeys.GetOrAdd(d.EndpointId, id => (DeadKey(id), AttemptsKey(id)));
            keys.Add(dead);
            keys.Add(log);
            args.Add(d.DeliveryId);
            args.Add(d.LeaseToken);
            args.Add((int)result.State);
            args.Add((result.NextAttemptAt ?? now).ToUnixTimeMilliseconds());

            // The retry member is only read for a pending result and the dead letter only for a failed one.
            args.Add(result.State == WebhookDeliveryState.Pending
                ? string.Create(CultureInfo.InvariantCulture, $"{d.Message.Id}|{d.EndpointId}|{attempts}|{created}|{d.DeliveryId}")
                : RedisValue.EmptyString);
            args.Add(result.State == WebhookDeliveryState.Failed ? d.Message.Id + ":" + d.DeliveryId : RedisValue.EmptyString);
            args.Add(result.State == WebhookDeliveryState.Failed
                ? string.Create(CultureInfo.InvariantCulture, $"{d.Message.Id}|{d.EndpointId}|{created}")
                : RedisValue.EmptyString);
            args.Add(result.Attempt is null ? RedisValue.EmptyString : JsonSerializer.SerializeToUtf8Bytes(result.Attempt, RedisWebhookJson.Default.WebhookAttempt));
        }

        await db.ScriptEvaluateAsync(RecordScript, [.. keys], [.. args]).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<WebhookAttempt>> ListAttemptsAsync(string endpointId, string? messageId, int limit, CancellationToken cancellationToken)
    {
        var db = await DatabaseAsync().ConfigureAwait(false);
        var values = await db.ListRangeAsync(AttemptsKey(endpointId), 0, messageId is null ? limit - 1 : -1).ConfigureAwait(false);
        return [.. values
            .Select(v => JsonSerializer.Deserialize((string)v!, RedisWebhookJson.Default.WebhookAttempt)!)
            .Where(a => messageId is null || a.MessageId == messageId)
            .Take(limit)];
    }

    /// <inheritdoc />
    public async Task<bool> RedeliverAsync(string endpointId, string messageId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var db = await DatabaseAsync().ConfigureAwait(false);
        if (!await db.HashExistsAsync(_messages, messageId).ConfigureAwait(false))
        {
            return false;
        }

        await db.ExecuteAsync("XADD", _stream, "*", "m", messageId, "e", endpointId, "a", "0", "c", now.ToUnixTimeMilliseconds()).ConfigureAwait(false);
        return true;
    }

    /// <inheritdoc />
    public async Task<int> RecoverAsync(string endpointId, DateTimeOffset since, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var db = await DatabaseAsync().ConfigureAwait(false);
        return (int)await db.ScriptEvaluateAsync(RecoverScript, [_stream, DeadKey(endpointId)], [since.ToUnixTimeMilliseconds()]).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task CreateAsync(WebhookEndpoint endpoint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        var db = await DatabaseAsync().ConfigureAwait(false);
        if (!await db.HashSetAsync(_endpoints, endpoint.Id, JsonSerializer.Serialize(endpoint, Json), When.NotExists).ConfigureAwait(false))
        {
            throw new InvalidOperationException($"Endpoint '{endpoint.Id}' already exists.");
        }
    }

    /// <inheritdoc />
    public async Task<WebhookEndpoint?> GetAsync(string id, CancellationToken cancellationToken)
    {
        var db = await DatabaseAsync().ConfigureAwait(false);
        var value = await db.HashGetAsync(_endpoints, id).ConfigureAwait(false);
        return value.IsNull ? null : JsonSerializer.Deserialize<WebhookEndpoint>((string)value!, Json);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<WebhookEndpoint>> ListAsync(CancellationToken cancellationToken)
    {
        var db = await DatabaseAsync().ConfigureAwait(false);
        var all = await db.HashValuesAsync(_endpoints).ConfigureAwait(false);
        return [.. all.Select(v => JsonSerializer.Deserialize<WebhookEndpoint>((string)v!, Json)!).OrderBy(e => e.CreatedAt).ThenBy(e => e.Id, StringComparer.Ordinal)];
    }

    /// <inheritdoc />
    public async Task<bool> UpdateAsync(WebhookEndpoint endpoint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        var db = await DatabaseAsync().ConfigureAwait(false);
        return (int)await db.ScriptEvaluateAsync(UpdateScript, [_endpoints], [endpoint.Id, JsonSerializer.Serialize(endpoint, Json)]).ConfigureAwait(false) == 1;
    }

    /// <inheritdoc />
    public async Task<bool> DeleteAsync(string id, CancellationToken cancellationToken)
    {
        var db = await DatabaseAsync().ConfigureAwait(false);
        return await db.HashDeleteAsync(_endpoints, id).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_ownsConnection && _connection is not null)
        {
            await _connection.CloseAsync().ConfigureAwait(false);
            _connection.Dispose();
        }

        _connectGate.Dispose();
    }

    /// <summary>A stream entry id (<c>milliseconds-sequence</c>) as a pair that orders as Redis orders the ids.</summary>
    private static (ulong Ms, ulong Seq) ParseEntryId(string id)
    {
        var dash = id.IndexOf('-', StringComparison.Ordinal);
        return dash < 0
            ? (ulong.Parse(id, CultureInfo.InvariantCulture), 0)
            : (ulong.Parse(id.AsSpan(0, dash), CultureInfo.InvariantCulture), ulong.Parse(id.AsSpan(dash + 1), CultureInfo.InvariantCulture));
    }

    private RedisKey DeadKey(string endpointId) => _prefix + ":dead:" + endpointId;

    private RedisKey AttemptsKey(string endpointId) => _prefix + ":attempts:" + endpointId;

    private async Task<IDatabase> DatabaseAsync()
    {
        if (_connection is null || !_groupReady)
        {
            await _connectGate.WaitAsync().ConfigureAwait(false);
            try
            {
                if (_connection is null)
                {
                    _connection = await ConnectionMultiplexer.ConnectAsync(_options.Configuration!).ConfigureAwait(false);
                    _ownsConnection = true;
                }

                if (!_groupReady)
                {
                    try
                    {
                        // From 0, so entries added before the group existed are still delivered.
                        await _connection.GetDatabase().ExecuteAsync("XGROUP", "CREATE", _stream, _options.GroupName, "0", "MKSTREAM").ConfigureAwait(false);
                    }
                    catch (RedisServerException e) when (e.Message.StartsWith("BUSYGROUP", StringComparison.Ordinal))
                    {
                        // Another dispatcher created it.
                    }

                    _groupReady = true;
                }
            }
            finally
            {
                _connectGate.Release();
            }
        }

        return _connection.GetDatabase();
    }

    /// <summary>
    /// A message as stored: a version byte, the created time, the event type and ordering key (length-prefixed UTF-8),
    /// then the payload bytes as they are, so reading one neither parses JSON nor decodes base64 and the payload is a
    /// slice of the bytes Redis returned. Messages stored as JSON by earlier versions are still read.
    /// </summary>
    private sealed record StoredMessage(string Type, byte[] Payload, long CreatedAt, string? OrderingKey)
    {
        private const byte Version = 1;

        public static byte[] Encode(WebhookMessage message)
        {
            var type = Encoding.UTF8.GetByteCount(message.EventType);
            var key = message.OrderingKey is null ? 0 : Encoding.UTF8.GetByteCount(message.OrderingKey);
            var bytes = new byte[1 + 8 + 4 + type + 4 + key + message.Payload.Length];
            var span = bytes.AsSpan();
            span[0] = Version;
            BinaryPrimitives.WriteInt64LittleEndian(span[1..], message.CreatedAt.ToUnixTimeMilliseconds());
            BinaryPrimitives.WriteInt32LittleEndian(span[9..], type);
            var at = 13 + Encoding.UTF8.GetBytes(message.EventType, span[13..]);
            BinaryPrimitives.WriteInt32LittleEndian(span[at..], message.OrderingKey is null ? -1 : key);
            at += 4;
            if (message.OrderingKey is not null)
            {
                at += Encoding.UTF8.GetBytes(message.OrderingKey, span[at..]);
            }

            message.Payload.Span.CopyTo(span[at..]);
            return bytes;
        }

        public static WebhookMessage Decode(string id, byte[] bytes)
        {
            if (bytes.Length == 0 || bytes[0] != Version)
            {
                var json = JsonSerializer.Deserialize<StoredMessage>(bytes, Json)!;
                return new WebhookMessage(id, json.Type, json.Payload, DateTimeOffset.FromUnixTimeMilliseconds(json.CreatedAt), json.OrderingKey);
            }

            var span = bytes.AsSpan();
            var created = BinaryPrimitives.ReadInt64LittleEndian(span[1..]);
            var typeLength = BinaryPrimitives.ReadInt32LittleEndian(span[9..]);
            var type = Encoding.UTF8.GetString(span.Slice(13, typeLength));
            var at = 13 + typeLength;
            var keyLength = BinaryPrimitives.ReadInt32LittleEndian(span[at..]);
            at += 4;
            string? key = null;
            if (keyLength >= 0)
            {
                key = Encoding.UTF8.GetString(span.Slice(at, keyLength));
                at += keyLength;
            }

            return new WebhookMessage(id, type, bytes.AsMemory(at), DateTimeOffset.FromUnixTimeMilliseconds(created), key);
        }
    }
}

/// <summary>
/// Source-generated contract for the attempt log entries, written once per delivery: the same JSON as the reflection
/// serializer with web defaults (camelCase, outcome as its name), without its per-call metadata lookups.
/// </summary>
[System.Text.Json.Serialization.JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[System.Text.Json.Serialization.JsonSerializable(typeof(WebhookAttempt))]
internal sealed partial class RedisWebhookJson : System.Text.Json.Serialization.JsonSerializerContext;
