using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Pipeline.RequestsSuite.Testserver;

namespace Pipeline.RequestsSuite;

/// <summary>requests' tests/test_lowlevel.py, on the raw-socket <see cref="Server"/>.</summary>
[Collection(EnvironmentCollection.Name)]
public sealed class TestLowlevel
{
    private const string Text401 =
        "HTTP/1.1 401 UNAUTHORIZED\r\n" +
        "Content-Length: 0\r\n" +
        "WWW-Authenticate: Digest nonce=\"6bf5d6e4da1ce66918800195d6b9130d\"" +
        ", opaque=\"372825293d1c26955496c80ed6426e9e\", " +
        "realm=\"me@kennethreitz.com\", qop=auth\r\n\r\n";

    private const string ExpectedDigest =
        "Authorization: Digest username=\"user\", " +
        "realm=\"me@kennethreitz.com\", " +
        "nonce=\"6bf5d6e4da1ce66918800195d6b9130d\", uri=\"/\"";

    public static TheoryData<string, string> ProxyCombos
    {
        get
        {
            // requests' _proxy_combos: each variable prefix with the schemes it serves, lower case, then upper case.
            (string Prefix, string[] Schemes)[] schemesByVarPrefix = [("http", ["http"]), ("https", ["https"]), ("all", ["http", "https"])];
            var combos = schemesByVarPrefix.SelectMany(p => p.Schemes.Select(scheme => ($"{p.Prefix}_proxy", scheme))).ToList();
            var data = new TheoryData<string, string>();
            foreach (var (name, scheme) in combos.Concat(combos.Select(c => (c.Item1.ToUpperInvariant(), c.Item2))))
            {
                data.Add(name, scheme);
            }

            return data;
        }
    }

    [Fact]
    public async Task test_chunked_upload()
    {
        using var closeServer = new ManualResetEventSlim();
        await using var server = Server.BasicResponseServer(waitToCloseEvent: closeServer);
        var data = Generator();

        var (host, port) = server.Start();
        var url = $"http://{host}:{port}/";
        var r = await Requests.PostAsync(url, new() { Data = data, Stream = true });
        closeServer.Set();

        Assert.Equal(200, (int)r.StatusCode);
        Assert.Equal("chunked", r.Request.Headers["Transfer-Encoding"]);
    }

    [Fact]
    public async Task test_chunked_encoding_error()
    {
        static byte[]? IncompleteChunkedResponseHandler(Socket sock)
        {
            var requestContent = Server.ConsumeSocketContent(sock, TimeSpan.FromSeconds(0.5));

            // The server never ends the request and doesn't provide any valid chunks.
            sock.Send(Ascii("HTTP/1.1 200 OK\r\n" + "Transfer-Encoding: chunked\r\n"));
            return requestContent;
        }

        await using var server = new Server(IncompleteChunkedResponseHandler);

        var (host, port) = server.Start();
        var url = $"http://{host}:{port}/";

        // Departure (README, "Differences from requests"): the head has no blank line; http.client takes EOF as its end and
        // then fails on the chunks (ChunkedEncodingError), .NET refuses an unterminated head. A complete chunked head cut
        // before its first chunk is ChunkedEncodingException (ResponseFramingTests).
        await Assert.ThrowsAnyAsync<ConnectionException>(() => Requests.GetAsync(url));
    }

    [Fact]
    public async Task test_chunked_upload_uses_only_specified_host_header()
    {
        var customHost = "sample-host";

        var (content, _) = await PostGeneratorToEchoServerAsync(new() { ["Host"] = customHost });

        var expectedHeader = $"Host: {customHost}\r\n";
        Assert.Contains(expectedHeader, content, StringComparison.Ordinal);
        Assert.Equal(1, Count(content, "Host: "));
    }

    [Fact]
    public async Task test_chunked_upload_doesnt_skip_host_header()
    {
        var (content, expectedHost) = await PostGeneratorToEchoServerAsync(headers: null);

        var expectedHeader = $"Host: {expectedHost}\r\n";
        Assert.Contains(expectedHeader, content, StringComparison.Ordinal);
        Assert.Equal(1, Count(content, "Host: "));
    }

    [Fact]
    public async Task test_conflicting_content_lengths()
    {
        static byte[]? MultipleContentLengthResponseHandler(Socket sock)
        {
            var requestContent = Server.ConsumeSocketContent(sock, TimeSpan.FromSeconds(0.5));
            sock.Send(Ascii(
                "HTTP/1.1 200 OK\r\n" +
                "Content-Type: text/plain\r\n" +
                "Content-Length: 16\r\n" +
                "Content-Length: 32\r\n\r\n" +
                "-- Bad Actor -- Original Content\r\n"));
            return requestContent;
        }

        await using var server = new Server(MultipleContentLengthResponseHandler);

        var (host, port) = server.Start();
        var url = $"http://{host}:{port}/";

        await Assert.ThrowsAnyAsync<InvalidHeaderException>(() => Requests.GetAsync(url));
    }

    [Fact]
    public async Task test_digestauth_401_count_reset_on_redirect()
    {
        const string text302 = "HTTP/1.1 302 FOUND\r\n" + "Content-Length: 0\r\n" + "Location: /\r\n\r\n";
        const string text200 = "HTTP/1.1 200 OK\r\n" + "Content-Length: 0\r\n\r\n";

        static byte[]? DigestResponseHandler(Socket sock)
        {
            // Respond to initial GET with a challenge; verify we receive an Authorization header in response, then redirect.
            ChallengeThenExpectDigest(sock);
            sock.Send(Ascii(text302));

            // Verify Authorization isn't sent to the redirected host, then send another challenge.
            var requestContent = Consume(sock);
            Assert.DoesNotContain("Authorization:", requestContent, StringComparison.Ordinal);
            sock.Send(Ascii(Text401));

            // Verify Authorization is sent correctly again, and return 200 OK.
            requestContent = Consume(sock);
            Assert.Contains(ExpectedDigest, requestContent, StringComparison.Ordinal);
            sock.Send(Ascii(text200));
            return Ascii(requestContent);
        }

        var r = await GetWithDigestAuthAsync(DigestResponseHandler);

        // Verify server succeeded in authenticating.
        Assert.Equal(200, (int)r.StatusCode);

        // Verify Authorization was sent in final request.
        Assert.True(r.Request.Headers.ContainsKey("Authorization"));
        Assert.StartsWith("Digest ", r.Request.Headers["Authorization"], StringComparison.Ordinal);

        // Verify redirect happened as we expected.
        Assert.Equal(302, (int)r.History[0].StatusCode);
    }

    [Fact]
    public async Task test_digestauth_401_only_sent_once()
    {
        static byte[]? DigestFailedResponseHandler(Socket sock)
        {
            // Respond to initial GET with a challenge; verify we receive an Authorization header in response, then
            // challenge again.
            ChallengeThenExpectDigest(sock);
            sock.Send(Ascii(Text401));

            // Verify the client didn't respond to second challenge.
            var requestContent = Consume(sock);
            Assert.Equal(string.Empty, requestContent);
            return Ascii(requestContent);
        }

        var r = await GetWithDigestAuthAsync(DigestFailedResponseHandler);

        // Verify server didn't authenticate us.
        Assert.Equal(401, (int)r.StatusCode);
        Assert.Equal(401, (int)r.History[0].StatusCode);
    }

    [Fact]
    public async Task test_digestauth_only_on_4xx()
    {
        const string text200Chal =
            "HTTP/1.1 200 OK\r\n" +
            "Content-Length: 0\r\n" +
            "WWW-Authenticate: Digest nonce=\"6bf5d6e4da1ce66918800195d6b9130d\"" +
            ", opaque=\"372825293d1c26955496c80ed6426e9e\", " +
            "realm=\"me@kennethreitz.com\", qop=auth\r\n\r\n";

        static byte[]? DigestResponseHandler(Socket sock)
        {
            // Respond to GET with a 200 containing www-authenticate header.
            var requestContent = Consume(sock);
            Assert.StartsWith("GET / HTTP/1.1", requestContent, StringComparison.Ordinal);
            sock.Send(Ascii(text200Chal));

            // Verify the client didn't respond with auth.
            requestContent = Consume(sock);
            Assert.Equal(string.Empty, requestContent);
            return Ascii(requestContent);
        }

        var r = await GetWithDigestAuthAsync(DigestResponseHandler);

        // Verify server didn't receive auth from us.
        Assert.Equal(200, (int)r.StatusCode);
        Assert.Empty(r.History);
    }

    [Theory]
    [MemberData(nameof(ProxyCombos))]
    public async Task test_use_proxy_from_environment(string var, string scheme)
    {
        var url = $"{scheme}://httpbin.org";

        // Do nothing with the requests; just close the socket.
        await using var fakeProxy = new Server();
        var (host, port) = fakeProxy.Start();
        var proxyUrl = $"socks5://{host}:{port}";
        using (new OverrideEnviron((var, proxyUrl)))
        {
            // The fake proxy's lack of response will cause a ConnectionError.
            await Assert.ThrowsAnyAsync<ConnectionException>(() => Requests.GetAsync(url));
        }

        // The fake proxy received a request, with actual content (not checking for SOCKS protocol for now).
        Assert.Single(fakeProxy.HandlerResults);
        Assert.NotEmpty(fakeProxy.HandlerResults[0]!);
    }

    [Fact]
    public async Task test_redirect_rfc1808_to_non_ascii_location()
    {
        var path = "š";
        var expectedPath = "%C5%A1";
        var redirectRequest = new List<string>(); // stores the second request to the server
        var (host, port) = (string.Empty, 0);

        byte[]? RedirectRespHandler(Socket sock)
        {
            Consume(sock);
            var location = $"//{host}:{port}/{path}";
            sock.Send([
                .. Ascii("HTTP/1.1 301 Moved Permanently\r\n" + "Content-Length: 0\r\n" + "Location: "),
                .. Encoding.UTF8.GetBytes(location),
                .. Ascii("\r\n" + "\r\n"),
            ]);
            redirectRequest.Add(Consume(sock));
            sock.Send(Ascii("HTTP/1.1 200 OK\r\n\r\n"));
            return null;
        }

        using var closeServer = new ManualResetEventSlim();
        await using var server = new Server(RedirectRespHandler, waitToCloseEvent: closeServer);

        (host, port) = server.Start();
        var url = $"http://{host}:{port}";
        var r = await Requests.GetAsync(url, new() { AllowRedirects = true });

        Assert.Equal(200, (int)r.StatusCode);
        Assert.Single(r.History);
        Assert.Equal(301, (int)r.History[0].StatusCode);
        Assert.StartsWith("GET /" + expectedPath + " HTTP/1.1", redirectRequest[0], StringComparison.Ordinal);
        Assert.Equal($"{url}/{expectedPath}", r.Url);
        closeServer.Set();
    }

    [Fact]
    public async Task test_fragment_not_sent_with_request()
    {
        using var closeServer = new ManualResetEventSlim();
        await using var server = new Server(EchoResponseHandler, waitToCloseEvent: closeServer);

        var (host, port) = server.Start();
        var url = $"http://{host}:{port}/path/to/thing/#view=edit&token=hunter2";
        var r = await Requests.GetAsync(url);
        var rawRequest = Latin1(r.Content);

        Assert.Equal(200, (int)r.StatusCode);
        var (headers, body) = Split(rawRequest, "\r\n\r\n");
        var (statusLine, headerLines) = Split(headers, "\r\n");
        Assert.Equal("GET /path/to/thing/ HTTP/1.1", statusLine);
        foreach (var frag in new[] { "view", "edit", "token", "hunter2" })
        {
            Assert.DoesNotContain(frag, headerLines, StringComparison.Ordinal);
            Assert.DoesNotContain(frag, body, StringComparison.Ordinal);
        }

        closeServer.Set();
    }

    [Fact]
    public async Task test_fragment_update_on_redirect()
    {
        static byte[]? ResponseHandler(Socket sock)
        {
            Consume(sock);
            sock.Send(Ascii("HTTP/1.1 302 FOUND\r\n" + "Content-Length: 0\r\n" + "Location: /get#relevant-section\r\n\r\n"));
            Consume(sock);
            sock.Send(Ascii("HTTP/1.1 302 FOUND\r\n" + "Content-Length: 0\r\n" + "Location: /final-url/\r\n\r\n"));
            Consume(sock);
            sock.Send(Ascii("HTTP/1.1 200 OK\r\n\r\n"));
            return null;
        }

        using var closeServer = new ManualResetEventSlim();
        await using var server = new Server(ResponseHandler, waitToCloseEvent: closeServer);

        var (host, port) = server.Start();
        var url = $"http://{host}:{port}/path/to/thing/#view=edit&token=hunter2";
        var r = await Requests.GetAsync(url);

        Assert.Equal(200, (int)r.StatusCode);
        Assert.Equal(2, r.History.Count);
        Assert.Equal(url, r.History[0].Request.Url);

        // Verify we haven't overwritten the location with our previous fragment.
        Assert.Equal($"http://{host}:{port}/get#relevant-section", r.History[1].Request.Url);

        // Verify previous fragment is used and not the original.
        Assert.Equal($"http://{host}:{port}/final-url/#relevant-section", r.Url);
        closeServer.Set();
    }

    [Fact]
    public async Task test_json_decode_compatibility_for_alt_utf_encodings()
    {
        static byte[]? ResponseHandler(Socket sock)
        {
            Consume(sock);
            sock.Send([
                .. Ascii("HTTP/1.1 200 OK\r\n" + "Content-Length: 18\r\n\r\n"),
                0xff, 0xfe, .. "{\0\"\0K0\"\0=\0\"\0"u8, 0xab, .. "0\"\0\r\n"u8,
            ]);
            return null;
        }

        using var closeServer = new ManualResetEventSlim();
        Response r;
        await using (var server = new Server(ResponseHandler, waitToCloseEvent: closeServer))
        {
            var (host, port) = server.Start();
            var url = $"http://{host}:{port}/";
            r = await Requests.GetAsync(url);
            closeServer.Set();
        }

        r.Encoding = null;
        var excinfo = Record.Exception(() => r.Json());

        // requests raises requests.exceptions.JSONDecodeError: both a RequestException and the JSON library's decode error.
        Assert.IsAssignableFrom<RequestException>(excinfo);
        Assert.True(excinfo is JsonException || excinfo.InnerException is JsonException, $"{excinfo.GetType()} is not a JSON decode error.");
        Assert.DoesNotContain(r.Text, excinfo.Message, StringComparison.Ordinal);
    }

    /// <summary>Simple handler that will take request and echo it back to requester.</summary>
    private static byte[]? EchoResponseHandler(Socket sock)
    {
        var requestContent = Server.ConsumeSocketContent(sock, TimeSpan.FromSeconds(0.5));
        sock.Send([.. Ascii($"HTTP/1.1 200 OK\r\nContent-Length: {requestContent.Length}\r\n\r\n"), .. requestContent]);
        return null;
    }

    /// <summary>Posts the generator body, streamed, to an echo server; returns the request as the server saw it, and its host:port.</summary>
    private static async Task<(string RawRequest, string HostAndPort)> PostGeneratorToEchoServerAsync(HeaderMap? headers)
    {
        using var closeServer = new ManualResetEventSlim();
        await using var server = new Server(EchoResponseHandler, waitToCloseEvent: closeServer);
        var data = Generator();

        var (host, port) = server.Start();
        var url = $"http://{host}:{port}/";
        var r = await Requests.PostAsync(url, new() { Data = data, Headers = headers, Stream = true });
        await r.ReadContentAsync();
        closeServer.Set();
        return (Latin1(r.Content), $"{host}:{port}");
    }

    /// <summary>GETs the root of a server running <paramref name="handler"/>, with <c>HTTPDigestAuth('user', 'pass')</c>.</summary>
    private static async Task<Response> GetWithDigestAuthAsync(Func<Socket, byte[]?> handler)
    {
        var auth = new DigestAuth("user", "pass");
        using var closeServer = new ManualResetEventSlim();
        await using var server = new Server(handler, waitToCloseEvent: closeServer);

        var (host, port) = server.Start();
        var url = $"http://{host}:{port}/";
        var r = await Requests.GetAsync(url, new() { Auth = auth });
        closeServer.Set();
        return r;
    }

    /// <summary>Answers the first GET with the digest challenge and checks that the next request answers it.</summary>
    private static void ChallengeThenExpectDigest(Socket sock)
    {
        var requestContent = Consume(sock);
        Assert.StartsWith("GET / HTTP/1.1", requestContent, StringComparison.Ordinal);
        sock.Send(Ascii(Text401));

        requestContent = Consume(sock);
        Assert.Contains(ExpectedDigest, requestContent, StringComparison.Ordinal);
    }

    private static IterStream Generator() => new("a"u8.ToArray(), "b"u8.ToArray(), "c"u8.ToArray());

    private static string Consume(Socket sock) => Latin1(Server.ConsumeSocketContent(sock, TimeSpan.FromSeconds(0.5)));

    private static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);

    private static string Latin1(byte[] bytes) => Encoding.Latin1.GetString(bytes);

    private static int Count(string text, string value) => (text.Length - text.Replace(value, string.Empty, StringComparison.Ordinal).Length) / value.Length;

    private static (string Head, string Tail) Split(string text, string separator)
    {
        var at = text.IndexOf(separator, StringComparison.Ordinal);
        return (text[..at], text[(at + separator.Length)..]);
    }
}
