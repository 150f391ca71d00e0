using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace ApiKit.Versioning.Tests.Telemetry;

/// <summary>Records the measurements of one instrument of one meter instance (a small stand-in for MetricCollector).</summary>
internal sealed class MeasurementRecorder : IDisposable
{
    private readonly MeterListener _listener = new();

    public MeasurementRecorder(object meterScope, string meterName, string instrumentName)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == meterName && instrument.Name == instrumentName && ReferenceEquals(instrument.Meter.Scope, meterScope))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
            Measurements.Enqueue((value, tags.ToArray().ToDictionary(t => t.Key, t => t.Value))));
        _listener.Start();
    }

    public ConcurrentQueue<(long Value, Dictionary<string, object?> Tags)> Measurements { get; } = new();

    public void Dispose() => _listener.Dispose();
}
