namespace Pipeline.RequestsSuite;

/// <summary>requests' <c>class TestRequests</c>: proxies.</summary>
public sealed partial class TestRequests
{
    // requests' INVALID_PROXY: nothing listens on port 1.
    private const string InvalidProxy = "http://localhost:1";

    [Fact]
    public async Task test_proxy_error()
    {
        // any proxy related error (address resolution, no route to host, etc) should result in a ProxyError
        // requests' proxy "non-resolvable-address" would need a DNS query; a scheme-less proxy on loopback that
        // refuses connections is the proxy error here.
        await Assert.ThrowsAnyAsync<ProxyException>(() => Requests.GetAsync("http://localhost:1", new()
        {
            Proxies = new() { ["http"] = "127.0.0.1:1" },
        }));
    }

    [Fact]
    public async Task test_proxy_error_on_bad_url()
    {
        // An in-memory adapter stands where the transport would be, so a proxy URL that slipped through would never be
        // dialled (the proxy is chosen before the adapter runs).
        using var session = new Session();
        using var adapter = new InMemoryAdapter();
        session.Mount("http://", adapter);
        session.Mount("https://", adapter);

        await Assert.ThrowsAnyAsync<InvalidProxyUrlException>(() => session.GetAsync(httpbin_secure(), new() { Proxies = new() { ["https"] = "http:/badproxyurl:3128" } }));

        await Assert.ThrowsAnyAsync<InvalidProxyUrlException>(() => session.GetAsync(httpbin(), new() { Proxies = new() { ["http"] = "http://:8080" } }));

        await Assert.ThrowsAnyAsync<InvalidProxyUrlException>(() => session.GetAsync(httpbin_secure(), new() { Proxies = new() { ["https"] = "https://" } }));

        await Assert.ThrowsAnyAsync<InvalidProxyUrlException>(() => session.GetAsync(httpbin(), new() { Proxies = new() { ["http"] = "http:///example.com:8080" } }));
    }

    [Fact]
    public async Task test_respect_proxy_env_on_send_self_prepared_request()
    {
        using var environment = EnvironmentScope.Override(("http_proxy", InvalidProxy));
        using var session = new Session();
        var request = new Request("GET", httpbin());

        await Assert.ThrowsAnyAsync<ProxyException>(() => session.SendAsync(Prepare(request)));
    }

    [Fact]
    public async Task test_respect_proxy_env_on_send_session_prepared_request()
    {
        using var environment = EnvironmentScope.Override(("http_proxy", InvalidProxy));
        using var session = new Session();
        var request = new Request("GET", httpbin());
        var prepared = session.PrepareRequest(request);

        await Assert.ThrowsAnyAsync<ProxyException>(() => session.SendAsync(prepared));
    }

    [Fact]
    public async Task test_respect_proxy_env_on_send_with_redirects()
    {
        using var environment = EnvironmentScope.Override(("http_proxy", InvalidProxy));
        using var session = new Session();
        var url = httpbin("redirect/1");
        var request = new Request("GET", url);

        await Assert.ThrowsAnyAsync<ProxyException>(() => session.SendAsync(Prepare(request)));
    }

    [Fact]
    public async Task test_respect_proxy_env_on_get()
    {
        using var environment = EnvironmentScope.Override(("http_proxy", InvalidProxy));
        using var session = new Session();

        await Assert.ThrowsAnyAsync<ProxyException>(() => session.GetAsync(httpbin()));
    }

    [Fact]
    public async Task test_respect_proxy_env_on_request()
    {
        using var environment = EnvironmentScope.Override(("http_proxy", InvalidProxy));
        using var session = new Session();

        await Assert.ThrowsAnyAsync<ProxyException>(() => session.RequestAsync(method: "GET", url: httpbin()));
    }

    [Fact]
    public async Task test_proxy_auth()
    {
        Assert.Equal("Basic dXNlcjpwYXNz", await ProxyAuthorizationSentAsync("user:pass"));
    }

    [Fact]
    public async Task test_proxy_auth_empty_pass()
    {
        Assert.Equal("Basic dXNlcjo=", await ProxyAuthorizationSentAsync("user:"));
    }

    private static async Task<string?> ProxyAuthorizationSentAsync(string userInfo)
    {
        // requests asks HTTPAdapter.proxy_headers("http://user:pass@httpbin.org"); Pipeline puts those headers on the
        // wire, so a raw peer on loopback plays the proxy and the header it received is read back.
        await using var proxy = new RawPeer(_ => RawPeer.Response("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close"));
        using var session = new Session { TrustEnv = false };

        // requests' proxy host is httpbin.org; the target is a loopback port nobody listens on, so a request that
        // skipped the proxy fails.
        await session.GetAsync("http://127.0.0.1:1/", new() { Proxies = new() { ["http"] = $"http://{userInfo}@127.0.0.1:{proxy.Port}" } });

        var lines = proxy.Heads.Single().Split("\r\n");
        return lines.Where(l => l.StartsWith("Proxy-Authorization:", StringComparison.OrdinalIgnoreCase))
            .Select(l => l["Proxy-Authorization:".Length..].Trim())
            .SingleOrDefault();
    }
}
