using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Pipeline.Tests.Infrastructure;

namespace Pipeline.Tests.Telemetry;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TelemetryCollection
{
    // Meters and log categories are process-wide: these tests run alone, so what they record is their own.
    public const string Name = "Telemetry (process-wide listeners)";
}

/// <summary>The <c>Pipeline</c> meter's instruments, and the Debug events, which never carry a credential.</summary>
[Collection(TelemetryCollection.Name)]
public sealed class MetricsAndLogsTests(LoopbackServerFixture server) : IClassFixture<LoopbackServerFixture>
{
    private const string Secret = "t0p-s3cret";

    [Fact]
    public async Task Meter_RecordsCallDurationRedirectsAndRetries_WithOpenTelemetryNames()
    {
        // Arrange
        var attempts = 0;
        await using var raw = new RawHttpServer(r => r.Target switch
        {
            "/a" => RawRequest.Redirect(302, "/b"),
            _ when Interlocked.Increment(ref attempts) == 1 => "HTTP/1.1 503 Busy\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            _ => RawRequest.Ok(),
        });
        using var recorded = new Recorded();
        using var session = new Session(new SessionSettings { Retry = new RetryPolicy { Total = 1, StatusForcelist = new HashSet<int> { 503 } } });

        // Act
        using var response = await session.GetAsync(raw.BaseUrl + "/a");

        // Assert
        var call = Assert.Single(recorded.Measurements, m => m.Instrument == "pipeline.client.call.duration");
        Assert.True(call.Value > 0);
        Assert.Equal("GET", call.Tags["http.request.method"]);
        Assert.Equal("127.0.0.1", call.Tags["server.address"]);
        Assert.Equal(200, call.Tags["http.response.status_code"]);
        Assert.Contains(recorded.Measurements, m => m.Instrument == "pipeline.client.redirects" && Equals(m.Tags["http.response.status_code"], 302));
        Assert.Contains(recorded.Measurements, m => m.Instrument == "pipeline.client.retries" && Equals(m.Tags["error.type"], "503"));
    }

    [Fact]
    public async Task RefusedCookies_AreCountedByReason_AndLoggedWithoutTheirValue()
    {
        // Arrange: www.example.co.uk sets one cookie for the public suffix co.uk and one for another site.
        var stub = new StubHandler(_ =>
        {
            var answer = new HttpResponseMessage(HttpStatusCode.OK);
            answer.Headers.TryAddWithoutValidation("Set-Cookie", $"wide={Secret}; Domain=co.uk");
            answer.Headers.TryAddWithoutValidation("Set-Cookie", $"other={Secret}; Domain=bank.test");
            answer.Headers.TryAddWithoutValidation("Set-Cookie", "kept=1");
            return answer;
        });
        using var recorded = new Recorded();
        var sink = new LogSink();
        using var session = new Session(new SessionSettings(), sink);
        session.Mount("http://", stub);

        // Act
        using var response = await session.GetAsync("http://www.example.co.uk/");

        // Assert
        Assert.Equal(["kept"], session.Cookies.Select(c => c.Name));
        var reasons = recorded.Measurements.Where(m => m.Instrument == "pipeline.cookies.refused").Select(m => (string?)m.Tags["reason"]).Order().ToList();
        Assert.Equal(["foreign_domain", "public_suffix"], reasons);
        var logged = sink.Entries.Where(e => e.EventId.Name == "CookieRefused").Select(e => e.Message).Order().ToList();
        Assert.Equal(["A cookie from www.example.co.uk was not stored: foreign_domain.", "A cookie from www.example.co.uk was not stored: public_suffix."], logged);
        Assert.DoesNotContain(sink.Messages, m => m.Contains(Secret, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Logs_AtEveryLevel_NameRedirectsChallengesAndProxies_NeverACredential()
    {
        // Arrange: digest auth, a cookie, a token in the query and user information in a proxy URL (the digest password
        // is part of the test endpoint's path, so it is not the secret here).
        var proxy = new TinyproxyFixture();
        await proxy.InitializeAsync();
        var proxyUrl = new Uri(proxy.OpenUrl);
        var sink = new LogSink();
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(sink));
        services.AddSession("logged", s =>
        {
            s.Auth = new DigestAuth("ann", "pw");
            s.Proxies = new ProxyMap { ["http"] = $"http://user:{Secret}@127.0.0.1:{proxyUrl.Port}" };
        });
        await using var provider = services.BuildServiceProvider();
        var session = provider.GetRequiredKeyedService<Session>("logged");
        session.Cookies.Set("sid", Secret);
        var target = Uri.EscapeDataString($"/digest-auth/auth/ann/pw/MD5?token={Secret}");

        // Act
        using var response = await session.GetAsync(server.Url($"/redirect-to?url={target}&token={Secret}"));
        await proxy.DisposeAsync();

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var events = sink.Entries.Where(e => e.Category.StartsWith("Pipeline", StringComparison.Ordinal)).Select(e => e.EventId.Name).ToHashSet();
        Assert.Contains("Redirect", events);
        Assert.Contains("AuthChallenge", events);
        Assert.Contains("Proxy", events);
        Assert.DoesNotContain(sink.Messages, m => m.Contains(Secret, StringComparison.Ordinal));
    }

    private sealed record Measurement(string Instrument, double Value, Dictionary<string, object?> Tags);

    private sealed class Recorded : IDisposable
    {
        private readonly MeterListener _listener = new();

        public Recorded()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == "Pipeline")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Add(i, v, tags));
            _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Add(i, v, tags));
            _listener.Start();
        }

        public ConcurrentQueue<Measurement> Measurements { get; } = new();

        public void Dispose() => _listener.Dispose();

        private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var map = new Dictionary<string, object?>();
            foreach (var tag in tags)
            {
                map[tag.Key] = tag.Value;
            }

            Measurements.Enqueue(new Measurement(instrument.Name, value, map));
        }
    }
}
