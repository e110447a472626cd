using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Pipeline.Tests.Infrastructure;

namespace Pipeline.Tests.Telemetry;

/// <summary>
/// One <c>Pipeline</c> activity per call, parent of every hop's <c>System.Net.Http</c> activity, and each hop's
/// <c>traceparent</c> naming that hop's own span: no hop carries another hop's trace context.
/// </summary>
[Collection(LoopbackCollection.Name)]
public sealed class TraceContextTests : IDisposable
{
    private readonly ConcurrentQueue<Activity> _stopped = new();
    private readonly ActivityListener _listener;

    private readonly LoopbackServerFixture _server;

    public TraceContextTests(LoopbackServerFixture server)
    {
        _server = server;
        _listener = Listen(_stopped);
    }

    public static TheoryData<string> Kinds => TestSessions.Kinds;

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task RedirectChain_EachHopIsAChildOfTheCall_WithItsOwnTraceparent(string kind)
    {
        // Arrange
        await using var raw = new RawHttpServer(r => r.Target switch
        {
            "/a?token=secret" => RawRequest.Redirect(302, "/b"),
            "/b" => RawRequest.Redirect(307, "/c"),
            _ => RawRequest.Ok(),
        });
        using var handle = TestSessions.Create(kind);

        // Act
        using var response = await handle.Session.GetAsync(raw.BaseUrl + "/a?token=secret");

        // Assert
        var call = CallFor(raw.BaseUrl);
        AssertHopsAreChildren(call, raw.Requests.Select(r => r.Header("traceparent")).ToList(), expectedHops: 3);
        Assert.Equal(2, call.GetTagItem("pipeline.redirect_count"));
        Assert.Equal(200, call.GetTagItem("http.response.status_code"));
        Assert.Equal(raw.BaseUrl + "/a?token=*", call.GetTagItem("url.full"));
        Assert.Equal("GET", call.GetTagItem("http.request.method"));
        Assert.Equal("127.0.0.1", call.GetTagItem("server.address"));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Retries_EachAttemptIsAChildOfTheCall_WithItsOwnTraceparent(string kind)
    {
        var attempts = 0;
        await using var raw = new RawHttpServer(_ => Interlocked.Increment(ref attempts) < 3
            ? "HTTP/1.1 503 Busy\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            : RawRequest.Ok());
        using var handle = TestSessions.Create(kind, s => s.Retry = new RetryPolicy { Total = 3, StatusForcelist = new HashSet<int> { 503 } });

        using var response = await handle.Session.GetAsync(raw.BaseUrl + "/items");

        var call = CallFor(raw.BaseUrl);
        AssertHopsAreChildren(call, raw.Requests.Select(r => r.Header("traceparent")).ToList(), expectedHops: 3);
        Assert.Equal(2, call.GetTagItem("pipeline.retry_count"));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task DigestChallenge_TheResendIsAChildOfTheCall_WithItsOwnTraceparent(string kind)
    {
        using var handle = TestSessions.Create(kind);

        using var response = await handle.Session.GetAsync(_server.Url("/digest-auth/auth/tc/pw/MD5?trace=1"), new() { Auth = new DigestAuth("tc", "pw") });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var call = CallFor(_server.App.BaseUrl + "/digest-auth/auth/tc/pw/MD5?trace=");
        var sent = new List<string?> { response.History.Single().Request.Headers["traceparent"], response.Request.Headers["traceparent"] };
        AssertHopsAreChildren(call, sent, expectedHops: 2);
    }

    [Fact]
    public async Task UserSetTraceparent_IsKeptOnEveryHop()
    {
        // A propagation field the caller set before the first hop is theirs: it goes on every hop as they set it.
        await using var raw = new RawHttpServer(r => r.Target == "/a" ? RawRequest.Redirect(302, "/b") : RawRequest.Ok());
        using var session = new Session();
        const string Mine = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

        using var response = await session.GetAsync(raw.BaseUrl + "/a", new() { Headers = new() { ["traceparent"] = Mine } });

        Assert.Equal([Mine, Mine], raw.Requests.Select(r => r.Header("traceparent")));
    }

    [Fact]
    public async Task FailedCall_RecordsErrorType()
    {
        using var session = new Session();
        var url = $"http://127.0.0.1:{ClosedPort()}/down";

        await Assert.ThrowsAsync<ConnectionException>(() => session.GetAsync(url));

        var call = CallFor(url);
        Assert.Equal("Pipeline.ConnectionException", call.GetTagItem("error.type"));
        Assert.Equal(ActivityStatusCode.Error, call.Status);
    }

    public void Dispose() => _listener.Dispose();

    private void AssertHopsAreChildren(Activity call, List<string?> traceparents, int expectedHops)
    {
        var hopSpans = _stopped.Where(a => a.Source.Name == "System.Net.Http" && a.TraceId == call.TraceId).Select(a => a.SpanId.ToString()).ToHashSet();
        Assert.Equal(expectedHops, hopSpans.Count);
        Assert.Equal(expectedHops, traceparents.Count);
        Assert.All(traceparents, t => Assert.NotNull(t));
        Assert.Equal(expectedHops, traceparents.Distinct().Count());
        foreach (var traceparent in traceparents)
        {
            var parts = traceparent!.Split('-');
            Assert.Equal(call.TraceId.ToString(), parts[1]);
            Assert.Contains(parts[2], hopSpans);
        }
    }

    private Activity CallFor(string urlPrefix)
    {
        var calls = _stopped.Where(a => a.Source.Name == "Pipeline" && (a.GetTagItem("url.full") as string)?.StartsWith(urlPrefix, StringComparison.Ordinal) == true).ToList();
        var call = Assert.Single(calls);
        var hops = _stopped.Where(a => a.Source.Name == "System.Net.Http" && a.TraceId == call.TraceId).ToList();
        Assert.NotEmpty(hops);
        Assert.All(hops, hop => Assert.Equal(call.SpanId, hop.ParentSpanId));
        return call;
    }

    private static ActivityListener Listen(ConcurrentQueue<Activity> stopped)
    {
        var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is "Pipeline" or "System.Net.Http",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }

    private static int ClosedPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
