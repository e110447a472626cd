using Pipeline.Tests.Infrastructure;

namespace Pipeline.Tests.Proxies;

// requests' select_proxy and should_bypass_proxies (utils.py), checked against requests 2.34.
// Some tests set proxy environment variables, so this class runs alone (see ProcessEnvironmentCollection).
[Collection(ProcessEnvironmentCollection.Name)]
public sealed class ProxyRulesTests
{
    private static readonly string[] ProxyVariables =
        ["http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY", "no_proxy", "NO_PROXY"];

    private static ProxyMap AllKinds() => new()
    {
        ["http://h.com"] = "A",
        ["http"] = "B",
        ["all://h.com"] = "C",
        ["all"] = "D",
    };

    [Theory]
    [InlineData("http://h.com", "A")]
    [InlineData("http://o", "B")]
    [InlineData("https://h.com", "C")]
    [InlineData("https://o", "D")]
    [InlineData("http://H.COM/x", "A")]
    [InlineData("http://h.com:8080/", "A")]
    [InlineData("http://user:pw@h.com/", "A")]
    public void SelectProxy_AllKeyKinds_SchemeHostThenSchemeThenAllHostThenAll(string url, string expected)
    {
        // Acceptance check 39.
        var proxy = ProxyRules.SelectProxy(new Uri(url), AllKinds());

        Assert.Equal(expected, proxy);
    }

    [Fact]
    public void SelectProxy_NoMatchingKey_ReturnsNull()
    {
        var proxy = ProxyRules.SelectProxy(new Uri("https://o"), new ProxyMap { ["http"] = "B" });

        Assert.Null(proxy);
    }

    [Fact]
    public void SelectProxy_KeysIgnoreCase()
    {
        var proxy = ProxyRules.SelectProxy(new Uri("https://h.com"), new ProxyMap { ["HTTPS://H.com"] = "X" });

        Assert.Equal("X", proxy);
    }

    [Fact]
    public void SelectProxy_NonAsciiHost_MatchesIdnaKey()
    {
        var proxy = ProxyRules.SelectProxy(new Uri("http://ñandú.com/"), new ProxyMap { ["http://xn--and-6ma2c.com"] = "I" });

        Assert.Equal("I", proxy);
    }

    [Fact]
    public void SelectProxy_Ipv6Host_MatchesKeyWithHostnameWithoutBrackets()
    {
        // requests builds the key from urlparse().hostname, which has no brackets: "http://::1".
        var proxy = ProxyRules.SelectProxy(new Uri("http://[::1]:8080/"), new ProxyMap { ["http://::1"] = "V6", ["http"] = "B" });

        Assert.Equal("V6", proxy);
    }

    [Theory]
    [InlineData("file:///x", "D")]
    public void SelectProxy_UrlWithoutHost_UsesSchemeElseAll(string url, string expected)
    {
        var proxy = ProxyRules.SelectProxy(new Uri(url), AllKinds());

        Assert.Equal(expected, proxy);
    }

    [Fact]
    public void SelectProxy_UrlWithoutHostAndSchemeKey_UsesSchemeKey()
    {
        var proxy = ProxyRules.SelectProxy(new Uri("file:///x"), new ProxyMap { ["file"] = "F", ["all"] = "D" });

        Assert.Equal("F", proxy);
    }

    [Theory]
    [InlineData("http://sub.example.com", "example.com", true)]
    [InlineData("http://notexample.com", "example.com", false)]
    [InlineData("http://example.com", ".example.com", true)]
    [InlineData("http://sub.example.com", ".example.com", true)]
    [InlineData("http://192.168.1.5", "192.168.1.0/24", true)]
    [InlineData("http://192.168.2.5", "192.168.1.0/24", false)]
    [InlineData("http://example.com:8080", "example.com:8080", true)]
    [InlineData("http://example.com:9090", "example.com:8080", false)]
    [InlineData("http://example.com", "example.com:8080", false)]
    [InlineData("http://foo.sub.example.com:8080", "sub.example.com:8080", true)]
    [InlineData("http://sub.example.com:8080", "example.com", true)]
    [InlineData("http://anything", "*", true)]
    [InlineData("http://192.168.1.5", "*", true)]
    [InlineData("http://b.com", "a.com,*", false)]
    [InlineData("http://b.com", " * ", false)]
    public void ShouldBypassProxies_NoProxyEntry_MatchesAsRequests(string url, string noProxy, bool expected)
    {
        // Acceptance check 40; requests 2.34 itself no longer matches notexample.com for example.com.
        var bypass = ProxyRules.ShouldBypassProxies(new Uri(url), noProxy);

        Assert.Equal(expected, bypass);
    }

    [Theory]
    [InlineData("http://EXAMPLE.com", "example.com", true)]
    [InlineData("http://example.com", "EXAMPLE.COM", true)]
    [InlineData("http://a.com", "b.com, a.com", true)]
    [InlineData("http://a.com", " b.com ,,a.com ", true)]
    [InlineData("http://c.com", "b.com, a.com", false)]
    [InlineData("http://localhost", "localhost", true)]
    [InlineData("http://example.com", "sub.example.com", false)]
    [InlineData("http://ñandú.com", "xn--and-6ma2c.com", true)]
    public void ShouldBypassProxies_HostEntries_IgnoreCaseSpacesAndEmptyEntries(string url, string noProxy, bool expected)
    {
        var bypass = ProxyRules.ShouldBypassProxies(new Uri(url), noProxy);

        Assert.Equal(expected, bypass);
    }

    [Theory]
    [InlineData("http://192.168.1.5", "192.168.1.5", true)]
    [InlineData("http://192.168.1.5:80", "192.168.1.5:80", false)]
    [InlineData("http://192.168.1.5:8080", "192.168.1.5:8080", false)]
    [InlineData("http://10.0.0.1", "10.0.0.0/8", true)]
    [InlineData("http://10.255.255.255", "10.0.0.0/8", true)]
    [InlineData("http://11.0.0.1", "10.0.0.0/8", false)]
    [InlineData("http://10.0.0.1", "10.0.0.1/32", true)]
    [InlineData("http://10.0.0.2", "10.0.0.1/32", false)]
    [InlineData("http://10.0.0.1", "10.0.0.0/0", false)]
    [InlineData("http://10.0.0.1", "10.0.0.0/33", false)]
    [InlineData("http://10.0.0.1", "10.0.0.0/x", false)]
    [InlineData("http://10.0.0.1", "example.com", false)]
    public void ShouldBypassProxies_Ipv4Host_MatchesCidrOrExactIpOnly(string url, string noProxy, bool expected)
    {
        var bypass = ProxyRules.ShouldBypassProxies(new Uri(url), noProxy);

        Assert.Equal(expected, bypass);
    }

    [Theory]
    [InlineData("http://[::1]/", "::1", true)]
    [InlineData("http://[::1]:8080/", "localhost,127.0.0.1,::1", true)]
    [InlineData("http://[::2]/", "::1", false)]
    public void ShouldBypassProxies_Ipv6Host_MatchesEntryWithoutBrackets(string url, string noProxy, bool expected)
    {
        // requests compares urlparse().hostname, which has no brackets; NO_PROXY lists IPv6 addresses the same way.
        var bypass = ProxyRules.ShouldBypassProxies(new Uri(url), noProxy);

        Assert.Equal(expected, bypass);
    }

    [Fact]
    public void ShouldBypassProxies_EmptyList_DoesNotBypassOrReadEnvironment()
    {
        using var environment = new EnvironmentScope(("no_proxy", "*"));

        var bypass = ProxyRules.ShouldBypassProxies(new Uri("http://h/"), string.Empty);

        Assert.False(bypass);
    }

    [Fact]
    public void ShouldBypassProxies_NullList_ReadsLowerCaseNoProxy()
    {
        using var environment = new EnvironmentScope(("no_proxy", "h.com"), ("NO_PROXY", "other.com"));

        Assert.True(ProxyRules.ShouldBypassProxies(new Uri("http://h.com/"), null));
        Assert.False(ProxyRules.ShouldBypassProxies(new Uri("http://other.com/"), null));
    }

    [Fact]
    public void ShouldBypassProxies_NullListAndOnlyUpperCaseSet_ReadsUpperCaseNoProxy()
    {
        using var environment = new EnvironmentScope(("NO_PROXY", "other.com"));

        var bypass = ProxyRules.ShouldBypassProxies(new Uri("http://other.com/"), null);

        Assert.True(bypass);
    }

    [Fact]
    public void GetProxiesFromEnvironment_LowerCaseBeatsUpperCase_EachSchemeOnItsOwn()
    {
        using var environment = new EnvironmentScope(
            ("http_proxy", "http://lower:1"), ("HTTP_PROXY", "http://upper:1"), ("HTTPS_PROXY", "http://upper:2"),
            ("ALL_PROXY", "socks5://all:3"));

        var proxies = ProxyRules.GetProxiesFromEnvironment();

        Assert.Equal("http://lower:1", proxies["http"]);
        Assert.Equal("http://upper:2", proxies["https"]);
        Assert.Equal("socks5://all:3", proxies["all"]);
        Assert.Equal(3, proxies.Count);
    }

    [Fact]
    public void GetEnvironProxies_HostInNoProxy_ReturnsNothing()
    {
        using var environment = new EnvironmentScope(("http_proxy", "http://p:1"));

        var bypassed = ProxyRules.GetEnvironProxies(new Uri("http://internal.corp/"), "corp");
        var proxied = ProxyRules.GetEnvironProxies(new Uri("http://example.com/"), "corp");

        Assert.Equal(0, bypassed.Count);
        Assert.Equal("http://p:1", proxied["http"]);
    }

    [Fact]
    public void ParseProxyUrl_Latin1Credentials_BecomeIso88591Basic_AsProxyHeaders()
    {
        // requests' proxy_headers: _basic_auth_str encodes user and password as ISO-8859-1.
        var selection = ProxyRules.ParseProxyUrl("http://%C3%BC:p%C3%A4@proxy.test:3128");
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://origin.test/");

        selection.Auth!.Apply(request);

        Assert.Equal(new Uri("http://proxy.test:3128/"), selection.Url);
        var expected = "Basic " + Convert.ToBase64String(new byte[] { 0xFC, (byte)':', (byte)'p', 0xE4 });
        Assert.Equal(expected, string.Join(",", request.Headers.GetValues("Proxy-Authorization")));
    }

    [Theory]
    [InlineData("http:/badproxyurl:3128")]
    [InlineData("http://:3128")]
    [InlineData("http://user:pass@:3128")]
    [InlineData("https://")]
    [InlineData("http:///example.com:8080")]
    [InlineData("socks5://:1080")]
    public void ParseProxyUrl_NoHost_IsInvalidProxyUrl_AsTestProxyErrorOnBadUrl(string proxyUrl)
    {
        var error = Assert.Throws<InvalidProxyUrlException>(() => ProxyRules.ParseProxyUrl(proxyUrl));

        Assert.Contains("could be missing the host", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("pass", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("proxy.test:3128", "http://proxy.test:3128/")]
    [InlineData("u:p@proxy.test:3128", "http://proxy.test:3128/")]
    [InlineData("http://proxy.test:3128/", "http://proxy.test:3128/")]
    public void ParseProxyUrl_WithHost_IsAccepted(string proxyUrl, string expected)
    {
        var selection = ProxyRules.ParseProxyUrl(proxyUrl);

        Assert.Equal(expected, selection.Url.AbsoluteUri);
    }

    [Fact]
    public void ParseProxyUrl_CredentialsOutsideLatin1_IsInvalidProxyUrl_WithoutThePassword()
    {
        // requests fails too (UnicodeEncodeError in _basic_auth_str); here it is a clear error before anything is sent.
        var error = Assert.Throws<InvalidProxyUrlException>(() => ProxyRules.ParseProxyUrl("http://%D0%B6:secret@proxy.test:3128"));

        Assert.Contains("ISO-8859-1", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", error.Message, StringComparison.Ordinal);
    }

    // Sets the proxy variables for one test (clearing the others) and restores them all afterwards.
    private sealed class EnvironmentScope : IDisposable
    {
        private readonly Dictionary<string, string?> _saved = [];

        public EnvironmentScope(params (string Name, string Value)[] values)
        {
            foreach (var name in ProxyVariables)
            {
                _saved[name] = Environment.GetEnvironmentVariable(name);
                Environment.SetEnvironmentVariable(name, null);
            }

            foreach (var (name, value) in values)
            {
                Environment.SetEnvironmentVariable(name, value);
            }
        }

        public void Dispose()
        {
            foreach (var (name, value) in _saved)
            {
                Environment.SetEnvironmentVariable(name, value);
            }
        }
    }
}
