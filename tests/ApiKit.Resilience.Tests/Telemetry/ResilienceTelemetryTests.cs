using System.Diagnostics;
using System.Diagnostics.Metrics;
using ApiKit.Resilience.CircuitBreakers;
using ApiKit.Resilience.Telemetry;
using ApiKit.Testing;

namespace ApiKit.Resilience.Tests.Telemetry;

public sealed class ResilienceTelemetryTests
{
    [Fact]
    public async Task Breaker_TripAndReject_EmitsTransitionAndRejectionMetricsAndActivityTags()
    {
        var name = "telemetry-" + Guid.NewGuid().ToString("N");
        var measurements = new List<(string Instrument, long Value, string? State)>();
        using var meters = new MeterListener();
        meters.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == ResilienceTelemetry.Name)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        meters.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            string? breaker = null;
            string? state = null;
            foreach (var tag in tags)
            {
                breaker = tag.Key == "apikit.resilience.circuit_breaker.name" ? tag.Value as string : breaker;
                state = tag.Key == "apikit.resilience.circuit_breaker.state" ? tag.Value as string : state;
            }

            if (breaker == name)
            {
                lock (measurements)
                {
                    measurements.Add((instrument.Name, value, state));
                }
            }
        });
        meters.Start();

        using var source = new ActivitySource("test-" + name);
        using var activities = new ActivityListener
        {
            ShouldListenTo = s => s.Name == source.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(activities);

        var breaker = new CircuitBreaker(
            new CircuitBreakerOptions { Name = name, FailureRatio = null, ConsecutiveFailures = 1 }, new ManualTimeProvider());
        using var activity = source.StartActivity("call")!;
        await breaker.ExecuteOutcomeAsync<int, int>(static (_, _) => throw new InvalidOperationException(), 0);
        await breaker.ExecuteOutcomeAsync(static (v, _) => ValueTask.FromResult(v), 1);

        Assert.Contains(("apikit.resilience.circuit_breaker.transitions", 1L, "open"), measurements);
        Assert.Contains(("apikit.resilience.circuit_breaker.rejections", 1L, null), measurements);
        Assert.Equal("open", activity.GetTagItem("apikit.resilience.circuit_breaker.rejected"));
        Assert.Contains(activity.Events, e => e.Name == "apikit.resilience.circuit_breaker.transition");
    }

    [Fact]
    public async Task Registry_ObservableGauge_ReportsEveryBreakerState()
    {
        var registry = new CircuitBreakerRegistry();
        var key = "gauge-" + Guid.NewGuid().ToString("N");
        registry.GetOrAdd(key).Isolate();
        var observed = new List<int>();
        using var meters = new MeterListener();
        meters.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Name == "apikit.resilience.circuit_breaker.state")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        meters.SetMeasurementEventCallback<int>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Value as string == key)
                {
                    observed.Add(value);
                }
            }
        });
        meters.Start();
        meters.RecordObservableInstruments();
        await Task.Yield();
        Assert.Equal([(int)CircuitState.Isolated], observed);
    }
}
