namespace ChatApi.Tests.Webhooks;

/// <summary>
/// Waits for what the app's background dispatcher does (recording an attempt, disabling an endpoint): polls a
/// condition, bounded in real time. Nothing here times the app's logic; the app's clock is the manual one.
/// </summary>
internal static class Eventually
{
    public static async Task<T> ReturnsAsync<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan? timeout = null)
    {
        var limit = timeout ?? TimeSpan.FromSeconds(20);
        using var deadline = new CancellationTokenSource(limit);
        while (true)
        {
            var value = await probe();
            if (done(value))
            {
                return value;
            }

            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(25), deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"The condition did not hold within {limit}; last value: {value}");
            }
        }
    }
}
