using Pipeline.RequestsSuite.Testserver;

namespace Pipeline.RequestsSuite;

/// <summary>
/// requests' tests/test_utils.py <c>TestGetEnvironProxies</c>: IP addresses are matched with ranges in the no_proxy
/// variable. Each case runs with the variable spelled <c>no_proxy</c> and <c>NO_PROXY</c> (requests' fixture params).
/// <c>get_environ_proxies</c> is what <see cref="Session.MergeEnvironmentSettings"/> takes from the environment; with
/// <c>http_proxy</c> set, "{}" (bypassed) shows as no http proxy.
/// </summary>
[Collection(EnvironmentCollection.Name)]
public sealed class TestGetEnvironProxies
{
    private const string NoProxy = "192.168.0.0/24,127.0.0.1,localhost.localdomain,172.16.1.1";

    [Theory]
    [MemberData(nameof(InNoProxy))]
    public void test_bypass(string noProxyVariable, string url)
    {
        using var environ = new OverrideEnviron((noProxyVariable, NoProxy), ("http_proxy", Observe.HttpProxy));

        Assert.Null(Observe.EnvironHttpProxy(url, noProxy: null));
    }

    [Theory]
    [MemberData(nameof(NotInNoProxy))]
    public void test_not_bypass(string noProxyVariable, string url)
    {
        using var environ = new OverrideEnviron((noProxyVariable, NoProxy), ("http_proxy", Observe.HttpProxy));

        Assert.NotNull(Observe.EnvironHttpProxy(url, noProxy: null));
    }

    [Theory]
    [MemberData(nameof(NotInNoProxy))]
    public void test_bypass_no_proxy_keyword(string noProxyVariable, string url)
    {
        using var environ = new OverrideEnviron((noProxyVariable, NoProxy), ("http_proxy", Observe.HttpProxy));
        var noProxy = "192.168.1.1,requests.com";

        Assert.Null(Observe.EnvironHttpProxy(url, noProxy));
    }

    [Theory]
    [MemberData(nameof(InNoProxy))]
    public void test_not_bypass_no_proxy_keyword(string noProxyVariable, string url)
    {
        // This is testing that the 'no_proxy' argument overrides the environment variable 'no_proxy'.
        using var environ = new OverrideEnviron((noProxyVariable, NoProxy), ("http_proxy", Observe.HttpProxy));
        var noProxy = "192.168.1.1,requests.com";

        Assert.NotNull(Observe.EnvironHttpProxy(url, noProxy));
    }

    public static TheoryData<string, string> InNoProxy =>
        Cases("http://192.168.0.1:5000/", "http://192.168.0.1/", "http://172.16.1.1/", "http://172.16.1.1:5000/", "http://localhost.localdomain:5000/v1.0/");

    public static TheoryData<string, string> NotInNoProxy => Cases("http://192.168.1.1:5000/", "http://192.168.1.1/", "http://www.requests.com/");

    /// <summary>Each URL with each spelling of the variable, as requests' autouse fixture with params.</summary>
    private static TheoryData<string, string> Cases(params string[] urls)
    {
        var data = new TheoryData<string, string>();
        foreach (var variable in new[] { "no_proxy", "NO_PROXY" })
        {
            foreach (var url in urls)
            {
                data.Add(variable, url);
            }
        }

        return data;
    }
}
