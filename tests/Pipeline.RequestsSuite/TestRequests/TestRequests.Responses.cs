using System.Text;

namespace Pipeline.RequestsSuite;

/// <summary>requests' <c>class TestRequests</c>: responses, adapters and TLS settings.</summary>
public sealed partial class TestRequests
{
    [Fact]
    public async Task test_links()
    {
        // requests sets r.headers on an empty Response(); Pipeline's Response has no public constructor, so httpbin
        // sends the same Link header.
        const string Link = "<https://api.github.com/users/kennethreitz/repos?page=2&per_page=10>; rel=\"next\", "
            + "<https://api.github.com/users/kennethreitz/repos?page=7&per_page=10>;  rel=\"last\"";

        var r = await Requests.GetAsync(httpbin("response-headers"), new() { Params = new() { ["link"] = Link } });

        Assert.Equal("next", r.Links["next"].Rel);
    }

    [Fact]
    public async Task test_response_reason_unicode()
    {
        // check for unicode HTTP status: requests sets r.reason to UTF-8 bytes; a raw peer sends them on the wire.
        await using var peer = new RawPeer(_ => [.. Encoding.UTF8.GetBytes("HTTP/1.1 404 Komponenttia ei löydy\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")]);

        var r = await Requests.GetAsync(peer.Url("/"));

        Assert.False(r.Ok); // old behaviour - crashes here
    }

    [Fact]
    public async Task test_response_reason_unicode_fallback()
    {
        // check raise_status falls back to ISO-8859-1
        const string Reason = "Komponenttia ei löydy";
        await using var peer = new RawPeer(_ => RawPeer.Response($"HTTP/1.1 500 {Reason}\r\nContent-Length: 0\r\nConnection: close"));
        var r = await Requests.GetAsync(peer.Url("/"));

        var e = Assert.ThrowsAny<HttpErrorException>(() => r.RaiseForStatus());

        Assert.Contains(Reason, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task test_response_chunk_size_type()
    {
        // requests reads "the content" from a BytesIO raw; httpbin's /base64 sends those bytes.
        var r = await Requests.GetAsync(httpbin("base64", "dGhlIGNvbnRlbnQ="), new() { Stream = true });

        var lengths = new List<int>();
        await foreach (var chunk in r.IterContentAsync(1))
        {
            lengths.Add(chunk.Length);
        }

        Assert.NotEmpty(lengths);
        Assert.All(lengths, length => Assert.Equal(1, length));
        // iter_content(None) and iter_content("1024") (TypeError) have no C# form: the chunk size is an int.
    }

    [Fact]
    public async Task test_http_error()
    {
        var error = new HttpErrorException();
        Assert.Null(error.Response);

        // requests uses an empty Response(); Pipeline's Response comes from a request.
        var response = await Requests.GetAsync(httpbin("get"));
        error = new HttpErrorException(null, null, null, response);
        Assert.Same(response, error.Response);

        error = new HttpErrorException("message", null, null, response);
        Assert.Equal("message", error.Message);
        Assert.Same(response, error.Response);
    }

    [Fact]
    public async Task test_response_iter_lines()
    {
        var r = await Requests.GetAsync(httpbin("stream/4"), new() { Stream = true });
        Assert.Equal(200, Status(r));

        await using var it = r.IterLinesAsync().GetAsyncEnumerator();
        Assert.True(await it.MoveNextAsync());
        var rest = 0;
        while (await it.MoveNextAsync())
        {
            rest++;
        }

        Assert.Equal(3, rest);
    }

    [Fact]
    public async Task test_response_context_manager()
    {
        var response = await DisposedStreamedResponseAsync(session: null);

        await AssertBodyClosedAsync(response);
    }

    [Fact]
    public async Task test_unconsumed_session_response_closes_connection()
    {
        // requests also checks the private response._content_consumed is False.
        using var s = new Session();

        var response = await DisposedStreamedResponseAsync(s);

        await AssertBodyClosedAsync(response);
    }

    [Fact]
    public void test_transport_adapter_ordering()
    {
        using var s = new Session();
        string[] order = ["https://", "http://"];
        Assert.Equal(order, s.Adapters.Keys);

        s.Mount("http://git", new HttpAdapter());
        s.Mount("http://github", new HttpAdapter());
        s.Mount("http://github.com", new HttpAdapter());
        s.Mount("http://github.com/about/", new HttpAdapter());
        order = ["http://github.com/about/", "http://github.com", "http://github", "http://git", "https://", "http://"];
        Assert.Equal(order, s.Adapters.Keys);

        s.Mount("http://gittip", new HttpAdapter());
        s.Mount("http://gittip.com", new HttpAdapter());
        s.Mount("http://gittip.com/about/", new HttpAdapter());
        order =
        [
            "http://github.com/about/", "http://gittip.com/about/", "http://github.com", "http://gittip.com",
            "http://github", "http://gittip", "http://git", "https://", "http://",
        ];
        Assert.Equal(order, s.Adapters.Keys);
        // requests then assigns s2.adapters = {"http://": ...}; Session.Adapters cannot be replaced in Pipeline.
    }

    [Fact]
    public void test_session_get_adapter_prefix_matching()
    {
        const string Prefix = "https://example.com";
        const string MoreSpecificPrefix = Prefix + "/some/path";
        const string UrlMatchingOnlyPrefix = Prefix + "/another/path";
        const string UrlMatchingMoreSpecificPrefix = MoreSpecificPrefix + "/longer/path";
        const string UrlNotMatchingPrefix = "https://another.example.com/";
        using var s = new Session();
        var prefixAdapter = new HttpAdapter();
        var moreSpecificPrefixAdapter = new HttpAdapter();

        s.Mount(Prefix, prefixAdapter);
        s.Mount(MoreSpecificPrefix, moreSpecificPrefixAdapter);

        Assert.Same(prefixAdapter, s.GetAdapter(UrlMatchingOnlyPrefix));
        Assert.Same(moreSpecificPrefixAdapter, s.GetAdapter(UrlMatchingMoreSpecificPrefix));
        Assert.DoesNotContain(s.GetAdapter(UrlNotMatchingPrefix), new HttpMessageHandler[] { prefixAdapter, moreSpecificPrefixAdapter });
    }

    [Fact]
    public void test_session_get_adapter_prefix_matching_mixed_case()
    {
        const string MixedCasePrefix = "hTtPs://eXamPle.CoM/MixEd_CAse_PREfix";
        const string UrlMatchingPrefix = MixedCasePrefix + "/full_url";
        using var s = new Session();
        var myAdapter = new HttpAdapter();

        s.Mount(MixedCasePrefix, myAdapter);

        Assert.Same(myAdapter, s.GetAdapter(UrlMatchingPrefix));
    }

    [Fact]
    public void test_session_get_adapter_prefix_matching_is_case_insensitive()
    {
        const string MixedCasePrefix = "hTtPs://eXamPle.CoM/MixEd_CAse_PREfix";
        const string UrlMatchingPrefixWithDifferentCase = "HtTpS://exaMPLe.cOm/MiXeD_caSE_preFIX/another_url";
        using var s = new Session();
        var myAdapter = new HttpAdapter();

        s.Mount(MixedCasePrefix, myAdapter);

        Assert.Same(myAdapter, s.GetAdapter(UrlMatchingPrefixWithDifferentCase));
    }

    [Fact]
    public void test_session_get_adapter_prefix_with_trailing_slash()
    {
        // from issue #6935
        const string Prefix = "https://example.com/"; // trailing slash
        using var s = new Session();
        var adapter = new HttpAdapter();

        s.Mount(Prefix, adapter);

        Assert.Same(adapter, s.GetAdapter("https://example.com/some/path"));
        Assert.NotSame(adapter, s.GetAdapter("https://example.com.other.com/some/path"));
    }

    [Fact]
    public void test_session_get_adapter_prefix_without_trailing_slash()
    {
        // from issue #6935
        const string Prefix = "https://example.com"; // no trailing slash
        using var s = new Session();
        var adapter = new HttpAdapter();

        s.Mount(Prefix, adapter);

        Assert.Same(adapter, s.GetAdapter("https://example.com/some/path"));
        Assert.Same(adapter, s.GetAdapter("https://example.com.other.com/some/path"));
    }

    [Fact]
    public async Task test_pyopenssl_redirect()
    {
        await Requests.GetAsync(httpbin_secure("status", "301"), new() { Verify = Secure.CaBundlePath });
    }

    [Fact]
    public async Task test_invalid_ca_certificate_path()
    {
        const string InvalidPath = "/garbage";

        var e = await Assert.ThrowsAnyAsync<SslException>(() => Requests.GetAsync(httpbin_secure(), new() { Verify = InvalidPath }));

        // Departure (README, Differences from requests): a missing CA bundle path is an SslException naming the path,
        // where requests raises a bare OSError "Could not find a suitable TLS CA certificate bundle, invalid path: ...".
        Assert.Contains(InvalidPath, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task test_invalid_ssl_certificate_files()
    {
        const string InvalidPath = "/garbage";

        // Departure (README, Differences from requests): a missing client certificate or key path is an SslException
        // naming the path, where requests raises a bare OSError "Could not find the TLS certificate/key file, ...".
        var e = await Assert.ThrowsAnyAsync<SslException>(() => Requests.GetAsync(httpbin_secure(), new() { Cert = InvalidPath }));
        Assert.Contains(InvalidPath, e.Message, StringComparison.Ordinal);

        e = await Assert.ThrowsAnyAsync<SslException>(() => Requests.GetAsync(httpbin_secure(), new() { Cert = (".", InvalidPath) }));
        Assert.Contains(InvalidPath, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, null, null)]
    [InlineData("/some/path", null, "/some/path")]
    [InlineData("", null, null)]
    [InlineData(null, "/some/path", "/some/path")]
    [InlineData(null, "", null)]
    [InlineData("", "", null)]
    [InlineData("/some/path", "/curl/path", "/some/path")]
    [InlineData("", "/curl/path", "/curl/path")]
    public void test_env_cert_bundles(string? requestsCaBundle, string? curlCaBundle, string? expected)
    {
        // requests patches os.environ to exactly the row's variables; null is an absent variable, and an expected
        // null is requests' True (verify, with no bundle path).
        using var s = new Session();
        EnvironmentSettings settings;
        using (EnvironmentScope.Override(("REQUESTS_CA_BUNDLE", requestsCaBundle), ("CURL_CA_BUNDLE", curlCaBundle)))
        {
            settings = s.MergeEnvironmentSettings(httpbin("get"), new ProxyMap(), stream: false, verify: true, cert: null);
        }

        Assert.True(settings.Verify.IsEnabled);
        Assert.Equal(expected, settings.Verify.CaBundlePath);
    }

    [Fact]
    public async Task test_http_with_certificate()
    {
        var r = await Requests.GetAsync(httpbin(), new() { Cert = "." });

        Assert.Equal(200, Status(r));
    }

    [Fact]
    public async Task test_certificate_failure()
    {
        // When underlying SSL problems occur, an SSLError is raised.
        // Our local httpbin does not have a trusted CA, so this call will fail if we use our default trust bundle.
        await Assert.ThrowsAnyAsync<SslException>(() => Requests.GetAsync(httpbin_secure("status", "200")));
    }

    private async Task<Response> DisposedStreamedResponseAsync(Session? session)
    {
        RequestOptions streamed = new() { Stream = true };
        using var response = session is null ? await Requests.GetAsync(httpbin("stream/4"), streamed) : await session.GetAsync(httpbin("stream/4"), streamed);
        Assert.IsType<Response>(response);
        return response;
    }

    private static async Task AssertBodyClosedAsync(Response response)
    {
        // requests: response.raw.closed once the `with` block (or contextlib.closing) is left. Pipeline's raw body is
        // GetRawStreamAsync; after Dispose there is no body left to open.
        await Assert.ThrowsAnyAsync<StreamConsumedException>(() => response.GetRawStreamAsync());
    }
}
