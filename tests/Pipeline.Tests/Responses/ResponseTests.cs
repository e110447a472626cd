using System.Net;
using System.Text;
using Pipeline.Tests.Infrastructure;

namespace Pipeline.Tests.Responses;

[Collection(LoopbackCollection.Name)]
public sealed class ResponseTests(LoopbackServerFixture server) : IDisposable
{
    private readonly Session _session = new();

    public void Dispose() => _session.Dispose();

    [Fact]
    public async Task Encoding_TextWithoutCharset_IsLatin1SoUtf8IsGarbled_AsRequests()
    {
        var response = await _session.GetAsync(server.Url("/text?type=text/html"));

        Assert.Equal(Encoding.Latin1, response.Encoding);
        Assert.Equal(Encoding.Latin1.GetString(Encoding.UTF8.GetBytes("café ünïcode")), response.Text);
    }

    [Fact]
    public async Task Encoding_CharsetParameterWithQuotes_IsUsed()
    {
        var response = await _session.GetAsync(server.Url("/text?type=" + Uri.EscapeDataString("text/plain; charset=\"utf-8\"")));

        Assert.Equal("utf-8", response.Encoding!.WebName);
        Assert.Equal("café ünïcode", response.Text);
    }

    [Fact]
    public async Task Encoding_NoContentType_IsNullAndTextIsDetected()
    {
        var response = await _session.GetAsync(server.Url("/text"));

        Assert.Null(response.Encoding);
        Assert.Equal("café ünïcode", response.Text);
    }

    [Fact]
    public async Task Encoding_SetByTheCaller_ChangesText()
    {
        var response = await _session.GetAsync(server.Url("/text?type=text/html"));

        response.Encoding = Encoding.UTF8;

        Assert.Equal("café ünïcode", response.Text);
    }

    [Fact]
    public async Task Json_Typed_UsesWebDefaults()
    {
        var response = await _session.GetAsync(server.Url("/json"));

        var document = response.Json<JsonSample>();

        Assert.Equal(42, document!.Number);
        Assert.Equal("Yours Truly", document.Slideshow.Author);
    }

    [Fact]
    public async Task Json_NotJson_IsJsonDecodeException_AsTestJsonDecodeCompatibility()
    {
        var response = await _session.GetAsync(server.Url("/text?type=text/plain"));

        var error = Assert.Throws<JsonDecodeException>(() => response.Json());
        var typed = Assert.Throws<JsonDecodeException>(() => response.Json<JsonSample>());

        // requests' JSONDecodeError is an InvalidJSONError, so a RequestException; System.Text.Json's failure is inside.
        Assert.IsAssignableFrom<InvalidJsonException>(error);
        Assert.IsAssignableFrom<RequestException>(error);
        Assert.IsAssignableFrom<System.Text.Json.JsonException>(error.InnerException);
        Assert.IsAssignableFrom<System.Text.Json.JsonException>(typed.InnerException);
        Assert.Same(response, error.Response);
        Assert.Equal(response.Url, error.Request!.Url);
    }

    [Fact]
    public async Task Json_EmptyBody_IsJsonDecodeException()
    {
        var response = await _session.GetAsync(server.Url("/status/204"));

        Assert.Throws<JsonDecodeException>(() => response.Json());
    }

    [Fact]
    public async Task Headers_RepeatedResponseHeader_JoinedWithCommaSpace_AsRequests()
    {
        var response = await _session.GetAsync(server.Url("/response-headers?X-Multi=a&X-Multi=b"));

        Assert.Equal("a, b", response.Headers["x-multi"]);
    }

    [Fact]
    public async Task Links_LinkHeader_KeyedByRel()
    {
        var link = Uri.EscapeDataString("<https://api.example.com/items?page=2>; rel=\"next\", <https://api.example.com/items?page=9>; rel=\"last\"");

        var response = await _session.GetAsync(server.Url("/response-headers?Link=" + link));

        Assert.Equal("https://api.example.com/items?page=2", response.Links["next"].Url);
        Assert.Equal("last", response.Links["last"].Rel);
    }

    [Theory]
    [InlineData(301, true, true)]
    [InlineData(302, true, false)]
    [InlineData(303, true, false)]
    [InlineData(307, true, false)]
    [InlineData(308, true, true)]
    [InlineData(300, false, false)]
    public async Task IsRedirect_NeedsLocationAndARedirectStatus_AsRequests(int status, bool redirect, bool permanent)
    {
        var response = await _session.GetAsync(server.Url($"/redirect-to?url=/get&status_code={status}"), new() { AllowRedirects = false });

        Assert.Equal(redirect, response.IsRedirect);
        Assert.Equal(permanent, response.IsPermanentRedirect);
    }

    [Theory]
    [InlineData(200, true)]
    [InlineData(302, true)]
    [InlineData(404, false)]
    [InlineData(503, false)]
    [InlineData(600, true)]
    public async Task Ok_IsFalseOnlyFor4xxAnd5xx_AsRequests(int status, bool ok)
    {
        var response = await _session.GetAsync(server.Url($"/status/{status}"));

        Assert.Equal(ok, response.Ok);
    }

    [Fact]
    public async Task RaiseForStatus_ServerError_UsesRequestsMessage()
    {
        var response = await _session.GetAsync(server.Url("/status/503"));

        var error = Assert.Throws<HttpErrorException>(() => response.RaiseForStatus());

        Assert.Equal($"503 Server Error: Service Unavailable for url: {server.Url("/status/503")}", error.Message);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, error.StatusCode);
    }

    [Fact]
    public async Task RaiseForStatus_Success_ReturnsTheResponse()
    {
        var response = await _session.GetAsync(server.Url("/get"));

        Assert.Same(response, response.RaiseForStatus());
    }

    [Theory]
    [InlineData("/gzip", "gzip")]
    [InlineData("/deflate", "deflate")]
    [InlineData("/deflate-raw", "deflate")]
    [InlineData("/brotli", "br")]
    public async Task Content_CompressedBodies_AreDecoded(string path, string encoding)
    {
        var response = await _session.GetAsync(server.Url(path));

        Assert.Equal(encoding, response.Json().GetProperty("compressed").GetString());
    }

    [Fact]
    public async Task Content_BrokenGzip_IsContentDecodingException()
    {
        var error = await Assert.ThrowsAsync<ContentDecodingException>(() => _session.GetAsync(server.Url("/broken-gzip")));

        Assert.NotNull(error.Response);
        Assert.EndsWith("/broken-gzip", error.Request!.Url);
    }

    [Fact]
    public async Task Request_ShowsWhatWasSent()
    {
        var response = await _session.PostAsync(server.Url("/post"), new() { Json = new { a = 1 }, Params = new() { ["q"] = "1" } });

        Assert.Equal("POST", response.Request.Method);
        Assert.Equal(server.Url("/post?q=1"), response.Request.Url);
        Assert.Equal("application/json", response.Request.Headers["content-type"]);
        Assert.Equal("{\"a\":1}", Encoding.UTF8.GetString(response.Request.Body!));
    }

    [Fact]
    public async Task Elapsed_IsMeasured()
    {
        var response = await _session.GetAsync(server.Url("/get"));

        Assert.True(response.Elapsed > TimeSpan.Zero);
    }

    [Fact]
    public async Task Stream_ContentBeforeRead_ThrowsUntilReadContentAsync()
    {
        using var response = await _session.GetAsync(server.Url("/bytes/1000"), new() { Stream = true });

        Assert.Throws<InvalidOperationException>(() => response.Content);
        await response.ReadContentAsync();
        Assert.Equal(1000, response.Content.Length);
    }

    [Fact]
    public async Task IterContent_Streamed_ChunksThenSecondIterationIsStreamConsumed_AsRequests()
    {
        using var response = await _session.GetAsync(server.Url("/bytes/1000"), new() { Stream = true });

        var total = 0;
        var chunks = 0;
        await foreach (var chunk in response.IterContentAsync(300))
        {
            Assert.True(chunk.Length <= 300);
            total += chunk.Length;
            chunks++;
        }

        Assert.Equal(1000, total);
        Assert.Equal(4, chunks);
        Assert.Throws<StreamConsumedException>(() => response.IterContentAsync());
        Assert.Throws<InvalidOperationException>(() => response.Content);
    }

    [Fact]
    public async Task IterContent_Buffered_ReplaysTheContent()
    {
        var response = await _session.GetAsync(server.Url("/bytes/10"));

        var first = new List<byte>();
        await foreach (var chunk in response.IterContentAsync(3))
        {
            first.AddRange(chunk.ToArray());
        }

        Assert.Equal(response.Content, first.ToArray());
    }

    [Fact]
    public async Task IterLines_SplitsOnEveryLineBreak()
    {
        using var response = await _session.GetAsync(server.Url("/lines"), new() { Stream = true });

        var lines = new List<string>();
        await foreach (var line in response.IterLinesAsync())
        {
            lines.Add(line);
        }

        Assert.Equal(["one", "two", "three", "four"], lines);
    }

    [Fact]
    public async Task IterLines_CustomDelimiter()
    {
        var response = await _session.GetAsync(server.Url("/lines?body=a|b||c"));

        var lines = new List<string>();
        await foreach (var line in response.IterLinesAsync("|"))
        {
            lines.Add(line);
        }

        Assert.Equal(["a", "b", "", "c"], lines);
    }

    [Fact]
    public async Task ToString_IsRequestsRepr()
    {
        var response = await _session.GetAsync(server.Url("/status/201"));

        Assert.Equal("<Response [201]>", response.ToString());
    }

    private sealed record JsonSample(Slideshow Slideshow, int Number);

    private sealed record Slideshow(string Title, string Author);
}
