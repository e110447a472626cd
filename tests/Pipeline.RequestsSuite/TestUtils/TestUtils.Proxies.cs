using System.Text;
using System.Text.RegularExpressions;
using Pipeline.RequestsSuite.Testserver;

namespace Pipeline.RequestsSuite;

/// <summary>The module-level tests of requests' tests/test_utils.py: proxy selection and bypass.</summary>
public sealed partial class TestUtils
{
    private const string NoProxyVariable = "192.168.0.0/24,127.0.0.1,localhost.localdomain,172.16.1.1, google.com:6000";

    private static readonly Dictionary<string, Dictionary<string, string>> ProxySets = new()
    {
        ["http_proxies"] = new() { ["http"] = "http://http.proxy", ["http://some.host"] = "http://some.host.proxy" },
        ["all_proxies"] = new() { ["all"] = "socks5://http.proxy", ["all://some.host"] = "socks5://some.host.proxy" },
        ["mixed_proxies"] = new() { ["http"] = "http://http.proxy", ["http://some.host"] = "http://some.host.proxy", ["all"] = "socks5://http.proxy" },
    };

    public static TheoryData<string, string?, string> SelectProxiesCases => new()
    {
        { "hTTp://u:p@Some.Host/path", "http://some.host.proxy", "http_proxies" },
        { "hTTp://u:p@Other.Host/path", "http://http.proxy", "http_proxies" },
        { "hTTps://Other.Host", null, "http_proxies" },
        { "hTTp://u:p@Some.Host/path", "socks5://some.host.proxy", "all_proxies" },
        { "hTTp://u:p@Other.Host/path", "socks5://http.proxy", "all_proxies" },
        { "hTTps://Other.Host", "socks5://http.proxy", "all_proxies" },
        { "http://u:p@other.host/path", "http://http.proxy", "mixed_proxies" },
        { "http://u:p@some.host/path", "http://some.host.proxy", "mixed_proxies" },
        { "https://u:p@other.host/path", "socks5://http.proxy", "mixed_proxies" },
        { "https://u:p@some.host/path", "socks5://http.proxy", "mixed_proxies" },
    };

    /// <summary>The rows test_should_bypass_proxies and test_should_bypass_proxies_no_proxy share.</summary>
    public static TheoryData<string, bool> BypassCases => new()
    {
        { "http://192.168.0.1:5000/", true },
        { "http://192.168.0.1/", true },
        { "http://172.16.1.1/", true },
        { "http://172.16.1.1:5000/", true },
        { "http://localhost.localdomain:5000/v1.0/", true },
        { "http://172.16.1.12/", false },
        { "http://172.16.1.12:5000/", false },
        { "http://google.com:5000/v1.0/", false },
    };

    [Theory]
    [MemberData(nameof(SelectProxiesCases))]
    public async Task test_select_proxies(string url, string? expected, string proxies)
    {
        // Make sure we can select per-host proxies correctly. select_proxy shows as the proxy a request reaches: every
        // proxy is a loopback server, Some.Host is LocalHost and Other.Host is 127.0.0.1 (another loopback server,
        // reached when no proxy applies), so each request can be followed.
        var set = ProxySets[proxies];
        List<(string? Proxy, Server Server)> servers = [.. set.Values.Distinct().Select(proxy => ((string?)proxy, new Server())), (null, new Server())];
        var ports = servers.ToDictionary(s => s.Proxy ?? "direct", s => s.Server.Start().Port);
        var loopbackProxies = new ProxyMap(set.Select(p =>
            KeyValuePair.Create(OnLoopback(p.Key, port: null), (string?)$"{new Uri(p.Value).Scheme}://127.0.0.1:{ports[p.Value]}")));
        using (var session = new Session { TrustEnv = false, Proxies = loopbackProxies })
        {
            // No server answers: the request fails once it has reached one.
            await Assert.ThrowsAnyAsync<RequestException>(() => session.GetAsync(OnLoopback(url, ports["direct"])));
        }

        foreach (var (_, server) in servers)
        {
            await server.DisposeAsync();
        }

        Assert.Equal<string?>([expected], servers.Where(s => s.Server.HandlerResults.Count > 0).Select(s => s.Proxy));
    }

    [Theory]
    [InlineData("http://u:p@example.com/path?a=1#test", "http://example.com/path?a=1")]
    [InlineData("http://example.com/path", "http://example.com/path")]
    public async Task test_urldefragauth(string url, string expected)
    {
        // requests sends urldefragauth(url) as the request target to an http proxy: a loopback proxy records it.
        await using var proxy = new Server();
        var (host, port) = proxy.Start();
        using var session = new Session { TrustEnv = false, Proxies = new() { ["http"] = $"http://{host}:{port}" } };

        await Assert.ThrowsAnyAsync<RequestException>(() => session.GetAsync(url));

        var requestLine = Encoding.ASCII.GetString(proxy.HandlerResults.Single()!).Split("\r\n")[0];
        Assert.Equal($"GET {expected} HTTP/1.1", requestLine);
    }

    [Theory]
    [MemberData(nameof(BypassCases))]
    [InlineData("http://google.com:6000/", true)]
    [InlineData("file:///some/path/on/disk", true)]
    public void test_should_bypass_proxies(string url, bool expected)
    {
        // Tests for function should_bypass_proxies to check if proxy can be bypassed or not: a bypass shows as
        // MergeEnvironmentSettings taking no proxy from the environment.
        using var environ = new OverrideEnviron(("no_proxy", NoProxyVariable), ("NO_PROXY", NoProxyVariable), ("http_proxy", Observe.HttpProxy));

        Assert.Equal(expected, Observe.EnvironHttpProxy(url, noProxy: null) is null);
    }

    [Theory]
    [MemberData(nameof(BypassCases))]
    public void test_should_bypass_proxies_no_proxy(string url, bool expected)
    {
        // Tests for function should_bypass_proxies to check if proxy can be bypassed or not using the 'no_proxy' argument.
        var noProxy = "192.168.0.0/24,127.0.0.1,localhost.localdomain,172.16.1.1";

        AssertBypass(url, noProxy, expected);
    }

    [Theory]
    [InlineData("http://localhost/", true)]
    [InlineData("http://anotherdomain.com:8888/", true)]
    [InlineData("http://newdomain.com:1234/", true)]
    [InlineData("http://www.newdomain.com:1234/", true)]
    [InlineData("http://foo.d.o.t/", true)]
    [InlineData("http://d.o.t/", true)]
    [InlineData("http://prelocalhost/", false)]
    [InlineData("http://newdomain.com/", false)]
    [InlineData("http://newdomain.com:1235/", false)]
    public void test_should_bypass_proxies_no_proxy_domain_boundary(string url, bool expected)
    {
        // Ensure no_proxy matching respects domain boundaries and does not greedily match domains that merely
        // endswith the no_proxy entry. See CPython bpo-39057.
        var noProxy = "localhost, anotherdomain.com, newdomain.com:1234, .d.o.t";

        AssertBypass(url, noProxy, expected);
    }

    /// <summary>should_bypass_proxies(url, no_proxy) with the argument given as requests' proxies["no_proxy"].</summary>
    private static void AssertBypass(string url, string noProxy, bool expected)
    {
        using var environ = new OverrideEnviron(("http_proxy", Observe.HttpProxy));

        Assert.Equal(expected, Observe.EnvironHttpProxy(url, noProxy) is null);
    }

    /// <summary>Some.Host as LocalHost and Other.Host as 127.0.0.1, case kept, with the loopback port when given.</summary>
    private static string OnLoopback(string url, int? port) =>
        Regex.Replace(url, "(some|other)\\.host", m =>
            (m.Value[0] is 'o' or 'O' ? "127.0.0.1" : m.Value[0] == 'S' ? "LocalHost" : "localhost") + (port is null ? string.Empty : $":{port}"),
            RegexOptions.IgnoreCase);
}
