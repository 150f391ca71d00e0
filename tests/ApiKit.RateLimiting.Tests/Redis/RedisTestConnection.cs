using System.Diagnostics;
using StackExchange.Redis;

namespace ApiKit.RateLimiting.Tests.Redis;

internal static class RedisTestConnection
{
    /// <summary>
    /// Connects and waits until the multiplexer is connected: with abortConnect=false, ConnectAsync may return before
    /// the handshake finished on a loaded machine, and commands would fail fast meanwhile.
    /// </summary>
    public static async Task<ConnectionMultiplexer> ConnectAsync(string configuration)
    {
        var connection = await ConnectionMultiplexer.ConnectAsync(configuration);
        await WaitConnectedAsync(connection);
        return connection;
    }

    public static async Task WaitConnectedAsync(IConnectionMultiplexer connection)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(20))
        {
            if (connection.IsConnected)
            {
                try
                {
                    await connection.GetDatabase().PingAsync();
                    return;
                }
                catch (RedisConnectionException)
                {
                }
            }

            await Task.Delay(50);
        }

        throw new TimeoutException("Redis did not (re)connect within 20 seconds.");
    }
}
