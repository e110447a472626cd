using System.Net;
using Pipeline.Tests.Infrastructure;

namespace Pipeline.Tests.Sessions;

[Collection(LoopbackCollection.Name)]
public sealed class SessionTests(LoopbackServerFixture server)
{
    public static TheoryData<string> Kinds => TestSessions.Kinds;

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Get_SessionDefaults_SendsDefaultHeaders(string kind)
    {
        using var handle = TestSessions.Create(kind);

        var response = await handle.Session.GetAsync(server.Url("/headers"));

        var headers = response.Json().GetProperty("headers");
        Assert.StartsWith("pipeline/", headers.GetProperty("User-Agent").GetString());
        Assert.Equal("*/*", headers.GetProperty("Accept").GetString());
        Assert.Equal("gzip, deflate, br", headers.GetProperty("Accept-Encoding").GetString());
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task MergeSetting_RequestHeader_OverridesSessionHeaderCaseInsensitively(string kind)
    {
        using var handle = TestSessions.Create(kind, s => s.Headers["X-Foo"] = "a");

        var response = await handle.Session.GetAsync(server.Url("/headers"), new() { Headers = new() { ["x-foo"] = "b" } });

        // requests sends the request's spelling of an overridden header.
        Assert.Equal("b", response.Json().GetProperty("headers").GetProperty("x-foo").GetString());
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task MergeSetting_NullRequestHeader_RemovesSessionHeader(string kind)
    {
        using var handle = TestSessions.Create(kind, s => s.Headers["X-Foo"] = "a");

        var response = await handle.Session.GetAsync(server.Url("/headers"), new() { Headers = new() { ["X-Foo"] = null } });

        Assert.False(response.Json().GetProperty("headers").TryGetProperty("X-Foo", out _));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task MergeSetting_Params_SessionThenRequestRepeatedKeysNullDropped(string kind)
    {
        using var handle = TestSessions.Create(kind, s => s.Params["a"] = "1");
        var requestParams = new QueryParams { { "b", "2" }, { "b", "3" }, { "n", null } };

        var response = await handle.Session.GetAsync(server.Url("/anything?q=0"), new() { Params = requestParams });

        Assert.Equal("?q=0&a=1&b=2&b=3", response.Json().GetProperty("query").GetString());
        Assert.EndsWith("/anything?q=0&a=1&b=2&b=3", response.Url);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task PostJson_SerializesWithSystemTextJson_AndSetsContentType(string kind)
    {
        using var handle = TestSessions.Create(kind);

        var response = await handle.Session.PostAsync(server.Url("/post"), new() { Json = new { Name = "x", Count = 2 } });

        var echo = response.Json();
        Assert.Equal("application/json", echo.GetProperty("headers").GetProperty("Content-Type").GetString());
        Assert.Equal(2, echo.GetProperty("json").GetProperty("count").GetInt32());
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task PostForm_DataWinsOverJson_AsRequests(string kind)
    {
        using var handle = TestSessions.Create(kind);

        var response = await handle.Session.PostAsync(server.Url("/post"), new()
        {
            Data = new Dictionary<string, string> { ["a"] = "1" },
            Json = new { ignored = true },
        });

        var echo = response.Json();
        Assert.Equal("application/x-www-form-urlencoded", echo.GetProperty("headers").GetProperty("Content-Type").GetString());
        Assert.Equal("1", echo.GetProperty("form").GetProperty("a")[0].GetString());
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Response_StatusReasonAndRaiseForStatus_FollowRequestsFormat(string kind)
    {
        using var handle = TestSessions.Create(kind);

        var response = await handle.Session.GetAsync(server.Url("/status/404?reason=Gone%20Fishing"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("Gone Fishing", response.Reason);
        Assert.False(response.Ok);
        var error = Assert.Throws<HttpErrorException>(() => response.RaiseForStatus());
        Assert.Equal($"404 Client Error: Gone Fishing for url: {server.Url("/status/404?reason=Gone%20Fishing")}", error.Message);
        Assert.Same(response, error.Response);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Response_GzipBody_IsDecodedAndHeadersKeptAsSent(string kind)
    {
        using var handle = TestSessions.Create(kind);

        var response = await handle.Session.GetAsync(server.Url("/gzip"));

        Assert.Equal("gzip", response.Json().GetProperty("compressed").GetString());
        Assert.Equal("gzip", response.Headers["Content-Encoding"]);
        Assert.NotNull(response.Headers["Content-Length"]);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task ConnectionRefused_IsConnectionException_WithTheRequest(string kind)
    {
        using var handle = TestSessions.Create(kind);
        int port;
        using (var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        var error = await Assert.ThrowsAsync<ConnectionException>(() => handle.Session.GetAsync($"http://127.0.0.1:{port}/"));

        Assert.IsAssignableFrom<HttpRequestException>(error);
        Assert.Equal($"http://127.0.0.1:{port}/", error.Request?.Url);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Cancellation_ByCaller_StaysOperationCanceled(string kind)
    {
        using var handle = TestSessions.Create(kind);
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => handle.Session.GetAsync(server.Url("/get"), cancellationToken: cts.Token));
    }
}
