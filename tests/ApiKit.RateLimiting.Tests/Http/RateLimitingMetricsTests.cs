using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;

namespace ApiKit.RateLimiting.Tests.Http;

public sealed class RateLimitingMetricsTests
{
    [Fact]
    public async Task Get_Decisions_AreCountedByPolicyAndResult()
    {
        await using var app = await TestApp.StartAsync((services, _) => services.AddApiKitRateLimiting(o =>
        {
            o.DenyList.ClientNetworks.Add("198.51.100.1");
            o.AddPolicy("main", new RateLimitPolicyLimit { Name = "ip", PermitLimit = 1, PartitionBy = RateLimitPartitions.ClientIp });
        }));

        // Listeners are process-wide; only this host's meter (scoped to its IMeterFactory) counts.
        var factory = app.Services.GetRequiredService<IMeterFactory>();
        var counted = new List<(string Policy, string Result)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, factory) && instrument.Meter.Name == RateLimitingTelemetry.MeterName
                && instrument.Name == RateLimitingTelemetry.DecisionsCounter)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            var policy = tags.ToArray().Single(t => t.Key == "policy").Value as string;
            var result = tags.ToArray().Single(t => t.Key == "result").Value as string;
            lock (counted)
            {
                counted.Add((policy!, result!));
            }
        });
        listener.Start();

        using var allowed = await app.GetAsync("/limited");
        using var rejected = await app.GetAsync("/limited");
        using var denied = await app.GetAsync("/limited", peer: "198.51.100.1");

        Assert.Equal(HttpStatusCode.TooManyRequests, rejected.StatusCode);
        lock (counted)
        {
            Assert.Equal([("main", "allowed"), ("main", "rejected"), ("main", "deny_listed")], counted);
        }
    }
}
