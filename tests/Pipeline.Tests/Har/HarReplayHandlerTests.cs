using System.Net;
using System.Text;
using Pipeline.Tests.Authentication;
using Pipeline.Tests.Infrastructure;
using Pipeline.Testing;

namespace Pipeline.Tests.Har;

/// <summary>Record a session's traffic on a loopback server, stop the server, replay it through a fresh session.</summary>
public sealed class HarReplayHandlerTests : IDisposable
{
    private readonly HarTestFiles _files = new();

    public static TheoryData<string> Kinds => TestSessions.Kinds;

    public void Dispose() => _files.Dispose();

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Replay_RecordedSession_GivesTheSameResponsesCookiesAndHistory_WithTheServerStopped(string kind)
    {
        var path = _files.NewPath();
        string baseUrl;
        List<string> recorded;
        await using (var app = await LoopbackServer.StartAsync())
        {
            baseUrl = app.BaseUrl;
            using var recording = TestSessions.Create(kind);
            await using (recording.Session.RecordHar(path, new HarRecordingOptions { Redact = false }))
            {
                recorded = await RunScenarioAsync(recording.Session, baseUrl);
            }
        }

        using var replaying = TestSessions.Create(kind);
        var replay = HarReplayHandler.Load(path);
        replaying.Session.Mount(baseUrl + "/", replay);
        var replayed = await RunScenarioAsync(replaying.Session, baseUrl);

        Assert.Equal(recorded, replayed);
        Assert.Equal(0, replay.Remaining);
    }

    [Fact]
    public async Task Replay_RedactedRecording_GivesTheSameResponses_AndCookiesByName()
    {
        var path = _files.NewPath();
        string baseUrl;
        Response recorded;
        await using (var app = await LoopbackServer.StartAsync())
        {
            baseUrl = app.BaseUrl;
            using var session = new Session();
            await using (session.RecordHar(path))
            {
                recorded = await session.GetAsync(baseUrl + "/cookies/set?flavor=choc");
            }
        }

        using var replaying = new Session();
        replaying.Mount(baseUrl + "/", HarReplayHandler.Load(path));
        var replayed = await replaying.GetAsync(baseUrl + "/cookies/set?flavor=choc");

        Assert.Equal(recorded.Text, replayed.Text);
        Assert.Equal(recorded.History.Select(r => r.Url), replayed.History.Select(r => r.Url));
        Assert.Equal("REDACTED", replaying.Cookies["flavor"]);
    }

    [Fact]
    public async Task Replay_OAuth2Session_TokenRequestMatchesDespiteTheRedactedSecret()
    {
        var path = _files.NewPath();
        string baseUrl;
        string recorded;
        await using (var idp = await OAuth2TestServer.StartAsync())
        {
            baseUrl = idp.BaseUrl;
            using var session = new Session { Auth = NewAuth(idp.TokenUrl) };
            await using (session.RecordHar(path))
            {
                recorded = (await session.GetAsync(idp.Url("/api/orders"))).Text;
            }
        }

        using var replaying = new Session { Auth = NewAuth(baseUrl + "/token") };
        replaying.Mount(baseUrl + "/", HarReplayHandler.Load(path));
        var replayed = await replaying.GetAsync(baseUrl + "/api/orders");

        Assert.Equal(HttpStatusCode.OK, replayed.StatusCode);
        Assert.Equal(recorded, replayed.Text);
    }

    [Fact]
    public async Task Replay_CompressedResponse_IsDecodedAndKeepsItsHeaders()
    {
        var path = _files.NewPath();
        string baseUrl;
        Response recorded;
        await using (var app = await LoopbackServer.StartAsync())
        {
            baseUrl = app.BaseUrl;
            using var session = new Session();
            await using (session.RecordHar(path))
            {
                recorded = await session.GetAsync(baseUrl + "/gzip");
            }
        }

        using var replaying = new Session();
        replaying.Mount(baseUrl + "/", HarReplayHandler.Load(path));
        var replayed = await replaying.GetAsync(baseUrl + "/gzip");

        Assert.Equal(recorded.Text, replayed.Text);
        Assert.Equal("gzip", replayed.Headers["Content-Encoding"]);
        Assert.Equal(recorded.Headers["Content-Type"], replayed.Headers["Content-Type"]);
    }

    [Fact]
    public async Task Replay_SameRequestTwice_GetsTheRecordedAnswersInOrder_ThenHarReplayException()
    {
        using var session = new Session();
        session.Mount("https://api.example.com/", Load(Entry("GET", "https://api.example.com/poll", 200, "one"), Entry("GET", "https://api.example.com/poll", 200, "two")));

        var first = await session.GetAsync("https://api.example.com/poll");
        var second = await session.GetAsync("https://api.example.com/poll");
        var error = await Assert.ThrowsAsync<HarReplayException>(() => session.GetAsync("https://api.example.com/poll"));

        Assert.Equal("one", first.Text);
        Assert.Equal("two", second.Text);
        Assert.IsAssignableFrom<RequestException>(error);
        Assert.Contains("GET https://api.example.com/poll (already replayed)", error.Message);
    }

    [Fact]
    public async Task Replay_NoMatch_ListsTheNearestEntriesFirst()
    {
        using var session = new Session();
        session.Mount("https://api.example.com/", Load(
            Entry("DELETE", "https://api.example.com/orders", 204, string.Empty),
            Entry("GET", "https://api.example.com/users/12", 200, "u12"),
            Entry("GET", "https://api.example.com/users/1", 200, "u1"),
            Entry("POST", "https://api.example.com/login", 200, "in")));

        var error = await Assert.ThrowsAsync<HarReplayException>(() => session.GetAsync("https://api.example.com/users/13"));

        Assert.StartsWith("No recorded response left for GET https://api.example.com/users/13.", error.Message);
        Assert.Equal(["GET https://api.example.com/users/12", "GET https://api.example.com/users/1"], error.Nearest.Take(2));
        Assert.Equal(4, error.Nearest.Count);
    }

    [Fact]
    public async Task Replay_RecordedBody_ChoosesTheEntry_AndHeadersAreIgnored()
    {
        using var session = new Session();
        session.Mount("https://api.example.com/", Load(
            Entry("POST", "https://api.example.com/q", 200, "for a", requestBody: """{"q":"a"}"""),
            Entry("POST", "https://api.example.com/q", 200, "for b", requestBody: """{"q":"b"}""")));

        var b = await session.PostAsync("https://api.example.com/q", new() { Json = new { q = "b" }, Headers = new() { ["X-Anything"] = "1" } });
        var a = await session.PostAsync("https://api.example.com/q", new() { Json = new { q = "a" } });
        var error = await Assert.ThrowsAsync<HarReplayException>(() => session.PostAsync("https://api.example.com/q", new() { Json = new { q = "c" } }));

        Assert.Equal("for b", b.Text);
        Assert.Equal("for a", a.Text);
        Assert.Contains("(body of 9 bytes)", error.Message);
    }

    [Fact]
    public async Task Replay_RecordedFailure_IsConnectionException()
    {
        const string Har = """
            {"log":{"version":"1.2","creator":{"name":"x","version":"1"},"entries":[
              {"startedDateTime":"2026-01-01T00:00:00.000Z","time":1,"request":{"method":"GET","url":"https://api.example.com/down","httpVersion":"HTTP/1.1","cookies":[],"headers":[],"queryString":[],"headersSize":-1,"bodySize":0},
               "response":{"status":0,"statusText":"","httpVersion":"","cookies":[],"headers":[],"content":{"size":0,"mimeType":"x-unknown"},"redirectURL":"","headersSize":-1,"bodySize":-1},
               "cache":{},"timings":{"send":0,"wait":1,"receive":0},"_error":"ConnectionException: refused"}]}}
            """;
        using var session = new Session();
        session.Mount("https://api.example.com/", HarReplayHandler.Load(new MemoryStream(Encoding.UTF8.GetBytes(Har))));

        var error = await Assert.ThrowsAsync<ConnectionException>(() => session.GetAsync("https://api.example.com/down"));

        Assert.Contains("refused", error.Message);
    }

    [Fact]
    public async Task Replay_BrowserStyleEntry_PseudoHeadersSkipped_CharsetAndFormParamsHonoured()
    {
        const string Har = """
            {"log":{"version":"1.2","creator":{"name":"WebInspector","version":"537.36"},"pages":[],"entries":[
              {"startedDateTime":"2026-01-01T00:00:00.000Z","time":1,
               "request":{"method":"POST","url":"https://shop.example/form","httpVersion":"h2","cookies":[],"headers":[{"name":":authority","value":"shop.example"}],"queryString":[],
                          "postData":{"mimeType":"application/x-www-form-urlencoded","params":[{"name":"q","value":"a b"}]},"headersSize":-1,"bodySize":5},
               "response":{"status":200,"statusText":"","httpVersion":"h2","cookies":[],
                           "headers":[{"name":":status","value":"200"},{"name":"content-type","value":"text/plain; charset=iso-8859-1"}],
                           "content":{"size":4,"mimeType":"text/plain; charset=iso-8859-1","text":"café"},"redirectURL":"","headersSize":-1,"bodySize":4},
               "cache":{},"timings":{"send":0,"wait":1,"receive":0}}]}}
            """;
        using var session = new Session();
        session.Mount("https://shop.example/", HarReplayHandler.Load(new MemoryStream(Encoding.UTF8.GetBytes(Har))));

        var response = await session.PostAsync("https://shop.example/form", new() { Data = new Dictionary<string, string> { ["q"] = "a b" } });

        Assert.Equal("café", response.Text);
        Assert.Equal([0x63, 0x61, 0x66, 0xE9], response.Content);
        Assert.False(response.Headers.ContainsKey(":status"));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""{"entries":[]}""")]
    [InlineData("""{"log":{"entries":[{"request":{"url":"https://x/"},"response":{}}]}}""")]
    public void Load_NotAHarLog_IsInvalidDataException(string text)
    {
        Assert.Throws<InvalidDataException>(() => HarReplayHandler.Load(new MemoryStream(Encoding.UTF8.GetBytes(text))));
    }

    private static OAuth2ClientCredentialsAuth NewAuth(string tokenUrl) =>
        new(tokenUrl, OAuth2TestServer.ClientId, OAuth2TestServer.ClientSecret) { ClientAuthentication = OAuth2ClientAuthentication.ClientSecretPost };

    /// <summary>Redirects with cookies, a digest exchange, a JSON POST; what a test would compare of each.</summary>
    private static async Task<List<string>> RunScenarioAsync(Session session, string baseUrl)
    {
        var seen = new List<string>();
        var digest = new DigestAuth("ann", "pw");
        var responses = new[]
        {
            await session.GetAsync(baseUrl + "/cookies/set?flavor=choc&size=large"),
            await session.GetAsync(baseUrl + "/redirect-cookie/2"),
            await session.GetAsync(baseUrl + "/digest-auth/auth/ann/pw/MD5", new() { Auth = digest }),
            await session.PostAsync(baseUrl + "/post", new() { Json = new { order = 7, items = new[] { "a", "b" } } }),
        };
        foreach (var response in responses)
        {
            seen.Add($"{(int)response.StatusCode} {response.Reason} {response.Url}");
            seen.Add("history: " + string.Join(" | ", response.History.Select(h => $"{(int)h.StatusCode} {h.Url}")));
            seen.Add("type: " + response.Headers["Content-Type"]);
            seen.Add(response.Text);
        }

        seen.Add("cookies: " + string.Join("; ", session.Cookies.OrderBy(c => c.Name, StringComparer.Ordinal).Select(c => c.Name + "=" + c.Value)));
        return seen;
    }

    private static HarReplayHandler Load(params string[] entries) =>
        HarReplayHandler.Load(new MemoryStream(Encoding.UTF8.GetBytes(
            """{"log":{"version":"1.2","creator":{"name":"test","version":"1"},"entries":[""" + string.Join(",", entries) + "]}}")));

    private static string Entry(string method, string url, int status, string body, string? requestBody = null)
    {
        var postData = requestBody is null ? string.Empty : $$""","postData":{"mimeType":"application/json","text":{{System.Text.Json.JsonSerializer.Serialize(requestBody)}}}""";
        return $$$"""
            {"startedDateTime":"2026-01-01T00:00:00.000Z","time":1,
             "request":{"method":"{{{method}}}","url":"{{{url}}}","httpVersion":"HTTP/1.1","cookies":[],"headers":[],"queryString":[],"headersSize":-1,"bodySize":0{{{postData}}}},
             "response":{"status":{{{status}}},"statusText":"","httpVersion":"HTTP/1.1","cookies":[],"headers":[{"name":"Content-Type","value":"text/plain"}],
                         "content":{"size":{{{body.Length}}},"mimeType":"text/plain","text":"{{{body}}}"},"redirectURL":"","headersSize":-1,"bodySize":{{{body.Length}}}},
             "cache":{},"timings":{"send":0,"wait":1,"receive":0}}
            """;
    }
}
