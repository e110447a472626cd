using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Pipeline.Tests.Authentication;
using Pipeline.Tests.Infrastructure;

namespace Pipeline.Tests.Har;

/// <summary>Session.RecordHar against the loopback server: HAR 1.2 fields, every hop on the wire, redaction, bodies, concurrency.</summary>
[Collection(LoopbackCollection.Name)]
public sealed class HarRecordingTests(LoopbackServerFixture server) : IDisposable
{
    private readonly HarTestFiles _files = new();

    public static TheoryData<string> Kinds => TestSessions.Kinds;

    public void Dispose() => _files.Dispose();

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task RecordHar_WritesEveryFieldHar12Requires(string kind)
    {
        var path = _files.NewPath();
        using var handle = TestSessions.Create(kind);

        await using (handle.Session.RecordHar(path))
        {
            await handle.Session.GetAsync(server.Url("/get?a=1&b=two+words"));
            await handle.Session.PostAsync(server.Url("/post"), new() { Json = new { name = "ann", n = 2 } });
        }

        using var document = JsonDocument.Parse(File.ReadAllBytes(path));
        var log = document.RootElement.GetProperty("log");
        Assert.Equal("1.2", log.GetProperty("version").GetString());
        Assert.Equal("Pipeline", log.GetProperty("creator").GetProperty("name").GetString());
        Assert.False(string.IsNullOrEmpty(log.GetProperty("creator").GetProperty("version").GetString()));
        var entries = log.GetProperty("entries").EnumerateArray().ToArray();
        Assert.Equal(2, entries.Length);
        foreach (var entry in entries)
        {
            Assert.True(DateTimeOffset.TryParse(entry.GetProperty("startedDateTime").GetString(), System.Globalization.CultureInfo.InvariantCulture, out _));
            Assert.True(entry.GetProperty("time").GetDouble() >= 0);
            var request = entry.GetProperty("request");
            foreach (var field in new[] { "method", "url", "httpVersion", "cookies", "headers", "queryString", "headersSize", "bodySize" })
            {
                Assert.True(request.TryGetProperty(field, out _), "request." + field);
            }

            var response = entry.GetProperty("response");
            foreach (var field in new[] { "status", "statusText", "httpVersion", "cookies", "headers", "content", "redirectURL", "headersSize", "bodySize" })
            {
                Assert.True(response.TryGetProperty(field, out _), "response." + field);
            }

            Assert.True(response.GetProperty("content").TryGetProperty("size", out _));
            Assert.True(response.GetProperty("content").TryGetProperty("mimeType", out _));
            Assert.Equal(JsonValueKind.Object, entry.GetProperty("cache").ValueKind);
            var timings = entry.GetProperty("timings");
            Assert.True(timings.GetProperty("send").GetDouble() >= 0);
            Assert.True(timings.GetProperty("wait").GetDouble() >= 0);
            Assert.True(timings.GetProperty("receive").GetDouble() >= 0);
        }

        var get = entries[0];
        Assert.Equal("GET", get.GetProperty("request").GetProperty("method").GetString());
        Assert.Equal(server.Url("/get?a=1&b=two+words"), get.GetProperty("request").GetProperty("url").GetString());
        Assert.Equal("HTTP/1.1", get.GetProperty("request").GetProperty("httpVersion").GetString());
        Assert.Equal(["a=1", "b=two words"], get.GetProperty("request").GetProperty("queryString").EnumerateArray()
            .Select(q => q.GetProperty("name").GetString() + "=" + q.GetProperty("value").GetString()));
        Assert.Equal(200, get.GetProperty("response").GetProperty("status").GetInt32());
        Assert.Equal("OK", get.GetProperty("response").GetProperty("statusText").GetString());
        Assert.Contains("\"args\"", get.GetProperty("response").GetProperty("content").GetProperty("text").GetString());
        Assert.Equal(0, get.GetProperty("request").GetProperty("bodySize").GetInt64());

        var post = entries[1].GetProperty("request");
        Assert.Equal("application/json", post.GetProperty("postData").GetProperty("mimeType").GetString());
        Assert.Equal("""{"name":"ann","n":2}""", post.GetProperty("postData").GetProperty("text").GetString());
        Assert.Equal(20, post.GetProperty("bodySize").GetInt64());
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task RecordHar_RecordsEveryHopOnTheWire_RedirectsDigest401sAndRetries(string kind)
    {
        var path = _files.NewPath();
        using var handle = TestSessions.Create(kind, s => s.Retry = new RetryPolicy { Total = 2, StatusForcelist = new HashSet<int> { 503 }, RaiseOnStatus = false });

        await using (handle.Session.RecordHar(path))
        {
            await handle.Session.GetAsync(server.Url("/redirect/3"));
            await handle.Session.GetAsync(server.Url("/digest-auth/auth/ann/pw/MD5"), new() { Auth = new DigestAuth("ann", "pw") });
            await handle.Session.GetAsync(server.Url("/status/503"));
        }

        var hops = HarTestFiles.Entries(path).Select(e => e.GetProperty("response").GetProperty("status").GetInt32() + " " + new Uri(e.GetProperty("request").GetProperty("url").GetString()!).AbsolutePath).ToArray();
        Assert.Equal(
            ["302 /redirect/3", "302 /redirect/2", "302 /redirect/1", "200 /get", "401 /digest-auth/auth/ann/pw/MD5", "200 /digest-auth/auth/ann/pw/MD5", "503 /status/503", "503 /status/503", "503 /status/503"],
            hops);
        var redirect = HarTestFiles.Entries(path)[0].GetProperty("response");
        Assert.Equal("/redirect/2", redirect.GetProperty("redirectURL").GetString());
    }

    [Fact]
    public async Task RecordHar_RedactsCredentialsAndCookiesByDefault_KeepingTheirNames()
    {
        var path = _files.NewPath();
        using var session = new Session { Auth = new BasicAuth("ann", "basic-password") };
        session.Cookies.Set("jar_cookie", "jar-cookie-value");

        await using (session.RecordHar(path))
        {
            await session.PostAsync(server.Url("/login"));
        }

        var text = await File.ReadAllTextAsync(path);
        var issued = session.Cookies["session"]!;
        Assert.DoesNotContain(Convert.ToBase64String(Encoding.Latin1.GetBytes("ann:basic-password")), text);
        Assert.DoesNotContain("jar-cookie-value", text);
        Assert.DoesNotContain(issued, text);
        var entry = HarTestFiles.Entries(path)[0];
        Assert.Equal("Basic REDACTED", HarTestFiles.Header(entry.GetProperty("request"), "Authorization"));
        Assert.Equal("jar_cookie=REDACTED", HarTestFiles.Header(entry.GetProperty("request"), "Cookie"));
        Assert.Equal("session=REDACTED; path=/", HarTestFiles.Header(entry.GetProperty("response"), "Set-Cookie"));
        var cookie = Assert.Single(entry.GetProperty("response").GetProperty("cookies").EnumerateArray());
        Assert.Equal("session", cookie.GetProperty("name").GetString());
        Assert.Equal("REDACTED", cookie.GetProperty("value").GetString());
        Assert.Equal("/", cookie.GetProperty("path").GetString());
        var sent = Assert.Single(entry.GetProperty("request").GetProperty("cookies").EnumerateArray());
        Assert.Equal("jar_cookie", sent.GetProperty("name").GetString());
        Assert.Equal("REDACTED", sent.GetProperty("value").GetString());
    }

    [Fact]
    public async Task RecordHar_RedactFalse_KeepsTheValues_AndExtraHeadersCanBeRedacted()
    {
        var path = _files.NewPath();
        using var session = new Session { Auth = new BearerAuth("bearer-token") };
        session.Headers["X-Api-Key"] = "api-key-value";
        var options = new HarRecordingOptions { Redact = false };
        var redacting = new HarRecordingOptions();
        redacting.RedactedHeaders.Add("X-Api-Key");
        var redactedPath = _files.NewPath();

        await using (session.RecordHar(path, options))
        await using (session.RecordHar(redactedPath, redacting))
        {
            await session.GetAsync(server.Url("/get"));
        }

        var kept = HarTestFiles.Entries(path).Single().GetProperty("request");
        Assert.Equal("Bearer bearer-token", HarTestFiles.Header(kept, "Authorization"));
        Assert.Equal("api-key-value", HarTestFiles.Header(kept, "X-Api-Key"));
        var hidden = HarTestFiles.Entries(redactedPath).Single().GetProperty("request");
        Assert.Equal("Bearer REDACTED", HarTestFiles.Header(hidden, "Authorization"));
        Assert.Equal("REDACTED", HarTestFiles.Header(hidden, "X-Api-Key"));
    }

    [Fact]
    public async Task RecordHar_BodiesBeyondTheCap_AreTruncatedAndSaySo()
    {
        var path = _files.NewPath();
        using var session = new Session();

        await using (session.RecordHar(path, new HarRecordingOptions { MaxBodySize = 100 }))
        {
            await session.GetAsync(server.Url("/bytes/5000"));
            await session.PostAsync(server.Url("/post"), new() { Data = new string('x', 300) });
        }

        var entries = HarTestFiles.Entries(path);
        var content = entries[0].GetProperty("response").GetProperty("content");
        Assert.Equal("base64", content.GetProperty("encoding").GetString());
        Assert.Equal(100, Convert.FromBase64String(content.GetProperty("text").GetString()!).Length);
        Assert.True(content.GetProperty("_truncated").GetBoolean());
        Assert.Equal(5000, entries[0].GetProperty("response").GetProperty("bodySize").GetInt64());
        var postData = entries[1].GetProperty("request").GetProperty("postData");
        Assert.Equal(new string('x', 100), postData.GetProperty("text").GetString());
        Assert.Equal(300, entries[1].GetProperty("request").GetProperty("bodySize").GetInt64());
    }

    [Fact]
    public async Task RecordHar_BinaryBody_IsBase64()
    {
        var path = _files.NewPath();
        using var session = new Session();

        await using (session.RecordHar(path))
        {
            await session.GetAsync(server.Url("/bytes/256"));
        }

        var content = HarTestFiles.Entries(path)[0].GetProperty("response").GetProperty("content");
        Assert.Equal("base64", content.GetProperty("encoding").GetString());
        Assert.Equal(Enumerable.Range(0, 256).Select(i => (byte)(i % 251)), Convert.FromBase64String(content.GetProperty("text").GetString()!));
        Assert.Equal(256, content.GetProperty("size").GetInt32());
    }

    [Theory]
    [InlineData("/gzip")]
    [InlineData("/deflate")]
    [InlineData("/brotli")]
    public async Task RecordHar_CompressedBody_IsWrittenDecoded_WithTheWireSizeAsBodySize(string endpoint)
    {
        var path = _files.NewPath();
        using var session = new Session();
        Response response;

        await using (session.RecordHar(path))
        {
            response = await session.GetAsync(server.Url(endpoint));
        }

        var recorded = HarTestFiles.Entries(path)[0].GetProperty("response");
        var content = recorded.GetProperty("content");
        Assert.Equal(response.Text, content.GetProperty("text").GetString());
        Assert.Equal(response.Content.Length, content.GetProperty("size").GetInt32());
        Assert.Equal(long.Parse(response.Headers["Content-Length"]!, System.Globalization.CultureInfo.InvariantCulture), recorded.GetProperty("bodySize").GetInt64());
        Assert.Equal(content.GetProperty("size").GetInt64() - recorded.GetProperty("bodySize").GetInt64(), content.GetProperty("compression").GetInt64());
    }

    [Fact]
    public async Task RecordHar_ConcurrentRequests_EachIsOneEntry()
    {
        var path = _files.NewPath();
        using var session = new Session();

        await using (session.RecordHar(path))
        {
            await Task.WhenAll(Enumerable.Range(0, 32).Select(i => session.GetAsync(server.Url($"/get?i={i}"))));
        }

        var entries = HarTestFiles.Entries(path);
        Assert.Equal(32, entries.Length);
        Assert.Equal(Enumerable.Range(0, 32).Select(i => $"i={i}").Order(), entries.Select(e => new Uri(e.GetProperty("request").GetProperty("url").GetString()!).Query.TrimStart('?')).Order());
        Assert.All(entries, e => Assert.Contains($"\"i\"", e.GetProperty("response").GetProperty("content").GetProperty("text").GetString()));
        var started = entries.Select(e => DateTimeOffset.Parse(e.GetProperty("startedDateTime").GetString()!, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(started.Order(), started);
    }

    [Fact]
    public async Task RecordHar_Disposal_WritesAtomically_AndReplacesAnOldFile()
    {
        var path = _files.NewPath();
        await File.WriteAllTextAsync(path, "old");
        using var session = new Session();

        await using (var recording = session.RecordHar(path))
        {
            await session.GetAsync(server.Url("/get"));
            Assert.Equal("old", await File.ReadAllTextAsync(path));
        }

        Assert.Single(HarTestFiles.Entries(path));
        Assert.Equal([path], Directory.GetFiles(_files.Directory).Where(f => f.StartsWith(path, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task RecordHar_RequestsAfterDisposal_AreNotRecorded()
    {
        var path = _files.NewPath();
        using var session = new Session();
        var recording = session.RecordHar(path);
        await session.GetAsync(server.Url("/get?during=1"));

        await recording.DisposeAsync();
        await session.GetAsync(server.Url("/get?after=1"));
        await recording.DisposeAsync();

        Assert.Single(HarTestFiles.Entries(path));
    }

    [Fact]
    public async Task RecordHar_StreamedBodyNotReadToTheEnd_RecordsWhatWasRead()
    {
        var path = _files.NewPath();
        using var session = new Session { Stream = true };

        await using (session.RecordHar(path))
        {
            using var response = await session.GetAsync(server.Url("/stream-bytes/200000"));
            await foreach (var _ in response.IterContentAsync(1000))
            {
                break;
            }
        }

        var recorded = HarTestFiles.Entries(path)[0].GetProperty("response");
        Assert.True(recorded.GetProperty("content").GetProperty("_truncated").GetBoolean());
        Assert.Contains("not read to its end", recorded.GetProperty("content").GetProperty("comment").GetString());
        Assert.InRange(recorded.GetProperty("bodySize").GetInt64(), 1000, 199_999);
    }

    [Fact]
    public async Task RecordHar_ConnectionFailure_IsAnEntryWithoutResponse()
    {
        var path = _files.NewPath();
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        using var session = new Session();

        await using (session.RecordHar(path))
        {
            await Assert.ThrowsAsync<ConnectionException>(() => session.PostAsync($"http://127.0.0.1:{port}/x", new() { Data = "body" }));
        }

        var entry = HarTestFiles.Entries(path)[0];
        Assert.Equal(0, entry.GetProperty("response").GetProperty("status").GetInt32());
        Assert.StartsWith("ConnectionException", entry.GetProperty("_error").GetString());
        Assert.Equal("body", entry.GetProperty("request").GetProperty("postData").GetProperty("text").GetString());
    }

    [Fact]
    public async Task RecordHar_StreamBody_IsRecordedAsTheTransportSentIt()
    {
        var path = _files.NewPath();
        using var session = new Session();
        using var body = new MemoryStream(Encoding.UTF8.GetBytes("streamed body"));

        await using (session.RecordHar(path))
        {
            var response = await session.PostAsync(server.Url("/post"), new() { Data = body });
            Assert.Equal("streamed body", response.Json().GetProperty("data").GetString());
        }

        Assert.Equal("streamed body", HarTestFiles.Entries(path)[0].GetProperty("request").GetProperty("postData").GetProperty("text").GetString());
    }

    [Fact]
    public async Task RecordHar_OAuth2TokenExchange_IsRecordedWithItsSecretsAndTokensRedacted()
    {
        await using var idp = await OAuth2TestServer.StartAsync();
        var path = _files.NewPath();
        using var session = new Session
        {
            Auth = new OAuth2ClientCredentialsAuth(idp.TokenUrl, OAuth2TestServer.ClientId, OAuth2TestServer.ClientSecret)
            {
                ClientAuthentication = OAuth2ClientAuthentication.ClientSecretPost,
            },
        };

        await using (session.RecordHar(path))
        {
            await session.GetAsync(idp.Url("/api/a"));
        }

        Assert.DoesNotContain(OAuth2TestServer.ClientSecret, await File.ReadAllTextAsync(path));
        var entries = HarTestFiles.Entries(path);
        Assert.DoesNotContain("access-1", entries[0].ToString());
        Assert.Equal("Bearer REDACTED", HarTestFiles.Header(entries[1].GetProperty("request"), "Authorization"));
        Assert.Equal(["POST /token", "GET /api/a"], entries.Select(e => e.GetProperty("request").GetProperty("method").GetString() + " " + new Uri(e.GetProperty("request").GetProperty("url").GetString()!).AbsolutePath));
        Assert.Contains("client_secret=REDACTED", entries[0].GetProperty("request").GetProperty("postData").GetProperty("text").GetString());
        Assert.Contains("\"access_token\":\"REDACTED\"", entries[0].GetProperty("response").GetProperty("content").GetProperty("text").GetString());
    }

    [Fact]
    public void RecordHar_DirectoryMissing_Throws()
    {
        using var session = new Session();

        Assert.Throws<DirectoryNotFoundException>(() => session.RecordHar(Path.Combine(_files.Directory, "missing", "x.har")));
    }
}
