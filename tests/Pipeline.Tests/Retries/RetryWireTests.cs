using System.Net;
using System.Text;
using Pipeline.Tests.Infrastructure;

namespace Pipeline.Tests.Retries;

/// <summary>Retries through the real HttpAdapter against a raw loopback server that counts every attempt, for both pipelines.</summary>
public sealed class RetryWireTests
{
    public static TheoryData<string> Kinds => TestSessions.Kinds;

    private static readonly RetryPolicy Forced503 = new() { Total = 2, StatusForcelist = new HashSet<int> { 503 } };

    private static string Unavailable(string body = "busy") =>
        $"HTTP/1.1 503 Service Unavailable\r\nContent-Length: {Encoding.UTF8.GetByteCount(body)}\r\nConnection: close\r\n\r\n{body}";

    /// <summary>Answers <paramref name="failing"/> for the first <paramref name="failures"/> requests, then 200.</summary>
    private static Func<RawRequest, string> FailFirst(int failures, string failing)
    {
        var seen = 0;
        return _ => Interlocked.Increment(ref seen) <= failures ? failing : RawRequest.Ok("done");
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task StatusForcelist_Total2_ThreeAttemptsOnTheWire_ThenRetryExceptionWithTheLastResponse_Check46(string kind)
    {
        await using var server = new RawHttpServer(_ => Unavailable());
        using var handle = TestSessions.Create(kind, s => s.Retry = Forced503);

        var error = await Assert.ThrowsAsync<RetryException>(() => handle.Session.GetAsync(server.BaseUrl + "/items?page=2"));

        Assert.Equal(3, server.Requests.Count);
        Assert.All(server.Requests, r => Assert.Equal("GET /items?page=2 HTTP/1.1", r.RequestLine));
        Assert.StartsWith("Max retries exceeded with url: /items?page=2 ", error.Message, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, error.Response!.StatusCode);
        Assert.Equal("busy", error.Response.Text);
        Assert.Equal(server.BaseUrl + "/items?page=2", error.Response.Url);
        Assert.Equal("GET", error.Request!.Method);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task RaiseOnStatusFalse_ReturnsTheThird503_Check46(string kind)
    {
        await using var server = new RawHttpServer(_ => Unavailable());
        using var handle = TestSessions.Create(kind, s => s.Retry = new RetryPolicy { Total = 2, StatusForcelist = new HashSet<int> { 503 }, RaiseOnStatus = false });

        using var response = await handle.Session.GetAsync(server.BaseUrl + "/items");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(3, server.Requests.Count);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Put_BodyReplayedByteIdentical_OnTheWire(string kind)
    {
        var body = new byte[] { 0x00, 0x01, 0xC3, 0x28, 0xFF, 0x0D, 0x0A, 0x25, 0x7A };
        await using var server = new RawHttpServer(FailFirst(1, Unavailable()));
        using var handle = TestSessions.Create(kind, s => s.Retry = Forced503);

        using var response = await handle.Session.PutAsync(server.BaseUrl + "/upload", new() { Data = body });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, server.Requests.Count);
        Assert.All(server.Requests, r =>
        {
            Assert.Equal(body, r.Body);
            Assert.Equal("9", r.Header("Content-Length"));
        });
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Put_OwnHttpContent_IsSentOnce_ItCannotBeReplayed(string kind)
    {
        await using var server = new RawHttpServer(FailFirst(1, Unavailable()));
        using var handle = TestSessions.Create(kind, s => s.Retry = Forced503);

        using var response = await handle.Session.PutAsync(server.BaseUrl + "/upload", new() { Data = new StringContent("mine") });

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Single(server.Requests);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Post_ForcedStatus_NotRetriedByDefault(string kind)
    {
        await using var server = new RawHttpServer(FailFirst(1, Unavailable()));
        using var handle = TestSessions.Create(kind, s => s.Retry = Forced503);

        using var response = await handle.Session.PostAsync(server.BaseUrl + "/orders", new() { Json = new { id = 1 } });

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Single(server.Requests);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task ConnectionClosedBeforeAnswering_GetIsRetried(string kind)
    {
        await using var server = new RawHttpServer(FailFirst(2, string.Empty));
        using var handle = TestSessions.Create(kind, s => s.Retry = RetryPolicy.FromCount(3));

        using var response = await handle.Session.GetAsync(server.BaseUrl + "/flaky");

        Assert.Equal("done", response.Text);
        Assert.Equal(3, server.Requests.Count);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task ConnectionClosedBeforeAnswering_PostIsNotRetried_ItReachedTheServer(string kind)
    {
        await using var server = new RawHttpServer(FailFirst(2, string.Empty));
        using var handle = TestSessions.Create(kind, s => s.Retry = RetryPolicy.FromCount(3));

        await Assert.ThrowsAsync<ConnectionException>(() => handle.Session.PostAsync(server.BaseUrl + "/orders", new() { Data = "x=1" }));

        Assert.Single(server.Requests);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Retries_ArePerHop_ARetried503IsNotInTheHistory(string kind)
    {
        var next = FailFirst(1, Unavailable());
        await using var server = new RawHttpServer(r => r.Target == "/start" ? RawRequest.Redirect(302, "/next") : next(r));
        using var handle = TestSessions.Create(kind, s => s.Retry = Forced503);

        using var response = await handle.Session.GetAsync(server.BaseUrl + "/start");

        Assert.Equal("done", response.Text);
        Assert.Equal(["/start", "/next", "/next"], server.Requests.Select(r => r.Target));
        Assert.Equal([HttpStatusCode.Found], response.History.Select(h => h.StatusCode));
    }
}
