using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace ApiKit.RateLimiting.Redis;

/// <summary>
/// Decides a request's limits on Redis in one round trip (one script, atomic, server clock). Redis failing, slow
/// beyond <see cref="RedisRateLimitingOptions.Timeout"/>, or behind an open circuit, the policy's
/// <see cref="RedisFailureMode"/> decides instead; nothing here throws for an outage.
/// </summary>
/// <remarks>
/// Keys. A policy with one limit keeps each key in its own hash slot (<c>prefix:{policy:limit:key}:alg</c>), spreading
/// load over a cluster. A policy with several limits must update them in one script, and a script may only touch keys
/// of one slot, so all its keys share the slot of the policy name (<c>prefix:{policy}:limit:alg:key</c>). The choice
/// depends on the policy alone, never on the request, so a given counter always lives under the same key.
/// </remarks>
internal sealed partial class RedisRateLimitBackend : RateLimitBackend, IDisposable
{
    private readonly RedisRateLimitingOptions _options;
    private readonly RateLimitPolicyRegistry _registry;
    private readonly RateLimitingMetrics _metrics;
    private readonly ILogger _logger;
    private readonly TimeProvider _timeProvider;
    private readonly IServiceProvider _services;
    private readonly RedisCircuitBreaker _breaker;
    private readonly ExhaustedKeyCache _exhausted;

    // Per compiled policy, what every request of it sends alike; a configuration reload compiles new policies and
    // the old ones' entries go with them.
    private readonly ConditionalWeakTable<CompiledPolicy, PolicyScript> _scripts = new();
    private Task<IConnectionMultiplexer>? _connection;
    private ConnectionMultiplexer? _owned;

    public RedisRateLimitBackend(
        IOptions<RedisRateLimitingOptions> options,
        RateLimitPolicyRegistry registry,
        RateLimitingMetrics metrics,
        ILogger<RedisRateLimitBackend> logger,
        TimeProvider timeProvider,
        IServiceProvider services)
    {
        _options = options.Value;
        _registry = registry;
        _metrics = metrics;
        _logger = logger;
        _timeProvider = timeProvider;
        _services = services;
        _breaker = new RedisCircuitBreaker(_options.FailureThreshold, _options.BreakDuration, timeProvider);
        _exhausted = new ExhaustedKeyCache(_options.MaxExhaustedKeys, timeProvider);
        _maxBatchSize = _options.MaxBatchSize;
    }

    public override bool TryDecide(PolicyEvaluation evaluation, bool allowDelay)
    {
        if (RefuseIfKnownExhausted(evaluation, KeysOf(evaluation)))
        {
            return true;
        }

        if (!_breaker.WouldEnter())
        {
            Fallback(evaluation, allowDelay, "circuit_open");
            return true;
        }

        return false;
    }

    // Every caller awaits a decision once, so its state machine can come from a pool rather than be allocated per call.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public override async ValueTask DecideAsync(PolicyEvaluation evaluation, bool allowDelay, CancellationToken cancellationToken)
    {
        var redisKeys = KeysOf(evaluation);
        if (RefuseIfKnownExhausted(evaluation, redisKeys))
        {
            return;
        }

        if (!_breaker.TryEnter(out var probe))
        {
            Fallback(evaluation, allowDelay, "circuit_open");
            return;
        }

        var started = _timeProvider.GetTimestamp();
        string outcome = "error";
        try
        {
            var script = ScriptOf(evaluation.Policy);
            if (script.Batchable)
            {
                var pending = script.Pending(evaluation, redisKeys, allowDelay);
                byte[] answer;
                var slot = false;
                if (probe || !TryQueue(pending, out slot))
                {
                    try
                    {
                        var (keys, values) = script.LoneRequest(pending) is { } shared ? (pending.Keys, shared) : BatchRequest([pending]);
                        answer = (byte[])(await EvaluateBatchAsync(keys, values).WaitAsync(_options.Timeout, _timeProvider, cancellationToken).ConfigureAwait(false))!;
                    }
                    finally
                    {
                        if (slot)
                        {
                            LeaveBatching(pending.Slot);
                        }
                    }
                }
                else if (cancellationToken.CanBeCanceled)
                {
                    // The batch enforces the timeout for all its waiters, so a waiter needs no timer of its own.
                    try
                    {
                        answer = await pending.Completion!.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                    {
                        // Still queued: it leaves the queue, so nothing is decided and no permit taken for a request
                        // that is gone. Already in a batch that is out: the server decides it all the same.
                        Withdraw(pending);
                        throw;
                    }
                }
                else
                {
                    answer = await pending.Completion!.Task.ConfigureAwait(false);
                }

                Apply(evaluation, redisKeys, answer, pending.Offset, allowDelay);
            }
            else
            {
                var (keys, values) = Request(evaluation, script, redisKeys, allowDelay);
                var result = (RedisResult[])(await EvaluateAsync(keys, values).WaitAsync(_options.Timeout, _timeProvider, cancellationToken).ConfigureAwait(false))!;
                Apply(evaluation, redisKeys, result, allowDelay);
            }

            outcome = "ok";
            if (_breaker.OnSuccess())
            {
                Log.Recovered(_logger);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            outcome = "cancelled";
            throw;
        }
        catch (Exception e) when (e is RedisException or TimeoutException or ObjectDisposedException or InvalidCastException or FormatException)
        {
            outcome = e is TimeoutException ? "timeout" : "error";
            Log.RedisFailed(_logger, evaluation.Policy.Name, e);
            if (_breaker.OnFailure(probe))
            {
                Log.CircuitOpened(_logger, _options.BreakDuration);
            }

            Fallback(evaluation, allowDelay, outcome);
        }
        finally
        {
            _metrics.RedisDuration.Record(_timeProvider.GetElapsedTime(started).TotalMilliseconds, new KeyValuePair<string, object?>("outcome", outcome));
        }
    }

    public void Dispose() => _owned?.Dispose();

    internal string?[] KeysOf(PolicyEvaluation evaluation)
    {
        var script = ScriptOf(evaluation.Policy);
        var keys = new string?[evaluation.Keys.Length];
        for (var i = 0; i < keys.Length; i++)
        {
            if (evaluation.Keys[i] is { } key)
            {
                keys[i] = script.Key(i, key);
            }
        }

        return keys;
    }

    private PolicyScript ScriptOf(CompiledPolicy policy) =>
        _scripts.TryGetValue(policy, out var script) ? script : _scripts.GetValue(policy, p => new PolicyScript(p, _options.KeyPrefix));

    private bool RefuseIfKnownExhausted(PolicyEvaluation evaluation, string?[] redisKeys)
    {
        if (!_exhausted.Enabled)
        {
            return false;
        }

        for (var i = 0; i < redisKeys.Length; i++)
        {
            if (redisKeys[i] is { } key && _exhausted.Remaining(key) is var left && left > TimeSpan.Zero)
            {
                // Only the exhausted limit is known; the others are left out of the headers rather than guessed.
                for (var j = 0; j < evaluation.Keys.Length; j++)
                {
                    if (j != i)
                    {
                        evaluation.Keys[j] = null;
                    }
                }

                var micros = left.Ticks / TimeSpan.TicksPerMicrosecond;
                evaluation.Decisions[i] = new LimitDecision(false, Math.Max(1, micros), 0, micros, 0);
                evaluation.Settle(allowDelay: false);
                evaluation.Fallback = "exhausted_cache";
                return true;
            }
        }

        return false;
    }

    /// <summary>The script's keys and arguments for one request: its keys present, and cost, delay flag, clock and limits.</summary>
    private static (RedisKey[] Keys, RedisValue[] Values) Request(PolicyEvaluation evaluation, PolicyScript script, string?[] redisKeys, bool allowDelay)
    {
        var count = 0;
        foreach (var key in redisKeys)
        {
            count += key is null ? 0 : 1;
        }

        var keys = new RedisKey[count];
        var j = 0;
        foreach (var key in redisKeys)
        {
            if (key is not null)
            {
                keys[j++] = key;
            }
        }

        var values = count == redisKeys.Length
            ? script.Arguments(evaluation.Cost, allowDelay)
            : Arguments(evaluation.Policy, redisKeys, evaluation.Cost, allowDelay);
        return (keys, values);
    }

    /// <summary>One request alone; while batching, the in-flight slot it took is given back when Redis answered or the timeout passed.</summary>
    private async Task<RedisResult> EvaluateAsync(RedisKey[] keys, RedisValue[] values)
    {
        var connection = ConnectAsync();
        var database = (connection.IsCompletedSuccessfully ? connection.Result : await connection.ConfigureAwait(false)).GetDatabase();
        return await RedisRateLimitScript.EvaluateAsync(database, keys, values).ConfigureAwait(false);
    }

    /// <summary>The script's arguments: cost, delay flag, server clock, then five numbers per limit with a key.</summary>
    private static RedisValue[] Arguments(CompiledPolicy policy, string?[] redisKeys, long cost, bool allowDelay)
    {
        var count = 0;
        foreach (var key in redisKeys)
        {
            count += key is null ? 0 : 1;
        }

        var values = new RedisValue[3 + (5 * count)];
        values[0] = cost;
        values[1] = allowDelay ? 1 : 0;
        values[2] = string.Empty;
        var at = 3;
        for (var i = 0; i < redisKeys.Length; i++)
        {
            if (redisKeys[i] is null)
            {
                continue;
            }

            var p = policy.Limits[i].Parameters;
            values[at++] = (int)p.Algorithm;
            values[at++] = p.PermitLimit;
            values[at++] = p.WindowMicros;
            values[at++] = p.Burst;
            values[at++] = p.QueueLimit;
        }

        return values;
    }

    /// <summary>Reads one request's decisions from the one-request script's result.</summary>
    private void Apply(PolicyEvaluation evaluation, string?[] redisKeys, RedisResult[] result, bool allowDelay)
    {
        var j = 0;
        for (var i = 0; i < redisKeys.Length; i++)
        {
            if (redisKeys[i] is not null)
            {
                var at = 1 + (5 * j++);
                evaluation.Decisions[i] = new LimitDecision((long)result[at] == 1, (long)result[at + 1], (long)result[at + 2], (long)result[at + 3], (long)result[at + 4]);
            }
        }

        Settle(evaluation, redisKeys, allowDelay);
    }

    /// <summary>Reads one request's decisions from the batch script's packed answer, starting at <paramref name="offset"/>.</summary>
    private void Apply(PolicyEvaluation evaluation, string?[] redisKeys, byte[] answer, int offset, bool allowDelay)
    {
        var j = 0;
        for (var i = 0; i < redisKeys.Length; i++)
        {
            if (redisKeys[i] is not null)
            {
                evaluation.Decisions[i] = ReadDecision(answer, offset, j++);
            }
        }

        Settle(evaluation, redisKeys, allowDelay);
    }

    private void Settle(PolicyEvaluation evaluation, string?[] redisKeys, bool allowDelay)
    {
        evaluation.Settle(allowDelay);
        if (evaluation.Allowed)
        {
            return;
        }

        for (var i = 0; i < redisKeys.Length; i++)
        {
            var d = evaluation.Decisions[i];
            if (redisKeys[i] is { } key && !d.Allowed && d.RetryAfterMicros > 0)
            {
                _exhausted.Add(key, RateLimitClock.ToTimeSpan(d.RetryAfterMicros));
            }
        }
    }

    private void Fallback(PolicyEvaluation evaluation, bool allowDelay, string reason)
    {
        var mode = _options.ModeFor(evaluation.Policy.Name);
        evaluation.Fallback = reason;
        _metrics.Fallbacks.Add(
            1,
            new KeyValuePair<string, object?>("policy", evaluation.Policy.Name),
            new KeyValuePair<string, object?>("mode", mode.ToString()),
            new KeyValuePair<string, object?>("reason", reason));
        Log.FallbackUsed(_logger, evaluation.Policy.Name, mode, reason);
        switch (mode)
        {
            case RedisFailureMode.InMemory:
                InMemoryPolicyEvaluator.Decide(evaluation, _registry.Clock.NowMicros(), allowDelay);
                break;
            case RedisFailureMode.FailOpen:
                Array.Clear(evaluation.Keys);
                evaluation.Settle(allowDelay);
                break;
            default:
                Array.Clear(evaluation.Keys);
                evaluation.Settle(allowDelay);
                evaluation.Allowed = false;
                evaluation.Verdict = RateLimitVerdict.Limited;
                evaluation.RetryAfterMicros = Math.Max(1, _breaker.RemainingBreak().Ticks / TimeSpan.TicksPerMicrosecond);
                break;
        }
    }

    private Task<IConnectionMultiplexer> ConnectAsync()
    {
        var connection = Volatile.Read(ref _connection);
        if (connection is { IsCompletedSuccessfully: true })
        {
            return connection;
        }

        if (connection is null || connection.IsFaulted || connection.IsCanceled)
        {
            var fresh = CreateConnectionAsync();
            connection = Interlocked.CompareExchange(ref _connection, fresh, connection) == connection ? fresh : Volatile.Read(ref _connection)!;
        }

        return connection;
    }

    private async Task<IConnectionMultiplexer> CreateConnectionAsync()
    {
        if (_options.ConnectionString is null)
        {
            return _services.GetRequiredService<IConnectionMultiplexer>();
        }

        var multiplexer = await ConnectionMultiplexer.ConnectAsync(_options.ConnectionString).ConfigureAwait(false);
        _owned = multiplexer;
        return multiplexer;
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Rate limiting: Redis failed for policy {Policy}; the policy's failure mode decides.")]
        public static partial void RedisFailed(ILogger logger, string policy, Exception exception);

        [LoggerMessage(2, LogLevel.Warning, "Rate limiting: Redis circuit opened for {BreakDuration}; decisions use the failure modes until a probe succeeds.")]
        public static partial void CircuitOpened(ILogger logger, TimeSpan breakDuration);

        [LoggerMessage(3, LogLevel.Information, "Rate limiting: Redis answered again; the circuit is closed.")]
        public static partial void Recovered(ILogger logger);

        [LoggerMessage(4, LogLevel.Debug, "Rate limiting: policy {Policy} decided by fallback {Mode} ({Reason}).")]
        public static partial void FallbackUsed(ILogger logger, string policy, RedisFailureMode mode, string reason);
    }

    /// <summary>
    /// The parts of a policy's script call that do not depend on the request: the Redis key around each partition key,
    /// and the whole argument array of a cost-1 request under every limit (read-only once built, so shared by
    /// concurrent calls; StackExchange.Redis only reads it).
    /// </summary>
    private sealed class PolicyScript
    {
        // The stored state's format is part of every key: during a rolling upgrade, instances that write another
        // format count in other keys (each counter starts once from fresh) instead of failing on each other's values.
        private const string StateFormat = "v2";

        private readonly string[] _keyStart;
        private readonly string[] _keyEnd;
        private readonly RedisValue[] _single;
        private readonly RedisValue[] _singleDelayed;
        private readonly CompiledPolicy _policy;
        private readonly byte[] _packed;
        private readonly RedisValue[] _lone;
        private readonly RedisValue[] _loneDelayed;

        public PolicyScript(CompiledPolicy policy, string prefix)
        {
            _policy = policy;
            var limits = policy.Limits;
            // The batch request counts a request's limits in one byte.
            Batchable = limits.Length <= byte.MaxValue && Array.TrueForAll(limits, l => l.Parameters.Algorithm != RateLimitAlgorithm.SlidingWindowLog);
            _keyStart = new string[limits.Length];
            _keyEnd = new string[limits.Length];
            var shared = limits.Length > 1;
            for (var i = 0; i < limits.Length; i++)
            {
                var algorithm = (int)limits[i].Parameters.Algorithm;
                _keyStart[i] = shared
                    ? string.Create(CultureInfo.InvariantCulture, $"{prefix}:{{{policy.Name}}}:{limits[i].Name}:{algorithm}:{StateFormat}:")
                    : string.Create(CultureInfo.InvariantCulture, $"{prefix}:{{{policy.Name}:{limits[i].Name}:");
                _keyEnd[i] = shared ? string.Empty : string.Create(CultureInfo.InvariantCulture, $"}}:{algorithm}:{StateFormat}");
            }

            _packed = new byte[limits.Length * LimitSize];
            for (var i = 0; i < limits.Length; i++)
            {
                PackLimit(_packed.AsSpan(i * LimitSize), limits[i].Parameters);
            }

            _lone = LoneArguments(_packed, allowDelay: false);
            _loneDelayed = LoneArguments(_packed, allowDelay: true);

            var all = new string?[limits.Length];
            Array.Fill(all, string.Empty);
            _single = RedisRateLimitBackend.Arguments(policy, all, 1, allowDelay: false);
            _singleDelayed = RedisRateLimitBackend.Arguments(policy, all, 1, allowDelay: true);
        }

        /// <summary>Gets whether the batch script can decide this policy (the sliding log keeps lists and is never batched; nor are more than 255 limits).</summary>
        public bool Batchable { get; }

        private static RedisValue[] LoneArguments(byte[] packed, bool allowDelay)
        {
            var keys = new RedisKey[packed.Length / LimitSize];
            var pending = new PendingDecision(keys, 1, allowDelay, packed);
            return BatchRequest([pending]).Values;
        }

        public string Key(int limit, string partitionKey) => string.Concat(_keyStart[limit], partitionKey, _keyEnd[limit]);

        /// <summary>The request as the batch script takes it: its keys present and their packed limits (shared when all are present).</summary>
        public PendingDecision Pending(PolicyEvaluation evaluation, string?[] redisKeys, bool allowDelay)
        {
            var count = 0;
            foreach (var key in redisKeys)
            {
                count += key is null ? 0 : 1;
            }

            var keys = new RedisKey[count];
            var limits = count == redisKeys.Length ? _packed : new byte[count * LimitSize];
            var j = 0;
            for (var i = 0; i < redisKeys.Length; i++)
            {
                if (redisKeys[i] is { } key)
                {
                    if (count != redisKeys.Length)
                    {
                        PackLimit(limits.AsSpan(j * LimitSize), _policy.Limits[i].Parameters);
                    }

                    keys[j++] = key;
                }
            }

            return new PendingDecision(keys, evaluation.Cost, allowDelay, limits);
        }

        /// <summary>
        /// The batch script's arguments for <paramref name="pending"/> sent alone, when they are the same for every such
        /// request (cost 1 under all the policy's limits): built once rather than per call. Null otherwise.
        /// </summary>
        public RedisValue[]? LoneRequest(PendingDecision pending) =>
            pending.Cost == 1 && ReferenceEquals(pending.Limits, _packed) && _packed.Length > 0
                ? (pending.AllowDelay ? _loneDelayed : _lone)
                : null;

        public RedisValue[] Arguments(long cost, bool allowDelay) =>
            cost == 1 ? (allowDelay ? _singleDelayed : _single) : RedisRateLimitBackend.Arguments(_policy, _keyStart, cost, allowDelay);
    }
}
