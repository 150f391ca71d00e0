using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace ApiKit.Versioning;

/// <summary>
/// Usage per version and per client on the meter <c>ApiKit.Versioning</c>, so an owner can see who still calls a
/// deprecated version before switching it off.
/// </summary>
internal sealed class ApiVersioningMetrics
{
    public const string RequestsInstrument = "apikit.versioning.requests";

    private readonly Counter<long> _requests;

    public ApiVersioningMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(ApiVersioningDefaults.MeterName);
        _requests = meter.CreateCounter<long>(RequestsInstrument, "{request}", "Requests to versioned APIs, by requested version, client and outcome.");
    }

    public bool Enabled => _requests.Enabled;

    public void Record(string version, bool deprecated, string client, int statusCode, string? errorCode)
    {
        var tags = new TagList
        {
            { "api.version", version },
            { "api.version.deprecated", deprecated },
            { "client.id", client },
            { "http.response.status_code", statusCode },
        };
        if (errorCode is not null)
        {
            tags.Add("error.type", errorCode);
        }

        _requests.Add(1, tags);
    }
}
