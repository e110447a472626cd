using System.Net;
using Pipeline.Tests.Infrastructure;
using Pipeline.Tests.Sessions;

namespace Pipeline.Tests.Proxies;

/// <summary>Proxies through Debian's tinyproxy; the origin is the loopback app. Environment variables are cleared per test.</summary>
[Collection(EnvironmentCollection.Name)]
public sealed class ProxyTests : IClassFixture<TinyproxyFixture>, IClassFixture<LoopbackServerFixture>, IClassFixture<Certificates>, IDisposable
{
    private static readonly string[] Variables = ["HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy", "NO_PROXY", "no_proxy"];
    private readonly Dictionary<string, string?> _saved = Variables.ToDictionary(v => v, Environment.GetEnvironmentVariable);
    private readonly TinyproxyFixture _proxy;
    private readonly LoopbackServerFixture _server;
    private readonly Certificates _pki;

    public ProxyTests(TinyproxyFixture proxy, LoopbackServerFixture server, Certificates pki)
    {
        _proxy = proxy;
        _server = server;
        _pki = pki;
        foreach (var name in Variables)
        {
            Environment.SetEnvironmentVariable(name, null);
        }
    }

    public static TheoryData<string> Kinds => TestSessions.Kinds;

    public void Dispose()
    {
        foreach (var (name, value) in _saved)
        {
            Environment.SetEnvironmentVariable(name, value);
        }
    }

    // tinyproxy adds "Via: 1.1 tinyproxy (tinyproxy/1.11.1)" to what it forwards.
    private static bool Proxied(Response response) =>
        response.Json().GetProperty("headers").TryGetProperty("Via", out var via) && via.GetString()!.Contains("tinyproxy", StringComparison.Ordinal);

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task SessionProxy_IsUsed_TheOriginSeesVia(string kind)
    {
        using var handle = TestSessions.Create(kind, s => s.Proxies["http"] = _proxy.OpenUrl);

        var response = await handle.Session.GetAsync(_server.Url("/headers"));

        Assert.True(Proxied(response));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task RequestProxy_BeatsSession_NullRemovesIt(string kind)
    {
        using var handle = TestSessions.Create(kind, s => s.Proxies["http"] = "http://127.0.0.1:1");

        var viaRequest = await handle.Session.GetAsync(_server.Url("/headers"), new() { Proxies = new() { ["http"] = _proxy.OpenUrl } });
        var direct = await handle.Session.GetAsync(_server.Url("/headers"), new() { Proxies = new() { ["http"] = null } });

        Assert.True(Proxied(viaRequest));
        Assert.False(Proxied(direct));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task EnvironmentProxy_FillsOnlyUnsetSchemes_ReadAtRequestTime_DepartureFromRequests(string kind)
    {
        using var handle = TestSessions.Create(kind);
        var before = await handle.Session.GetAsync(_server.Url("/headers"));

        Environment.SetEnvironmentVariable("HTTP_PROXY", _proxy.OpenUrl);
        var viaEnvironment = await handle.Session.GetAsync(_server.Url("/headers"));
        handle.Session.Proxies["http"] = "";
        var sessionWins = await handle.Session.GetAsync(_server.Url("/headers"));

        Assert.False(Proxied(before));
        Assert.True(Proxied(viaEnvironment));
        Assert.False(Proxied(sessionWins));
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.0.0.0/8")]
    [InlineData("*")]
    [InlineData("localhost,127.0.0.1")]
    public async Task NoProxy_BypassesTheEnvironmentProxy(string noProxy)
    {
        Environment.SetEnvironmentVariable("HTTP_PROXY", _proxy.OpenUrl);
        Environment.SetEnvironmentVariable("NO_PROXY", noProxy);
        using var session = new Session();

        var response = await session.GetAsync(_server.Url("/headers"));

        Assert.False(Proxied(response));
    }

    [Theory]
    [InlineData(".localhost")]
    [InlineData("localhost")]
    public async Task NoProxy_DomainForms_Bypass_AndTheMapsNoProxyKeyToo(string noProxy)
    {
        Environment.SetEnvironmentVariable("http_proxy", _proxy.OpenUrl);
        var port = new Uri(_server.App.BaseUrl).Port;
        using var session = new Session();

        var viaEnvironment = await session.GetAsync($"http://localhost:{port}/headers", new() { Proxies = new() { ["no_proxy"] = noProxy } });
        Environment.SetEnvironmentVariable("no_proxy", $"localhost:{port}");
        var hostAndPort = await session.GetAsync($"http://localhost:{port}/headers");

        Assert.False(Proxied(viaEnvironment));
        Assert.False(Proxied(hostAndPort));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Redirect_ProxyIsReResolvedPerHop_DepartureFromRequests(string kind)
    {
        Environment.SetEnvironmentVariable("HTTP_PROXY", _proxy.OpenUrl);
        Environment.SetEnvironmentVariable("NO_PROXY", "localhost");
        var port = new Uri(_server.App.BaseUrl).Port;
        using var handle = TestSessions.Create(kind);

        var response = await handle.Session.GetAsync(_server.Url("/redirect-with?to=" + Uri.EscapeDataString($"http://localhost:{port}/headers")));

        Assert.Single(response.History);
        Assert.False(Proxied(response));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task RequestProxyNull_GoesDirect_EvenWithAnEnvironmentProxy_AsMergeEnvironmentSettings(string kind)
    {
        // requests fills the request's proxies from the environment before merge_setting drops the None, so
        // proxies={'http': None} goes direct with HTTP_PROXY set (checked with 2.34).
        Environment.SetEnvironmentVariable("HTTP_PROXY", _proxy.OpenUrl);
        using var handle = TestSessions.Create(kind);

        var direct = await handle.Session.GetAsync(_server.Url("/headers?show_env=1"), new() { Proxies = new() { ["http"] = null } });
        var proxied = await handle.Session.GetAsync(_server.Url("/headers?show_env=1"));
        var settings = handle.Session.MergeEnvironmentSettings(_server.Url("/get"), new() { ["http"] = null }, null, null, null);

        Assert.False(Proxied(direct));
        Assert.True(Proxied(proxied));
        Assert.False(settings.Proxies.ContainsKey("http"));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Redirect_EnvironmentIsReadOncePerRequest_ThenAgainForTheNext_DepartureFromRequests(string kind)
    {
        // requests' rebuild_proxies reads the environment again on every hop; a request here keeps what its first hop
        // read, so a hook that sets HTTP_PROXY in the middle of a chain reaches the next request, not the next hop.
        using var handle = TestSessions.Create(kind, s => s.Hooks.Response.Add(r =>
        {
            if (r.IsRedirect)
            {
                Environment.SetEnvironmentVariable("HTTP_PROXY", _proxy.OpenUrl);
            }
        }));

        var chain = await handle.Session.GetAsync(_server.Url("/redirect/1"));
        var next = await handle.Session.GetAsync(_server.Url("/get"));

        Assert.Single(chain.History);
        Assert.False(Proxied(chain));
        Assert.True(Proxied(next));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task ProxyCredentials_FromTheUrl_AuthenticateAndNeverReachTheOrigin(string kind)
    {
        using var handle = TestSessions.Create(kind);

        var withCredentials = await handle.Session.GetAsync(_server.Url("/headers"), new() { Proxies = new() { ["all"] = _proxy.AuthUrl } });
        var without = await handle.Session.GetAsync(_server.Url("/headers"), new() { Proxies = new() { ["all"] = $"http://127.0.0.1:{_proxy.AuthPort}" } });

        Assert.True(Proxied(withCredentials));
        Assert.False(withCredentials.Json().GetProperty("headers").TryGetProperty("Proxy-Authorization", out _));
        Assert.Equal(HttpStatusCode.ProxyAuthenticationRequired, without.StatusCode);
    }

    [Fact]
    public async Task ProxyAuthorization_NeverSentToAnOriginWithoutProxy()
    {
        using var session = new Session { Auth = new ProxyAuth("user", "pass") };

        var response = await session.GetAsync(_server.Url("/headers"));

        Assert.False(response.Json().GetProperty("headers").TryGetProperty("Proxy-Authorization", out _));
    }

    [Fact]
    public async Task AbsoluteFormRequestLine_WithoutFragmentOrUserInfo()
    {
        await using var fakeProxy = new RawHttpServer();
        using var session = new Session();

        using var response = await session.GetAsync("http://origin.test:8080/path?q=1#fragment", new() { Proxies = new() { ["http"] = fakeProxy.BaseUrl.Replace("http://", "http://u:p@") } });

        var request = Assert.Single(fakeProxy.Requests);
        Assert.Equal("GET http://origin.test:8080/path?q=1 HTTP/1.1", request.RequestLine);
        Assert.Equal("Basic dTpw", request.Header("Proxy-Authorization"));
    }

    [Fact]
    public async Task Https_TunnelsWithConnect_AnsweringThe407WithTheCredentials()
    {
        await using var fakeProxy = new RawHttpServer(r => r.Header("Proxy-Authorization") is null
            ? "HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"p\"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            : "HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        using var session = new Session();

        var error = await Assert.ThrowsAsync<ProxyException>(
            () => session.GetAsync("https://origin.test/secure", new() { Proxies = new() { ["https"] = fakeProxy.BaseUrl.Replace("http://", "http://u:p@") } }));

        Assert.All(fakeProxy.Requests, r => Assert.Equal("CONNECT origin.test:443 HTTP/1.1", r.RequestLine));
        Assert.Equal("Basic dTpw", fakeProxy.Requests[^1].Header("Proxy-Authorization"));
        Assert.DoesNotContain("u:p", error.Message);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Https_ThroughTinyproxy_TunnelsWithConnect_AndVerifiesTheOrigin(string kind)
    {
        await using var secure = await Pipeline.Testing.LoopbackServer.StartAsync(_pki.Server, requireClientCertificate: false);
        using var handle = TestSessions.Create(kind, s => s.Verify = _pki.CaBundlePath);

        var open = await handle.Session.GetAsync(secure.Url("/headers"), new() { Proxies = new() { ["https"] = _proxy.OpenUrl } });
        var authenticated = await handle.Session.GetAsync(secure.Url("/headers"), new() { Proxies = new() { ["https"] = _proxy.AuthUrl } });

        // Inside a tunnel the proxy cannot add Via, and the proxy credentials never reach the origin.
        Assert.Equal(HttpStatusCode.OK, open.StatusCode);
        Assert.Equal(HttpStatusCode.OK, authenticated.StatusCode);
        Assert.False(authenticated.Json().GetProperty("headers").TryGetProperty("Proxy-Authorization", out _));
        await Assert.ThrowsAsync<ProxyException>(() => handle.Session.GetAsync(
            secure.Url("/headers"), new() { Proxies = new() { ["https"] = $"http://127.0.0.1:{_proxy.AuthPort}" } }));
    }

    [Fact]
    public async Task UnreachableProxy_IsProxyException()
    {
        using var session = new Session();

        var error = await Assert.ThrowsAsync<ProxyException>(
            () => session.GetAsync(_server.Url("/get"), new() { Proxies = new() { ["http"] = "http://127.0.0.1:1" } }));

        Assert.IsAssignableFrom<ConnectionException>(error);
    }

    [Theory]
    [InlineData("http://:8080")]
    [InlineData("http://")]
    [InlineData("http:/badproxyurl:3128")]
    [InlineData("http:///example.com:8080")]
    [InlineData("https://:3128")]
    public async Task ProxyUrlWithoutHost_IsInvalidProxyUrl_BeforeSending(string proxyUrl)
    {
        using var session = new Session();

        await Assert.ThrowsAsync<InvalidProxyUrlException>(() => session.GetAsync(_server.Url("/get"), new() { Proxies = new() { ["http"] = proxyUrl } }));
    }

    [Fact]
    public async Task ProxyUrlWithoutScheme_GetsHttp()
    {
        using var session = new Session();

        var response = await session.GetAsync(_server.Url("/headers"), new() { Proxies = new() { ["http"] = _proxy.OpenUrl.Replace("http://", "") } });

        Assert.True(Proxied(response));
    }

    [Fact]
    public async Task Pools_AreKeptPerProxy_ADirectRequestNeverUsesTheProxiedConnection()
    {
        using var session = new Session();
        var adapter = (HttpAdapter)session.GetAdapter("http://");

        var proxied = await session.GetAsync(_server.Url("/headers"), new() { Proxies = new() { ["http"] = _proxy.OpenUrl } });
        var direct = await session.GetAsync(_server.Url("/headers"));

        Assert.True(Proxied(proxied));
        Assert.False(Proxied(direct));
        Assert.Equal(2, adapter.PoolCount);
    }
}
