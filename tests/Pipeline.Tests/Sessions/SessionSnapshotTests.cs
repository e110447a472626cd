using Pipeline.Tests.Infrastructure;

namespace Pipeline.Tests.Sessions;

/// <summary>
/// A session reuses its merged headers and encoded params between requests while they are unchanged; every change to
/// them must still reach the very next request, as requests' <c>merge_setting</c> reads the session on every call.
/// </summary>
public sealed class SessionSnapshotTests
{
    [Fact]
    public async Task MergeSetting_SessionHeaderChangedBetweenRequests_NextRequestSendsIt()
    {
        var (session, stub) = Create();
        using var _ = session;
        session.Headers["X-Token"] = "one";

        await session.GetAsync("http://example.test/");
        session.Headers["X-Token"] = "two";
        session.Headers.Add("X-Extra", "e");
        await session.GetAsync("http://example.test/");
        session.Headers.Remove("X-Extra");
        await session.GetAsync("http://example.test/");
        session.Headers.Clear();
        await session.GetAsync("http://example.test/");

        Assert.Equal(["one"], stub.Requests[0].Headers.GetValues("X-Token"));
        Assert.Equal(["two"], stub.Requests[1].Headers.GetValues("X-Token"));
        Assert.Equal(["e"], stub.Requests[1].Headers.GetValues("X-Extra"));
        Assert.False(stub.Requests[2].Headers.Contains("X-Extra"));
        Assert.False(stub.Requests[3].Headers.Contains("X-Token"));
        Assert.False(stub.Requests[3].Headers.Contains("User-Agent"));
    }

    [Fact]
    public async Task MergeSetting_InvalidSessionHeaderAddedLater_IsRejectedBeforeSending()
    {
        var (session, stub) = Create();
        using var _ = session;
        await session.GetAsync("http://example.test/");

        // requests' check_header_validity runs on every prepare, so a header set after the first request is checked too.
        session.Headers["X-Bad"] = "a\r\nInjected: 1";

        await Assert.ThrowsAsync<InvalidHeaderException>(() => session.GetAsync("http://example.test/"));
        Assert.Single(stub.Requests);
    }

    [Fact]
    public async Task MergeSetting_RequestHeaders_DoNotChangeTheSessionSnapshot()
    {
        var (session, stub) = Create();
        using var _ = session;
        session.Headers["X-Token"] = "session";

        await session.GetAsync("http://example.test/", new() { Headers = new() { ["X-Token"] = "request", ["X-Only"] = "r" } });
        await session.GetAsync("http://example.test/");

        Assert.Equal(["request"], stub.Requests[0].Headers.GetValues("X-Token"));
        Assert.Equal(["session"], stub.Requests[1].Headers.GetValues("X-Token"));
        Assert.False(stub.Requests[1].Headers.Contains("X-Only"));
    }

    [Fact]
    public async Task MergeSetting_SessionParamsChangedBetweenRequests_NextRequestSendsThem()
    {
        var (session, stub) = Create();
        using var _ = session;
        session.Params["v"] = "1";

        await session.GetAsync("http://example.test/items");
        session.Params["v"] = "2";
        session.Params.Add("tag", "a b");
        await session.GetAsync("http://example.test/items?x=0#top");
        session.Params.Remove("v");
        await session.GetAsync("http://example.test/items");
        session.Params = new QueryParams { { "page", "3" } };
        await session.GetAsync("http://example.test/items");
        session.Params.Clear();
        await session.GetAsync("http://example.test/items");

        Assert.Equal(
            [
                "http://example.test/items?v=1",
                "http://example.test/items?x=0&v=2&tag=a+b#top",
                "http://example.test/items?tag=a+b",
                "http://example.test/items?page=3",
                "http://example.test/items",
            ],
            stub.Requests.Select(r => r.RequestUri!.OriginalString));
    }

    [Fact]
    public async Task PrepareUrl_NonHttpUrl_GetsNoParams_AsRequests()
    {
        // requests' prepare_url returns a URL such as "mailto:" or "myscheme:" untouched, before params are encoded.
        var (session, stub) = Create("myscheme:");
        using var _ = session;
        session.Params["v"] = "1";

        await session.GetAsync("myscheme:thing", new() { Params = new QueryParams { { "w", "2" } } });

        Assert.Equal("myscheme:thing", stub.Requests[0].RequestUri!.OriginalString);
    }

    [Fact]
    public async Task Params_AreAppendedOnce_AndTheResponseUrlShowsThem()
    {
        var (session, stub) = Create();
        using var _ = session;
        session.Params["v"] = "1";

        using var response = await session.GetAsync("http://example.test/a", new() { Params = new QueryParams { { "w", "2" } } });

        Assert.Equal("http://example.test/a?v=1&w=2", response.Url);
        Assert.Equal("http://example.test/a?v=1&w=2", response.Request.Url);
    }

    private static (Session Session, StubHandler Stub) Create(string prefix = "http://")
    {
        var stub = new StubHandler();
        var session = new Session();
        session.Mount(prefix, stub);
        return (session, stub);
    }
}
