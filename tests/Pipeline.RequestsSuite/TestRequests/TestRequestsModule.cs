using System.Text;
using Pipeline.Tests.Infrastructure;

namespace Pipeline.RequestsSuite;

/// <summary>The module-level test functions of requests' tests/test_requests.py.</summary>
[Collection(TestRequestsCollection.Name)]
public sealed class TestRequestsModule(HttpbinFixture httpbinServer, HttpbinSecureFixture secureServer)
    : RequestsTestBase(httpbinServer, secureServer)
{
    [Theory]
    [InlineData("http_proxy", "http")]
    [InlineData("https_proxy", "https")]
    [InlineData("all_proxy", "http")]
    [InlineData("all_proxy", "https")]
    public async Task test_proxy_env_vars_override_default(string var, string scheme)
    {
        // requests asks session.rebuild_proxies(prep, {}) (its redirect machinery) whether the variable's proxy,
        // socks5://proxy.com:9876, is the one for the URL's scheme. Pipeline's proxy choice is internal, so the request
        // is sent: the proxy is a socks5 URL on loopback where nothing listens, the target is this suite's httpbin, so
        // only a request that went to the proxy fails.
        var url = scheme == "http" ? httpbin("get") : httpbin_secure("get");
        using var environment = EnvironmentScope.Override((var, "socks5://127.0.0.1:1"));
        using var session = new Session();

        await Assert.ThrowsAnyAsync<ConnectionException>(() => session.GetAsync(url, new() { Verify = Secure.CaBundlePath }));
    }

    [Theory]
    [InlineData("a=b", "c=d")]
    [InlineData("c=d", "a=b")]
    [InlineData("a=b", "c=d", "e=f")]
    public void test_data_argument_accepts_tuples(params string[] pairs)
    {
        // Ensure that the data argument will accept tuples of strings and properly encode them.
        var data = pairs.Select(p => p.Split('=')).Select(kv => new KeyValuePair<string, string?>(kv[0], kv[1])).ToList();

        var p = Prepare(new Request("GET", "http://www.example.com") { Data = RequestData.FromForm(data) });

        Assert.Equal(string.Join('&', pairs), BodyText(p));
    }

    [Theory]
    [InlineData("data")]
    [InlineData("data+cookies")]
    [InlineData("url")]
    public void test_prepared_copy(string kwargs)
    {
        var request = kwargs == "url"
            ? new Request("GET", "http://www.example.com/üniçø∂é")
            : new Request("GET", "http://www.example.com")
            {
                Data = "foo=bar",
                Hooks = new HookMap(),
                Cookies = kwargs == "data+cookies" ? new Dictionary<string, string> { ["foo"] = "bar" } : null,
            };
        var p = Prepare(request);

        var copy = p.Copy();

        // requests also compares the private _cookies and hooks; their effect (the Cookie header) is in the headers.
        Assert.Equal(p.Method, copy.Method);
        Assert.Equal(p.Url, copy.Url);
        Assert.Equal(p.Headers, copy.Headers);
        Assert.Equal(p.Body, copy.Body);
    }

    [Fact]
    public async Task test_urllib3_retries()
    {
        using var s = new Session();
        s.Mount("http://", new HttpAdapter { MaxRetries = new RetryPolicy { Total = 2, StatusForcelist = new HashSet<int> { 500 } } });

        await Assert.ThrowsAnyAsync<RetryException>(() => s.GetAsync(httpbin("status/500")));
    }

    [Fact]
    public void test_content_length_for_bytes_data()
    {
        const string Data = "This is a string containing multi-byte UTF-8 ☃️";
        var encodedData = Encoding.UTF8.GetBytes(Data);
        var length = encodedData.Length.ToString(System.Globalization.CultureInfo.InvariantCulture);

        var p = Prepare(new Request("POST", httpbin("post")) { Data = encodedData });

        Assert.Equal(length, p.Headers["Content-Length"]);
    }

    [Fact]
    public void test_content_length_for_string_data_counts_bytes()
    {
        const string Data = "This is a string containing multi-byte UTF-8 ☃️";
        var length = Encoding.UTF8.GetByteCount(Data).ToString(System.Globalization.CultureInfo.InvariantCulture);

        var p = Prepare(new Request("POST", httpbin("post")) { Data = Data });

        Assert.Equal(length, p.Headers["Content-Length"]);
    }
}
