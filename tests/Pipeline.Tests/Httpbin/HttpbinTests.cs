using System.Net;
using Pipeline.Tests.Infrastructure;

namespace Pipeline.Tests.Httpbin;

/// <summary>The session against a peer we did not write: Debian's httpbin under gunicorn on 127.0.0.1.</summary>
[Collection(LoopbackCollection.Name)]
public sealed class HttpbinTests(HttpbinFixture httpbin)
{
    public static TheoryData<string> Kinds => TestSessions.Kinds;

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Get_SessionParamsAndHeaders_ReachHttpbin(string kind)
    {
        using var handle = TestSessions.Create(kind, s =>
        {
            s.Params["api"] = "v1";
            s.Headers["X-Client"] = "pipeline-tests";
        });

        var response = await handle.Session.GetAsync(httpbin.Url("/get"), new() { Params = new() { { "tag", "a" }, { "tag", "b" } } });

        var echo = response.Json();
        Assert.Equal("v1", echo.GetProperty("args").GetProperty("api").GetString());
        Assert.Equal(2, echo.GetProperty("args").GetProperty("tag").GetArrayLength());
        Assert.Equal("pipeline-tests", echo.GetProperty("headers").GetProperty("X-Client").GetString());
        Assert.StartsWith("pipeline/", echo.GetProperty("headers").GetProperty("User-Agent").GetString());
        Assert.Equal(httpbin.Url("/get?api=v1&tag=a&tag=b"), echo.GetProperty("url").GetString());
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Post_FormJsonAndFiles_AreUnderstoodByHttpbin(string kind)
    {
        using var handle = TestSessions.Create(kind);
        var session = handle.Session;

        var form = (await session.PostAsync(httpbin.Url("/post"), new() { Data = new Dictionary<string, string> { ["a"] = "1 2" } })).Json();
        var json = (await session.PostAsync(httpbin.Url("/post"), new() { Json = new { answer = 42 } })).Json();
        var files = (await session.PostAsync(httpbin.Url("/post"), new()
        {
            Data = new Dictionary<string, string> { ["note"] = "n" },
            Files = new() { ["doc"] = new FileItem("doc.txt", "contents"u8.ToArray()) },
        })).Json();

        Assert.Equal("1 2", form.GetProperty("form").GetProperty("a").GetString());
        Assert.Equal(42, json.GetProperty("json").GetProperty("answer").GetInt32());
        Assert.Equal("contents", files.GetProperty("files").GetProperty("doc").GetString());
        Assert.Equal("n", files.GetProperty("form").GetProperty("note").GetString());
    }

    [Fact]
    public async Task Reason_IsTheServersOwnPhrase()
    {
        using var session = new Session();

        var response = await session.GetAsync(httpbin.Url("/status/418"));

        Assert.Equal((HttpStatusCode)418, response.StatusCode);
        Assert.Equal("I'M A TEAPOT", response.Reason);
        Assert.Contains("418 Client Error: I'M A TEAPOT for url:", Assert.Throws<HttpErrorException>(() => response.RaiseForStatus()).Message);
    }

    [Theory]
    [InlineData("/gzip", "gzipped")]
    [InlineData("/deflate", "deflated")]
    [InlineData("/brotli", "brotli")]
    public async Task CompressedBodies_FromHttpbin_AreDecoded(string path, string flag)
    {
        using var session = new Session();

        var response = await session.GetAsync(httpbin.Url(path));

        Assert.True(response.Json().GetProperty(flag).GetBoolean());
    }

    [Fact]
    public async Task Text_Utf8Page_DecodedWithItsCharset()
    {
        using var session = new Session();

        var response = await session.GetAsync(httpbin.Url("/html"));

        Assert.Equal("utf-8", response.Encoding!.WebName);
        Assert.Contains("Herman Melville - Moby-Dick", response.Text);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task BasicAuth_SessionCredentials_Authenticate(string kind)
    {
        using var handle = TestSessions.Create(kind, s => s.Auth = ("user", "passwd"));

        var ok = await handle.Session.GetAsync(httpbin.Url("/basic-auth/user/passwd"));
        var hidden = await handle.Session.GetAsync(httpbin.Url("/hidden-basic-auth/user/passwd"));
        var wrong = await handle.Session.GetAsync(httpbin.Url("/basic-auth/user/passwd"), new() { Auth = ("user", "nope") });

        Assert.True(ok.Json().GetProperty("authenticated").GetBoolean());
        Assert.Equal(HttpStatusCode.OK, hidden.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
    }

    [Fact]
    public async Task BearerAuth_IsAccepted()
    {
        using var session = new Session { Auth = new BearerAuth("abc123") };

        var response = await session.GetAsync(httpbin.Url("/bearer"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Json().GetProperty("authenticated").GetBoolean());
    }

    [Fact]
    public async Task ResponseHeaders_AreCaseInsensitive()
    {
        using var session = new Session();

        var response = await session.GetAsync(httpbin.Url("/response-headers?X-Custom=v"));

        Assert.Equal("v", response.Headers["x-custom"]);
        Assert.Equal("v", response.Headers["X-CUSTOM"]);
    }

    [Fact]
    public async Task IterLines_JsonLinesStream()
    {
        using var session = new Session();
        using var response = await session.GetAsync(httpbin.Url("/stream/5"), new() { Stream = true });

        var ids = new List<int>();
        await foreach (var line in response.IterLinesAsync())
        {
            ids.Add(System.Text.Json.JsonDocument.Parse(line).RootElement.GetProperty("id").GetInt32());
        }

        Assert.Equal([0, 1, 2, 3, 4], ids);
    }

    [Fact]
    public async Task Bytes_BinaryBodyIsExact()
    {
        using var session = new Session();

        var response = await session.GetAsync(httpbin.Url("/bytes/2048?seed=1"));

        Assert.Equal(2048, response.Content.Length);
        Assert.Equal("application/octet-stream", response.Headers["Content-Type"]);
    }
}
