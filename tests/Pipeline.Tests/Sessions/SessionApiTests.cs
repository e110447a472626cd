using System.Net;
using Pipeline.Tests.Infrastructure;
using RichardSzalay.MockHttp;

namespace Pipeline.Tests.Sessions;

[Collection(LoopbackCollection.Name)]
public sealed class SessionApiTests(LoopbackServerFixture server)
{
    public static TheoryData<string> Kinds => TestSessions.Kinds;

    [Fact]
    public void Defaults_MatchRequestsSessionInit()
    {
        using var session = new Session();

        Assert.Equal(["User-Agent", "Accept-Encoding", "Accept", "Connection"], session.Headers.Keys);
        Assert.Equal(["https://", "http://"], session.Adapters.Keys);
        Assert.Equal(30, session.MaxRedirects);
        Assert.True(session.TrustEnv);
        Assert.False(session.Stream);
        Assert.True(session.Verify.IsEnabled);
        Assert.Null(session.Auth);
        Assert.Null(session.Cert);
        Assert.Equal(0, session.Params.Count);
        Assert.Equal(0, session.Proxies.Count);
        Assert.Equal(0, session.Hooks.Response.Count);
        Assert.Equal(0, session.Cookies.Count);
    }

    [Fact]
    public void RequestsSession_IsANewSession()
    {
        using var first = Requests.Session();
        using var second = Requests.Session();

        Assert.NotSame(first, second);
        Assert.NotSame(first.Cookies, second.Cookies);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task PrepareUrl_NoScheme_ThrowsMissingSchemaWithRequestsWording(string kind)
    {
        using var handle = TestSessions.Create(kind);

        var error = await Assert.ThrowsAsync<MissingSchemaException>(() => handle.Session.GetAsync("example.com/path"));

        Assert.Equal("Invalid URL 'example.com/path': No scheme supplied. Perhaps you meant https://example.com/path?", error.Message);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task GetAdapter_UnservedScheme_ThrowsInvalidSchema(string kind)
    {
        using var handle = TestSessions.Create(kind);

        var error = await Assert.ThrowsAsync<InvalidSchemaException>(() => handle.Session.GetAsync("ftp://127.0.0.1/file"));

        Assert.Equal("No connection adapters were found for 'ftp://127.0.0.1/file'", error.Message);
        Assert.IsAssignableFrom<InvalidUrlException>(error);
    }

    [Theory]
    [InlineData("http://")]
    [InlineData("http://*.example.com/")]
    [InlineData("http://.example.com/")]
    [InlineData("http://host:99999/")]
    public async Task PrepareUrl_BadHost_ThrowsInvalidUrl(string url)
    {
        using var session = new Session();

        await Assert.ThrowsAnyAsync<InvalidUrlException>(() => session.GetAsync(url));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Mount_LongestPrefixWinsCaseInsensitively(string kind)
    {
        using var handle = TestSessions.Create(kind);
        var general = new MockHttpMessageHandler();
        general.When("*").Respond("text/plain", "general");
        var specific = new MockHttpMessageHandler();
        specific.When("*").Respond("text/plain", "specific");
        handle.Session.Mount("http://api.test/", general);
        handle.Session.Mount("HTTP://API.TEST/v2/", specific);

        var v1 = await handle.Session.GetAsync("http://api.test/v1/items");
        var v2 = await handle.Session.GetAsync("http://api.test/v2/items");

        Assert.Equal("general", v1.Text);
        Assert.Equal("specific", v2.Text);
        Assert.Same(specific, handle.Session.GetAdapter("http://API.test/V2/x"));
        Assert.Equal(["HTTP://API.TEST/v2/", "http://api.test/", "https://", "http://"], handle.Session.Adapters.Keys);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Mount_CustomScheme_IsServedByItsAdapter(string kind)
    {
        using var handle = TestSessions.Create(kind);
        var mock = new MockHttpMessageHandler();
        mock.Expect("mock://service/ping").Respond("text/plain", "pong");
        handle.Session.Mount("mock://", mock);

        var response = await handle.Session.GetAsync("mock://service/ping");

        Assert.Equal("pong", response.Text);
        mock.VerifyNoOutstandingExpectation();
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task BaseAddress_RelativeUrl_ResolvesAgainstIt(string kind)
    {
        using var handle = TestSessions.Create(kind, s => s.BaseAddress = new Uri(server.Url("/anything/")));

        var response = await handle.Session.GetAsync("items/1?x=1");

        Assert.Equal("/anything/items/1", response.Json().GetProperty("path").GetString());
        Assert.Equal(server.Url("/anything/items/1?x=1"), response.Url);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Files_Multipart_DataFieldsFirstThenFiles(string kind)
    {
        using var handle = TestSessions.Create(kind);

        var response = await handle.Session.PostAsync(server.Url("/post"), new()
        {
            Data = new Dictionary<string, string> { ["field"] = "value" },
            Files = new() { ["upload"] = new FileItem("report.txt", "file body"u8.ToArray(), "text/plain") },
        });

        var echo = response.Json();
        Assert.StartsWith("multipart/form-data; boundary=", echo.GetProperty("headers").GetProperty("Content-Type").GetString());
        Assert.Equal("value", echo.GetProperty("form").GetProperty("field")[0].GetString());
        var file = echo.GetProperty("files").GetProperty("upload");
        Assert.Equal("report.txt", file.GetProperty("filename").GetString());
        Assert.Equal("file body", file.GetProperty("content").GetString());
        Assert.Equal("text/plain", file.GetProperty("content_type").GetString());
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task PrepareRequest_ShowsFinalUrlHeadersAuthAndBody(string kind)
    {
        using var handle = TestSessions.Create(kind, s =>
        {
            s.Params["a"] = "1";
            s.Headers["X-Session"] = "s";
            s.Auth = ("user", "pass");
        });

        var prepared = handle.Session.PrepareRequest(new Request("post", "http://h.test/p?q=0")
        {
            Params = new() { ["b"] = "2" },
            Headers = new() { ["X-Request"] = "r" },
            Json = new { value = 1 },
        });

        Assert.Equal("POST", prepared.Method);
        Assert.Equal("http://h.test/p?q=0&a=1&b=2", prepared.Url);
        Assert.Equal("s", prepared.Headers["x-session"]);
        Assert.Equal("r", prepared.Headers["X-Request"]);
        Assert.Equal("Basic dXNlcjpwYXNz", prepared.Headers["Authorization"]);
        Assert.Equal("application/json", prepared.Headers["Content-Type"]);
        Assert.Equal("11", prepared.Headers["Content-Length"]);
        Assert.Equal("{\"value\":1}", System.Text.Encoding.UTF8.GetString(prepared.Body!));
    }

    [Fact]
    public void PreparedRequest_Copy_IsIndependent()
    {
        using var session = new Session();
        var prepared = session.PrepareRequest(new Request("GET", "http://h.test/") { Headers = new() { ["X-A"] = "1" } });

        var copy = prepared.Copy();
        copy.Headers["X-A"] = "2";

        Assert.Equal("1", prepared.Headers["X-A"]);
        Assert.Equal("<PreparedRequest [GET]>", copy.ToString());
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task JsonSerializerOptions_AreConfigurable(string kind)
    {
        var options = new System.Text.Json.JsonSerializerOptions { PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.SnakeCaseLower };
        using var handle = TestSessions.Create(kind, s => s.JsonSerializerOptions = options);

        var response = await handle.Session.PostAsync(server.Url("/post"), new() { Json = new { UserName = "x" } });

        Assert.Equal("x", response.Json().GetProperty("json").GetProperty("user_name").GetString());
    }

    [Fact]
    public async Task Dispose_ThenRequest_ThrowsObjectDisposed()
    {
        var session = new Session();
        await session.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => session.GetAsync(server.Url("/get")));
    }

    [Fact]
    public async Task Close_IsDispose()
    {
        var session = new Session();
        session.Close();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => session.GetAsync(server.Url("/get")));
    }

    [Fact]
    public async Task RequestsGetAsync_OneShotWithFreshDefaults()
    {
        var response = await Requests.GetAsync(server.Url("/headers"), new() { Headers = new() { ["X-Once"] = "1" } });
        var again = await Requests.GetAsync(server.Url("/headers"));

        Assert.Equal("1", response.Json().GetProperty("headers").GetProperty("X-Once").GetString());
        Assert.False(again.Json().GetProperty("headers").TryGetProperty("X-Once", out _));
        Assert.StartsWith("pipeline/", again.Json().GetProperty("headers").GetProperty("User-Agent").GetString());
    }

    [Theory]
    [InlineData("POST")]
    [InlineData("PUT")]
    [InlineData("PATCH")]
    [InlineData("DELETE")]
    [InlineData("OPTIONS")]
    [InlineData("GET")]
    public async Task Verbs_SendTheirMethod(string method)
    {
        using var session = new Session();
        var url = server.Url("/anything");

        var response = method switch
        {
            "POST" => await session.PostAsync(url),
            "PUT" => await session.PutAsync(url),
            "PATCH" => await session.PatchAsync(url),
            "DELETE" => await session.DeleteAsync(url),
            "OPTIONS" => await session.OptionsAsync(url),
            _ => await session.GetAsync(url),
        };

        Assert.Equal(method, response.Json().GetProperty("method").GetString());
    }

    [Fact]
    public async Task HeadAsync_ReturnsHeadersWithoutBody()
    {
        using var session = new Session();

        var response = await session.HeadAsync(server.Url("/anything"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(response.Content);
        Assert.Equal("application/json; charset=utf-8", response.Headers["Content-Type"]);
    }

    [Fact]
    public async Task ConcurrentRequests_OnOneSession_AllSucceed()
    {
        using var session = new Session();
        session.Headers["X-Shared"] = "yes";

        var responses = await Task.WhenAll(Enumerable.Range(0, 32).Select(i =>
            session.GetAsync(server.Url("/anything"), new() { Params = new() { ["i"] = i.ToString(System.Globalization.CultureInfo.InvariantCulture) } })));

        for (var i = 0; i < responses.Length; i++)
        {
            var echo = responses[i].Json();
            Assert.Equal(i.ToString(System.Globalization.CultureInfo.InvariantCulture), echo.GetProperty("args").GetProperty("i")[0].GetString());
            Assert.Equal("yes", echo.GetProperty("headers").GetProperty("X-Shared").GetString());
        }
    }

    [Fact]
    public void MaxRedirects_Negative_Throws()
    {
        using var session = new Session();

        Assert.Throws<ArgumentOutOfRangeException>(() => session.MaxRedirects = -1);
    }
}
