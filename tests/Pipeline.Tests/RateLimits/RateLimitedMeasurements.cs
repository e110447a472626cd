using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Pipeline.Tests.RateLimits;

/// <summary>Listens to <c>pipeline.client.rate_limited</c> on the <c>Pipeline</c> meter, by server port, so tests running at the same time never count each other.</summary>
internal sealed class RateLimitedMeasurements : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<(string? Outcome, string? Reason, int? Port, long Value)> _measurements = new();

    public RateLimitedMeasurements()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "Pipeline" && instrument.Name == "pipeline.client.rate_limited")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            string? outcome = null, reason = null;
            int? port = null;
            foreach (var tag in tags)
            {
                switch (tag.Key)
                {
                    case "outcome": outcome = tag.Value as string; break;
                    case "pipeline.rate_limit.reason": reason = tag.Value as string; break;
                    case "server.port": port = tag.Value as int?; break;
                }
            }

            _measurements.Enqueue((outcome, reason, port, value));
        });
        _listener.Start();
    }

    public long Count(string baseUrl, string outcome, string reason)
    {
        var port = new Uri(baseUrl).Port;
        return _measurements.Where(m => m.Port == port && m.Outcome == outcome && m.Reason == reason).Sum(m => m.Value);
    }

    public void Dispose() => _listener.Dispose();
}
