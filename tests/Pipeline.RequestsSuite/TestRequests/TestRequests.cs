using Pipeline.Tests.Infrastructure;

namespace Pipeline.RequestsSuite;

/// <summary>requests' <c>class TestRequests</c> (tests/test_requests.py): URL and body preparation.</summary>
[Collection(TestRequestsCollection.Name)]
public sealed partial class TestRequests(HttpbinFixture httpbinServer, HttpbinSecureFixture secureServer)
    : RequestsTestBase(httpbinServer, secureServer)
{
    private static readonly string[] DigestAuthAlgo = ["MD5", "SHA-256", "SHA-512"];

    [Theory]
    [InlineData(typeof(MissingSchemaException), "hiwpefhipowhefopw")]
    [InlineData(typeof(InvalidSchemaException), "localhost:3128")]
    [InlineData(typeof(InvalidSchemaException), "localhost.localdomain:3128/")]
    [InlineData(typeof(InvalidSchemaException), "10.122.1.1:3128/")]
    [InlineData(typeof(InvalidUrlException), "http://")]
    [InlineData(typeof(InvalidUrlException), "http://*example.com")]
    [InlineData(typeof(InvalidUrlException), "http://.example.com")]
    public async Task test_invalid_url(Type exception, string url)
    {
        var raised = await Record.ExceptionAsync(() => Requests.GetAsync(url));

        Assert.IsAssignableFrom(exception, raised);
    }

    [Fact]
    public void test_basic_building()
    {
        var req = new Request("GET", "http://kennethreitz.org/") { Data = new Dictionary<string, string> { ["life"] = "42" } };

        var pr = Prepare(req);

        Assert.Equal(req.Url, pr.Url);
        Assert.Equal("life=42", BodyText(pr));
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("HEAD")]
    public void test_no_content_length(string method)
    {
        var req = Prepare(new Request(method, httpbin(method.ToLowerInvariant())));

        Assert.False(req.Headers.ContainsKey("Content-Length"));
    }

    [Theory]
    [InlineData("POST")]
    [InlineData("PUT")]
    [InlineData("PATCH")]
    [InlineData("OPTIONS")]
    public void test_no_body_content_length(string method)
    {
        var req = Prepare(new Request(method, httpbin(method.ToLowerInvariant())));

        Assert.Equal("0", req.Headers["Content-Length"]);
    }

    [Theory]
    [InlineData("POST")]
    [InlineData("PUT")]
    [InlineData("PATCH")]
    [InlineData("OPTIONS")]
    public void test_empty_content_length(string method)
    {
        var req = Prepare(new Request(method, httpbin(method.ToLowerInvariant())) { Data = "" });

        Assert.Equal("0", req.Headers["Content-Length"]);
    }

    [Fact]
    public void test_override_content_length()
    {
        var headers = new HeaderMap { ["Content-Length"] = "not zero" };

        var r = Prepare(new Request("POST", httpbin("post")) { Headers = headers });

        Assert.True(r.Headers.ContainsKey("Content-Length"));
        // Departure (README, Differences from requests: hand-set Content-Length): the real length replaces it.
        Assert.Equal("0", r.Headers["Content-Length"]);
    }

    [Fact]
    public void test_path_is_not_double_encoded()
    {
        var request = Prepare(new Request("GET", "http://0.0.0.0/get/test case"));

        // requests' path_url: the path and query of the prepared URL.
        Assert.Equal("/get/test%20case", new Uri(request.Url).PathAndQuery);
    }

    [Theory]
    [InlineData("http://example.com/path#fragment", "http://example.com/path?a=b#fragment")]
    [InlineData("http://example.com/path?key=value#fragment", "http://example.com/path?key=value&a=b#fragment")]
    public void test_params_are_added_before_fragment(string url, string expected)
    {
        var request = Prepare(new Request("GET", url) { Params = new() { ["a"] = "b" } });

        Assert.Equal(expected, request.Url);
    }

    [Fact]
    public void test_params_original_order_is_preserved_by_default()
    {
        var paramOrdered = new QueryParams { ["z"] = "1", ["a"] = "1", ["k"] = "1", ["d"] = "1" };
        using var session = new Session();
        var request = new Request("GET", "http://example.com/") { Params = paramOrdered };

        var prep = session.PrepareRequest(request);

        Assert.Equal("http://example.com/?z=1&a=1&k=1&d=1", prep.Url);
    }

    [Fact]
    public void test_whitespaces_are_removed_from_url()
    {
        var request = Prepare(new Request("GET", " http://example.com"));

        Assert.Equal("http://example.com/", request.Url);
    }

    [Theory]
    [InlineData("http://")]
    [InlineData("HTTP://")]
    [InlineData("hTTp://")]
    [InlineData("HttP://")]
    public async Task test_mixed_case_scheme_acceptable(string scheme)
    {
        using var s = new Session();
        var parts = new Uri(httpbin("get"));
        var url = scheme + parts.Authority + parts.AbsolutePath;

        var r = await s.SendAsync(Prepare(new Request("GET", url)));

        Assert.True(Status(r) == 200, $"failed for scheme {scheme}");
    }

    [Fact]
    public async Task test_HTTP_200_OK_GET_ALTERNATIVE()
    {
        using var s = new Session();

        var r = await s.SendAsync(Prepare(new Request("GET", httpbin("get"))));

        Assert.Equal(200, Status(r));
    }

    [Fact]
    public async Task test_HTTP_200_OK_GET_WITH_PARAMS()
    {
        var heads = new HeaderMap { ["User-agent"] = "Mozilla/5.0" };

        var r = await Requests.GetAsync(httpbin("user-agent"), new() { Headers = heads });

        Assert.Contains(heads["User-agent"]!, r.Text, StringComparison.Ordinal);
        Assert.Equal(200, Status(r));
    }

    [Fact]
    public async Task test_HTTP_200_OK_GET_WITH_MIXED_PARAMS()
    {
        var heads = new HeaderMap { ["User-agent"] = "Mozilla/5.0" };

        var r = await Requests.GetAsync(httpbin("get") + "?test=true", new() { Params = new() { ["q"] = "test" }, Headers = heads });

        Assert.Equal(200, Status(r));
    }

    [Fact]
    public async Task test_HTTP_200_OK_HEAD()
    {
        var r = await Requests.HeadAsync(httpbin("get"));

        Assert.Equal(200, Status(r));
    }

    [Fact]
    public async Task test_HTTP_200_OK_PUT()
    {
        var r = await Requests.PutAsync(httpbin("put"));

        Assert.Equal(200, Status(r));
    }

    [Theory]
    [InlineData("http://localhost:1", typeof(ConnectionException))]
    [InlineData("http://fe80::5054:ff:fe5a:fc0", typeof(InvalidUrlException))]
    public async Task test_errors(string url, Type exception)
    {
        var raised = await Record.ExceptionAsync(() => Requests.GetAsync(url, new() { Timeout = TimeSpan.FromSeconds(1) }));

        Assert.IsAssignableFrom(exception, raised);
    }

    [Fact]
    public async Task test_request_ok_set()
    {
        var r = await Requests.GetAsync(httpbin("status", "404"));

        Assert.False(r.Ok);
    }

    [Fact]
    public async Task test_status_raising()
    {
        var r = await Requests.GetAsync(httpbin("status", "404"));
        Assert.ThrowsAny<HttpErrorException>(() => r.RaiseForStatus());

        r = await Requests.GetAsync(httpbin("status", "500"));
        Assert.False(r.Ok);
    }

    [Fact]
    public async Task test_decompress_gzip()
    {
        var r = await Requests.GetAsync(httpbin("gzip"));

        // r.content.decode("ascii") raises on anything that is not ASCII.
        _ = System.Text.Encoding.GetEncoding("us-ascii", System.Text.EncoderFallback.ExceptionFallback, System.Text.DecoderFallback.ExceptionFallback)
            .GetString(r.Content);
    }

    [Theory]
    [InlineData("/get", "foo", "føø")]
    [InlineData("/get", "føø", "føø")]
    [InlineData("/get", "foo", "foo")]
    [InlineData("ø", "foo", "foo")]
    public async Task test_unicode_get(string url, string key, string value)
    {
        await Requests.GetAsync(httpbin(url), new() { Params = new() { [key] = value } });
    }

    [Fact]
    public async Task test_unicode_header_name()
    {
        await Requests.PutAsync(httpbin("put"), new() { Headers = new() { ["Content-Type"] = "application/octet-stream" }, Data = "\xff" });
    }

    [Fact]
    public async Task test_urlencoded_get_query_multivalued_param()
    {
        var r = await Requests.GetAsync(httpbin("get"), new() { Params = new() { { "test", "foo" }, { "test", "baz" } } });

        Assert.Equal(200, Status(r));
        Assert.Equal(httpbin("get?test=foo&test=baz"), r.Url);
    }

    [Fact]
    public void test_form_encoded_post_query_multivalued_element()
    {
        var r = new Request("POST", httpbin("post")) { Data = RequestData.FromForm([new("test", "foo"), new("test", "baz")]) };

        var prep = Prepare(r);

        Assert.Equal("test=foo&test=baz", BodyText(prep));
    }

    [Fact]
    public async Task test_time_elapsed_blank()
    {
        var r = await Requests.GetAsync(httpbin("get"));

        Assert.True(r.Elapsed.TotalSeconds > 0.0);
    }

    [Fact]
    public async Task test_fixes_1329()
    {
        using var s = new Session();
        s.Headers["ACCEPT"] = "BOGUS";
        s.Headers["accept"] = "application/json";

        var r = await s.GetAsync(httpbin("get"));

        var headers = r.Request.Headers;
        Assert.Equal("application/json", headers["accept"]);
        Assert.Equal("application/json", headers["Accept"]);
        Assert.Equal("application/json", headers["ACCEPT"]);
    }

    [Fact]
    public async Task test_params_are_merged_case_sensitive()
    {
        using var s = new Session();
        s.Params["foo"] = "bar";

        var r = await s.GetAsync(httpbin("get"), new() { Params = new() { ["FOO"] = "bar" } });

        var args = r.Json().GetProperty("args").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString());
        Assert.Equal(new Dictionary<string, string?> { ["foo"] = "bar", ["FOO"] = "bar" }, args);
    }

    [Fact]
    public void test_long_authinfo_in_url()
    {
        const string User = "E8A3BE87-9E3F-4620-8858-95478E385B5B";
        const string Password = "EA770032-DA4D-4D84-8CE9-29C6D910BF1E";
        const string Host = "exactly-------------sixty-----------three------------characters";
        var url = $"http://{User}:{Password}@{Host}:9000/path?query#frag";

        var r = Prepare(new Request("GET", url));

        // Departure (README, Differences from requests): credentials in the URL become Basic auth and are removed from
        // the URL, where requests keeps the URL as given.
        Assert.Equal($"http://{Host}:9000/path?query#frag", r.Url);
        Assert.Equal("Basic " + Convert.ToBase64String(System.Text.Encoding.Latin1.GetBytes($"{User}:{Password}")), r.Headers["Authorization"]);
    }

    [Fact]
    public void test_autoset_header_values_are_native()
    {
        const string Data = "this is a string";
        const string Length = "16";

        var p = Prepare(new Request("POST", httpbin("post")) { Data = Data });

        Assert.Equal(Length, p.Headers["Content-Length"]);
    }

    [Fact]
    public void test_nonhttp_schemes_dont_check_URLs()
    {
        string[] testUrls =
        [
            "data:image/gif;base64,R0lGODlhAQABAHAAACH5BAUAAAAALAAAAAABAAEAAAICRAEAOw==",
            "file:///etc/passwd",
            "magnet:?xt=urn:btih:be08f00302bc2d1d3cfa3af02024fa647a271431",
        ];
        foreach (var testUrl in testUrls)
        {
            var preq = Prepare(new Request("GET", testUrl));

            Assert.Equal(testUrl, preq.Url);
        }
    }

    [Fact]
    public void test_json_param_post_should_not_override_data_param()
    {
        var r = new Request("POST", httpbin("post"))
        {
            Data = new Dictionary<string, string> { ["stuff"] = "elixr" },
            Json = new Dictionary<string, string> { ["music"] = "flute" },
        };

        var prep = Prepare(r);

        Assert.Equal("stuff=elixr", BodyText(prep));
    }

    [Fact]
    public async Task test_json_param_post_content_type_works()
    {
        var r = await Requests.PostAsync(httpbin("post"), new() { Json = new Dictionary<string, int> { ["life"] = 42 } });

        Assert.Equal(200, Status(r));
        Assert.Contains("application/json", r.Request.Headers["Content-Type"], StringComparison.Ordinal);
        var json = r.Json().GetProperty("json");
        Assert.Equal(42, json.GetProperty("life").GetInt32());
        Assert.Single(json.EnumerateObject());
    }
}
