using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Pipeline.Tests.Infrastructure;
using Pipeline.Testing;

namespace Pipeline.Tests.Preparation;

/// <summary>
/// <see cref="PreparedRequest.ToCurl(bool)"/> run by the real curl: the server must receive from curl exactly what it
/// receives from Pipeline for the same prepared request (request line, headers, body bytes).
/// </summary>
public sealed class ToCurlTests(Certificates pki) : IClassFixture<Certificates>
{
    // Added on the wire by .NET's distributed tracing when a listener samples (other tests run one); never part of a
    // prepared request, so not part of its curl command.
    private static readonly string[] TraceHeaders = ["traceparent", "tracestate", "baggage", "Request-Id"];

    private readonly Certificates _pki = pki;

    [Fact]
    public async Task JsonPost_WithQuery_SameRequestFromCurl()
    {
        await AssertSameRequestAsync((session, url) => session.PrepareRequest(
            new Request("POST", url + "/post?q=a b&lang=fr&empty=")
            {
                Json = new { name = "José", quote = "it's", tags = new[] { "a", "b" } },
            }));
    }

    [Fact]
    public async Task FormPost_SameRequestFromCurl()
    {
        await AssertSameRequestAsync((session, url) => session.PrepareRequest(
            new Request("POST", url + "/form") { Data = new Dictionary<string, string> { ["user"] = "o'neil", ["note"] = "50% & more" } }));
    }

    [Fact]
    public async Task MultipartWithBinaryFile_SameBytesFromCurl()
    {
        byte[] file = [0x00, 0xFF, 0x0D, 0x0A, (byte)'%', (byte)'\\', (byte)'\'', 0x80, 0x7F];

        var command = await AssertSameRequestAsync((session, url) => session.PrepareRequest(
            new Request("POST", url + "/upload")
            {
                Data = new Dictionary<string, string> { ["title"] = "résumé" },
                Files = new FileMap { ["file"] = new FileItem("data.bin", file, "application/octet-stream") },
            }));

        // The body starts with the boundary's "--": printf must not read it as an option.
        Assert.StartsWith("printf -- '--", command, StringComparison.Ordinal);
        Assert.EndsWith("--data-binary @-", command, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HeaderWithAQuote_IsoLatin1Value_AndAnEmptyValue_SameHeadersFromCurl()
    {
        var command = await AssertSameRequestAsync((session, url) => session.PrepareRequest(
            new Request("GET", url + "/headers")
            {
                Headers = new() { ["X-Quote"] = "it's \"fine\"", ["X-Name"] = "José Müller", ["X-Empty"] = "", ["X-Dollar"] = "$HOME `id`" },
            }));

        Assert.Contains("-H 'X-Quote: it'\\''s \"fine\"'", command, StringComparison.Ordinal);
        Assert.Contains("-H \"$(printf 'X-Name: Jos\\351 M\\374ller')\"", command, StringComparison.Ordinal);
        Assert.Contains("-H 'X-Empty;'", command, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CredentialsShown_CookiesAndBasicAuth_SameRequestFromCurl()
    {
        var command = await AssertSameRequestAsync((session, url) =>
        {
            session.Cookies.Set("session", "s3cr3t", "127.0.0.1");
            return session.PrepareRequest(new Request("DELETE", url + "/items/7") { Auth = ("user", "pässword") });
        });

        Assert.Contains("-X 'DELETE'", command, StringComparison.Ordinal);
        Assert.Contains("s3cr3t", command, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PutWithoutBody_HeadAndATextBodyStartingWithAt_SameRequestsFromCurl()
    {
        await AssertSameRequestAsync((session, url) => session.PrepareRequest(new Request("PUT", url + "/empty")));
        await AssertSameRequestAsync((session, url) => session.PrepareRequest(new Request("HEAD", url + "/head")));
        var command = await AssertSameRequestAsync((session, url) => session.PrepareRequest(
            new Request("PATCH", url + "/at") { Data = "@/etc/passwd is text here\nsecond line" }));

        Assert.Contains("--data-raw '@/etc/passwd", command, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BarePreparedRequest_CurlAddsNoHeaderOfItsOwn()
    {
        var command = await AssertSameRequestAsync((_, url) => new PreparedRequest("GET", url + "/bare"));
        var post = await AssertSameRequestAsync((_, url) => new PreparedRequest("POST", url + "/bare") { Body = "x=1"u8.ToArray() });

        Assert.Contains("-H 'User-Agent:'", command, StringComparison.Ordinal);
        Assert.Contains("-H 'Content-Type:'", post, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UrlWithBracketsInTheQuery_IsWrittenAsHttpClientSendsIt_SameTargetFromCurl()
    {
        var command = await AssertSameRequestAsync((session, url) => session.PrepareRequest(
            new Request("GET", url + "/search") { Params = new() { ["a[]"] = "1", ["b"] = "{x}" } }));

        Assert.Contains("/search?a%5B%5D=1&b=%7Bx%7D'", command, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Http2OverTls_CurlNegotiatesHttp2_AndSendsWhatPipelineSends()
    {
        await using var server = await LoopbackServer.StartAsync(_pki.Server, requireClientCertificate: false, HttpProtocols.Http1AndHttp2);
        using var session = new Session { Verify = _pki.CaBundlePath, Version = HttpVersion.Version20 };
        var prepared = session.PrepareRequest(new Request("POST", server.Url("/anything/h2?x=1")) { Json = new { h2 = true } });

        using var response = await session.SendAsync(prepared);
        var command = prepared.ToCurl(redactSecrets: false);
        var curl = await RunAsync(command + " \\\n  --cacert " + CurlRules.Quote(_pki.CaBundlePath) + " \\\n  --write-out '\\n%{http_version}'");

        Assert.Contains("--http2", command, StringComparison.Ordinal);
        var lastLine = curl.LastIndexOf('\n');
        Assert.Equal("2", curl[(lastLine + 1)..]);
        Assert.Equal(HttpVersion.Version20, response.Version);
        var viaCurl = JsonDocument.Parse(curl[..lastLine]).RootElement;
        var viaPipeline = response.Json();
        Assert.Equal(viaPipeline.GetProperty("url").GetString(), viaCurl.GetProperty("url").GetString());
        Assert.Equal(viaPipeline.GetProperty("data").GetString(), viaCurl.GetProperty("data").GetString());
        Assert.Equal(EchoedHeaders(viaPipeline), EchoedHeaders(viaCurl));
    }

    private static async Task<string> AssertSameRequestAsync(Func<Session, string, PreparedRequest> prepare)
    {
        // Arrange
        await using var server = new RawHttpServer();
        using var session = new Session { TrustEnv = false };
        var prepared = prepare(session, server.BaseUrl);
        var command = prepared.ToCurl(redactSecrets: false);

        // Act
        using (await session.SendAsync(prepared))
        {
        }

        await RunAsync(command);

        // Assert
        Assert.Equal(2, server.Requests.Count);
        var (viaPipeline, viaCurl) = (server.Requests[0], server.Requests[1]);
        Assert.Equal(viaPipeline.RequestLine, viaCurl.RequestLine);
        Assert.Equal(Normalized(viaPipeline.Headers), Normalized(viaCurl.Headers));
        Assert.Equal(viaPipeline.Body, viaCurl.Body);
        return command;
    }

    private static List<string> Normalized(IEnumerable<KeyValuePair<string, string>> headers) =>
        [.. headers
            .Where(h => !TraceHeaders.Contains(h.Key, StringComparer.OrdinalIgnoreCase))
            .Select(h => h.Key.ToLowerInvariant() + ": " + h.Value)
            .Order(StringComparer.Ordinal)];

    private static List<string> EchoedHeaders(JsonElement echo) =>
        Normalized(echo.GetProperty("headers").EnumerateObject().Select(p => KeyValuePair.Create(p.Name, p.Value.GetString() ?? string.Empty)));

    /// <summary>Runs the command with /bin/sh and curl, without proxy variables or a ~/.curlrc; returns its output.</summary>
    private static async Task<string> RunAsync(string command)
    {
        var home = Directory.CreateTempSubdirectory("pipeline-curl-").FullName;
        try
        {
            var start = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add(command);
            foreach (var name in new[] { "http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY", "no_proxy", "NO_PROXY" })
            {
                start.Environment.Remove(name);
            }

            start.Environment["HOME"] = home;
            start.Environment["CURL_HOME"] = home;
            using var process = Process.Start(start) ?? throw new InvalidOperationException("/bin/sh did not start.");
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await process.WaitForExitAsync(timeout.Token);

            Assert.True(process.ExitCode == 0, $"curl failed ({process.ExitCode}; is curl installed? test.sh installs it): {await error}\n{command}");
            return await output;
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }
}
