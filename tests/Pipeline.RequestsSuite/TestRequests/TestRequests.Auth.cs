using System.Net;
using System.Text;

namespace Pipeline.RequestsSuite;

/// <summary>requests' <c>class TestRequests</c>: authentication and when it is stripped.</summary>
public sealed partial class TestRequests
{
    [Fact]
    public async Task test_BASICAUTH_TUPLE_HTTP_200_OK_GET()
    {
        var auth = ("user", "pass");
        var url = httpbin("basic-auth", "user", "pass");

        var r = await Requests.GetAsync(url, new() { Auth = auth });
        Assert.Equal(200, Status(r));

        r = await Requests.GetAsync(url);
        Assert.Equal(401, Status(r));

        using var s = new Session { Auth = auth };
        r = await s.GetAsync(url);
        Assert.Equal(200, Status(r));
    }

    [Theory]
    [InlineData("user", "pass", false, "Basic dXNlcjpwYXNz")]
    [InlineData("имя", "пароль", true, "Basic 0LjQvNGPOtC/0LDRgNC+0LvRjA==")]
    public void test_set_basicauth(string username, string password, bool utf8, string expected)
    {
        // requests' second row passes UTF-8 bytes; Pipeline takes strings and the encoding to send them in.
        var r = new Request("GET", httpbin("get")) { Auth = new BasicAuth(username, password, utf8 ? Encoding.UTF8 : null) };

        var p = Prepare(r);

        Assert.Equal(expected, p.Headers["Authorization"]);
    }

    [Fact]
    public void test_basicauth_encodes_byte_strings()
    {
        // b"\xc5\xafsername", b"test\xc6\xb6" are the UTF-8 bytes of these strings.
        var r = new Request("GET", "http://localhost") { Auth = new BasicAuth("ůsername", "testƶ", Encoding.UTF8) };

        var p = Prepare(r);

        Assert.Equal("Basic xa9zZXJuYW1lOnRlc3TGtg==", p.Headers["Authorization"]);
    }

    [Theory]
    [InlineData("test", "test", false, "Basic dGVzdDp0ZXN0")]
    [InlineData("имя", "пароль", true, "Basic 0LjQvNGPOtC/0LDRgNC+0LvRjA==")]
    public void test_basic_auth_str_is_always_native(string username, string password, bool utf8, string authStr)
    {
        // _basic_auth_str is private to requests; its result is the Authorization header BasicAuth prepares.
        var s = Prepare(new Request("GET", "http://localhost/") { Auth = new BasicAuth(username, password, utf8 ? Encoding.UTF8 : null) })
            .Headers["Authorization"];

        Assert.Equal(authStr, s);
    }

    [Fact]
    public async Task test_basicauth_with_netrc()
    {
        // requests replaces get_netrc_auth with a function returning ("user", "pass"); here a real .netrc gives it.
        var wrongAuth = ("wronguser", "wrongpass");
        var url = httpbin("basic-auth", "user", "pass");
        var netrc = TempFile($"machine {new Uri(url).Host}\nlogin user\npassword pass\n");
        using var environment = EnvironmentScope.Override(("NETRC", netrc));

        // Should use netrc and work.
        var r = await Requests.GetAsync(url);
        Assert.Equal(200, Status(r));

        // Given auth should override and fail.
        r = await Requests.GetAsync(url, new() { Auth = wrongAuth });
        Assert.Equal(401, Status(r));

        using var s = new Session();

        // Should use netrc and work.
        r = await s.GetAsync(url);
        Assert.Equal(200, Status(r));

        // Given auth should override and fail.
        s.Auth = wrongAuth;
        r = await s.GetAsync(url);
        Assert.Equal(401, Status(r));
    }

    [Fact]
    public async Task test_basicauth_with_netrc_leak()
    {
        var url1 = httpbin("basic-auth", "user", "pass");
        var url = url1["http://".Length..];
        var domain = url.Split(':')[0];
        url = $"http://example.com:@{url}";
        var netrcFile = TempFile($"machine example.com\nlogin wronguser\npassword wrongpass\nmachine {domain}\nlogin user\npassword pass\n");
        using var environment = EnvironmentScope.Override(("NETRC", netrcFile));

        // Should use netrc
        // Make sure that we don't use the example.com credentials
        // for the request
        var r = await Requests.GetAsync(url);

        Assert.Equal(200, Status(r));
    }

    [Fact]
    public async Task test_DIGEST_HTTP_200_OK_GET()
    {
        foreach (var authtype in DigestAuthAlgo)
        {
            var auth = new DigestAuth("user", "pass");
            var url = httpbin("digest-auth", "auth", "user", "pass", authtype, "never");

            var r = await Requests.GetAsync(url, new() { Auth = auth });
            Assert.Equal(200, Status(r));

            r = await Requests.GetAsync(url);
            Assert.Equal(401, Status(r));

            using var s = new Session { Auth = new DigestAuth("user", "pass") };
            r = await s.GetAsync(url);
            Assert.Equal(200, Status(r));
        }
    }

    [Fact]
    public async Task test_DIGEST_AUTH_RETURNS_COOKIE()
    {
        foreach (var authtype in DigestAuthAlgo)
        {
            var url = httpbin("digest-auth", "auth", "user", "pass", authtype);
            var auth = new DigestAuth("user", "pass");

            var r = await Requests.GetAsync(url);
            Assert.Equal("fake_value", r.Cookies["fake"]);

            r = await Requests.GetAsync(url, new() { Auth = auth });
            Assert.Equal(200, Status(r));
        }
    }

    [Fact]
    public async Task test_DIGEST_AUTH_SETS_SESSION_COOKIES()
    {
        foreach (var authtype in DigestAuthAlgo)
        {
            var url = httpbin("digest-auth", "auth", "user", "pass", authtype);
            var auth = new DigestAuth("user", "pass");
            using var s = new Session();

            await s.GetAsync(url, new() { Auth = auth });

            Assert.Equal("fake_value", s.Cookies["fake"]);
        }
    }

    [Fact]
    public async Task test_DIGEST_STREAM()
    {
        foreach (var authtype in DigestAuthAlgo)
        {
            var auth = new DigestAuth("user", "pass");
            var url = httpbin("digest-auth", "auth", "user", "pass", authtype);

            var r = await Requests.GetAsync(url, new() { Auth = auth, Stream = true });
            Assert.NotEmpty(await ReadRawAsync(r));

            r = await Requests.GetAsync(url, new() { Auth = auth, Stream = false });
            Assert.Empty(await ReadRawAsync(r));
        }
    }

    [Fact]
    public async Task test_DIGESTAUTH_WRONG_HTTP_401_GET()
    {
        foreach (var authtype in DigestAuthAlgo)
        {
            var auth = new DigestAuth("user", "wrongpass");
            var url = httpbin("digest-auth", "auth", "user", "pass", authtype);

            var r = await Requests.GetAsync(url, new() { Auth = auth });
            Assert.Equal(401, Status(r));

            r = await Requests.GetAsync(url);
            Assert.Equal(401, Status(r));

            using var s = new Session { Auth = auth };
            r = await s.GetAsync(url);
            Assert.Equal(401, Status(r));
        }
    }

    [Fact]
    public async Task test_DIGESTAUTH_QUOTES_QOP_VALUE()
    {
        foreach (var authtype in DigestAuthAlgo)
        {
            var auth = new DigestAuth("user", "pass");
            var url = httpbin("digest-auth", "auth", "user", "pass", authtype);

            var r = await Requests.GetAsync(url, new() { Auth = auth });

            Assert.Contains("\"auth\"", r.Request.Headers["Authorization"], StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task test_prepared_from_session()
    {
        var req = new Request("GET", httpbin("headers"));
        Assert.Null(req.Auth);
        using var s = new Session { Auth = new DummyAuth() };

        var prep = s.PrepareRequest(req);
        var resp = await s.SendAsync(prep);

        Assert.Equal("dummy-auth-test-ok", resp.Json().GetProperty("headers").GetProperty("Dummy-Auth-Test").GetString());
    }

    [Fact]
    public async Task test_auth_is_stripped_on_http_downgrade()
    {
        var r = await Requests.GetAsync(httpbin_secure("redirect-to"), new()
        {
            Params = new() { ["url"] = httpbin("get") },
            Auth = ("user", "pass"),
            Verify = Secure.CaBundlePath,
        });

        Assert.False(string.IsNullOrEmpty(r.History[0].Request.Headers["Authorization"]));
        Assert.False(r.Request.Headers.ContainsKey("Authorization"));
    }

    [Fact]
    public async Task test_auth_is_retained_for_redirect_on_host()
    {
        var r = await Requests.GetAsync(httpbin("redirect/1"), new() { Auth = ("user", "pass") });

        var h1 = r.History[0].Request.Headers["Authorization"];
        var h2 = r.Request.Headers["Authorization"];
        Assert.Equal(h1, h2);
    }

    // requests asks Session.should_strip_auth(old, new); Pipeline's rule is internal, so each case follows a real
    // redirect from old to new (an in-memory adapter answers both) and looks at what the second hop carried.
    [Fact]
    public async Task test_should_strip_auth_host_change()
    {
        Assert.True(await ShouldStripAuthAsync("http://example.com/foo", "http://another.example.com/"));
    }

    [Fact]
    public async Task test_should_strip_auth_http_downgrade()
    {
        Assert.True(await ShouldStripAuthAsync("https://example.com/foo", "http://example.com/bar"));
    }

    [Fact]
    public async Task test_should_strip_auth_https_upgrade()
    {
        Assert.False(await ShouldStripAuthAsync("http://example.com/foo", "https://example.com/bar"));
        Assert.False(await ShouldStripAuthAsync("http://example.com:80/foo", "https://example.com/bar"));
        Assert.False(await ShouldStripAuthAsync("http://example.com/foo", "https://example.com:443/bar"));
        // Non-standard ports should trigger stripping
        Assert.True(await ShouldStripAuthAsync("http://example.com:8080/foo", "https://example.com/bar"));
        Assert.True(await ShouldStripAuthAsync("http://example.com/foo", "https://example.com:8443/bar"));
    }

    [Fact]
    public async Task test_should_strip_auth_port_change()
    {
        Assert.True(await ShouldStripAuthAsync("http://example.com:1234/foo", "https://example.com:4321/bar"));
    }

    [Theory]
    [InlineData("https://example.com:443/foo", "https://example.com/bar")]
    [InlineData("http://example.com:80/foo", "http://example.com/bar")]
    [InlineData("https://example.com/foo", "https://example.com:443/bar")]
    [InlineData("http://example.com/foo", "http://example.com:80/bar")]
    public async Task test_should_strip_auth_default_port(string oldUri, string newUri)
    {
        Assert.False(await ShouldStripAuthAsync(oldUri, newUri));
    }

    [Fact]
    public void test_empty_stream_with_auth_does_not_set_content_length_header()
    {
        var r = new Request("POST", httpbin("post")) { Auth = ("user", "pass"), Data = new MemoryStream([]) };

        var preparedRequest = Prepare(r);

        Assert.True(preparedRequest.Headers.ContainsKey("Transfer-Encoding"));
        Assert.False(preparedRequest.Headers.ContainsKey("Content-Length"));
    }

    [Fact]
    public void test_stream_with_auth_does_not_set_transfer_encoding_header()
    {
        var r = new Request("POST", httpbin("post")) { Auth = ("user", "pass"), Data = new MemoryStream("test data"u8.ToArray()) };

        var preparedRequest = Prepare(r);

        Assert.False(preparedRequest.Headers.ContainsKey("Transfer-Encoding"));
        Assert.True(preparedRequest.Headers.ContainsKey("Content-Length"));
    }

    [Fact]
    public void test_chunked_upload_does_not_set_content_length_header()
    {
        var r = new Request("POST", httpbin("post")) { Data = new ForwardOnlyStream("abc") };

        var preparedRequest = Prepare(r);

        Assert.True(preparedRequest.Headers.ContainsKey("Transfer-Encoding"));
        Assert.False(preparedRequest.Headers.ContainsKey("Content-Length"));
    }

    private static async Task<byte[]> ReadRawAsync(Response r)
    {
        // requests' r.raw.read(): what is left of the body as the server sent it.
        await using var raw = await r.GetRawStreamAsync();
        using var copy = new MemoryStream();
        await raw.CopyToAsync(copy);
        return copy.ToArray();
    }

    private static async Task<bool> ShouldStripAuthAsync(string oldUrl, string newUrl)
    {
        using var adapter = new RedirectOnceAdapter(newUrl);
        using var s = new Session { TrustEnv = false };
        s.Mount("http://", adapter);
        s.Mount("https://", adapter);

        await s.GetAsync(oldUrl, new() { Auth = ("user", "pass") });

        Assert.Equal(2, adapter.Authorizations.Count);
        return adapter.Authorizations[1] is null;
    }

    private sealed class DummyAuth : Auth
    {
        // requests' r.headers["Dummy-Auth-Test"] = ...: the header is set, not appended to.
        public override void Apply(HttpRequestMessage request)
        {
            request.Headers.Remove("Dummy-Auth-Test");
            request.Headers.Add("Dummy-Auth-Test", "dummy-auth-test-ok");
        }
    }

    /// <summary>Answers the first request with a 302 to <c>target</c> and the next with 200, noting each Authorization.</summary>
    private sealed class RedirectOnceAdapter(string target) : HttpMessageHandler
    {
        public List<string?> Authorizations { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Authorizations.Add(request.Headers.Authorization?.ToString());
            var response = new HttpResponseMessage(Authorizations.Count == 1 ? HttpStatusCode.Found : HttpStatusCode.OK)
            {
                RequestMessage = request,
                Content = new ByteArrayContent([]),
            };
            if (Authorizations.Count == 1)
            {
                response.Headers.Location = new Uri(target);
            }

            return Task.FromResult(response);
        }
    }
}
