using System.Collections.Concurrent;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using ApiKit.Resilience.CircuitBreakers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace ApiKit.Resilience.Redis;

/// <summary>
/// Shares circuit state through Redis: an opening, isolation or closing is written to a key (an opening expires with
/// its break) and announced on a pub/sub channel; other instances apply it to their breaker of the same name. A breaker
/// created later reads the key. Every Redis call is asynchronous and fire-and-forget: when Redis is down the breakers
/// keep working on local state and nothing throws; on reconnection the keys are read again. Break ends travel as
/// wall-clock instants, so instances' clocks should agree to within a small fraction of the break duration.
/// </summary>
public sealed partial class RedisCircuitBreakerSharedState : ICircuitBreakerSharedState, IDisposable
{
    private readonly IConnectionMultiplexer _redis;
    private readonly RedisCircuitBreakerSharedStateOptions _options;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, CircuitBreaker> _breakers = new(StringComparer.Ordinal);
    private readonly RedisChannel _channel;
    private readonly ITimer? _resync;
    private int _subscribed;

    /// <summary>Creates the shared state over a connection the caller owns.</summary>
    /// <param name="redis">The connection (create it with <c>abortConnect=false</c> so that it reconnects by itself).</param>
    /// <param name="options">The options; defaults when <see langword="null"/>.</param>
    /// <param name="timeProvider">The clock of the periodic resynchronisation.</param>
    /// <param name="logger">Logs Redis failures (at debug level: they are expected during outages).</param>
    public RedisCircuitBreakerSharedState(
        IConnectionMultiplexer redis,
        RedisCircuitBreakerSharedStateOptions? options = null,
        TimeProvider? timeProvider = null,
        ILogger<RedisCircuitBreakerSharedState>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(redis);
        _options = options ?? new RedisCircuitBreakerSharedStateOptions();
        Validator.ValidateObject(_options, new ValidationContext(_options), validateAllProperties: true);
        _redis = redis;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _channel = new RedisChannel(_options.Channel, RedisChannel.PatternMode.Literal);
        _redis.ConnectionRestored += OnConnectionRestored;
        _ = SubscribeAsync();
        if (_options.ResyncInterval > TimeSpan.Zero)
        {
            // A weak reference: the timer must not keep a forgotten instance alive.
            _resync = (timeProvider ?? TimeProvider.System).CreateTimer(
                static s =>
                {
                    if (((WeakReference<RedisCircuitBreakerSharedState>)s!).TryGetTarget(out var shared))
                    {
                        shared.ResyncAll();
                    }
                },
                new WeakReference<RedisCircuitBreakerSharedState>(this),
                _options.ResyncInterval,
                _options.ResyncInterval);
        }
    }

    /// <inheritdoc />
    public void Attach(CircuitBreaker breaker)
    {
        ArgumentNullException.ThrowIfNull(breaker);
        _breakers[breaker.Name] = breaker;
        _ = ReadAsync(breaker);
    }

    /// <inheritdoc />
    public void Publish(CircuitBreaker breaker, CircuitBreakerStateChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        _ = PublishAsync(change);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _redis.ConnectionRestored -= OnConnectionRestored;
        _resync?.Dispose();
    }

    private async Task PublishAsync(CircuitBreakerStateChange change)
    {
        try
        {
            var database = _redis.GetDatabase();
            var key = (RedisKey)(_options.KeyPrefix + change.Name);
            var value = Format(change.To, change.OpenUntil);
            switch (change.To)
            {
                case CircuitState.Open:
                    await database.StringSetAsync(key, value, change.BreakDuration + TimeSpan.FromSeconds(1)).ConfigureAwait(false);
                    break;
                case CircuitState.Isolated:
                    await database.StringSetAsync(key, value).ConfigureAwait(false);
                    break;
                default:
                    await database.KeyDeleteAsync(key).ConfigureAwait(false);
                    break;
            }

            await _redis.GetSubscriber().PublishAsync(_channel, $"{change.Name}\n{value}").ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Redis being down must never break a breaker: local state is the fallback.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            Log.RedisFailed(_logger, "publish", change.Name, exception);
        }
    }

    private async Task ReadAsync(CircuitBreaker breaker)
    {
        try
        {
            var value = await _redis.GetDatabase().StringGetAsync(_options.KeyPrefix + breaker.Name).ConfigureAwait(false);
            if (value.HasValue
                && TryParse(value.ToString(), out var state, out var openUntil, out var instance)
                && instance != _options.InstanceId)
            {
                breaker.ApplySharedState(state, openUntil);
            }
        }
#pragma warning disable CA1031 // See PublishAsync.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            Log.RedisFailed(_logger, "read", breaker.Name, exception);
        }
    }

    private async Task SubscribeAsync()
    {
        if (Interlocked.Exchange(ref _subscribed, 1) == 1)
        {
            return;
        }

        try
        {
            await _redis.GetSubscriber().SubscribeAsync(_channel, OnMessage).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // See PublishAsync; the subscription is retried on reconnection.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            Volatile.Write(ref _subscribed, 0);
            Log.RedisFailed(_logger, "subscribe", _options.Channel, exception);
        }
    }

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e)
    {
        _ = SubscribeAsync();

        // Announcements made while this instance was cut off are lost; the keys still hold the latest state.
        ResyncAll();
    }

    private void ResyncAll()
    {
        if (Volatile.Read(ref _subscribed) == 0)
        {
            _ = SubscribeAsync();
        }

        foreach (var breaker in _breakers.Values)
        {
            _ = ReadAsync(breaker);
        }
    }

    private void OnMessage(RedisChannel channel, RedisValue message)
    {
        var text = message.ToString();
        var newline = text.IndexOf('\n', StringComparison.Ordinal);
        if (newline <= 0
            || !TryParse(text[(newline + 1)..], out var state, out var openUntil, out var instance)
            || instance == _options.InstanceId
            || !_breakers.TryGetValue(text[..newline], out var breaker))
        {
            return;
        }

        breaker.ApplySharedState(state, openUntil);
    }

    private string Format(CircuitState state, DateTimeOffset openUntil) =>
        string.Create(CultureInfo.InvariantCulture, $"{(int)state}|{(state == CircuitState.Open ? openUntil.ToUnixTimeMilliseconds() : 0)}|{_options.InstanceId}");

    private static bool TryParse(string value, out CircuitState state, out DateTimeOffset openUntil, out string instance)
    {
        var parts = value.Split('|');
        state = default;
        openUntil = default;
        instance = string.Empty;
        if (parts.Length != 3
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var s)
            || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var until)
            || s is < 0 or > 3)
        {
            return false;
        }

        state = (CircuitState)s;
        openUntil = DateTimeOffset.FromUnixTimeMilliseconds(until);
        instance = parts[2];
        return true;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 201, Level = LogLevel.Debug, Message = "Redis {Operation} for circuit '{Name}' failed; local state is used.")]
        public static partial void RedisFailed(ILogger logger, string operation, string name, Exception exception);
    }
}
