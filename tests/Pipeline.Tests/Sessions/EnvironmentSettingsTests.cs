namespace Pipeline.Tests.Sessions;

/// <summary>Tests that change process environment variables; never run in parallel with others.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class EnvironmentCollection
{
    public const string Name = "environment";
}

[Collection(EnvironmentCollection.Name)]
public sealed class EnvironmentSettingsTests : IDisposable
{
    private static readonly string[] Variables =
    [
        "HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy", "NO_PROXY", "no_proxy",
        "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE",
    ];

    private readonly Dictionary<string, string?> _saved = Variables.ToDictionary(v => v, Environment.GetEnvironmentVariable);

    public EnvironmentSettingsTests()
    {
        foreach (var name in Variables)
        {
            Environment.SetEnvironmentVariable(name, null);
        }
    }

    public void Dispose()
    {
        foreach (var (name, value) in _saved)
        {
            Environment.SetEnvironmentVariable(name, value);
        }
    }

    [Fact]
    public void MergeEnvironmentSettings_EnvironmentProxyFillsOnlyUnsetSchemes_DepartureFromRequests()
    {
        Environment.SetEnvironmentVariable("HTTP_PROXY", "http://env-proxy:3128");
        Environment.SetEnvironmentVariable("HTTPS_PROXY", "http://env-secure:3128");
        using var session = new Session();
        session.Proxies["http"] = "http://session-proxy:8080";

        var settings = session.MergeEnvironmentSettings("http://example.com/", null, null, null, null);

        Assert.Equal("http://session-proxy:8080", settings.Proxies["http"]);
        Assert.Equal("http://env-secure:3128", settings.Proxies["https"]);
    }

    [Fact]
    public void MergeEnvironmentSettings_RequestProxyBeatsSession_NullRemoves()
    {
        using var session = new Session();
        session.Proxies["http"] = "http://session-proxy:8080";
        session.Proxies["https"] = "http://session-secure:8080";

        var settings = session.MergeEnvironmentSettings(
            "http://example.com/", new ProxyMap { ["http"] = "http://request-proxy:1", ["https"] = null }, null, null, null);

        Assert.Equal("http://request-proxy:1", settings.Proxies["http"]);
        Assert.False(settings.Proxies.ContainsKey("https"));
    }

    [Fact]
    public void MergeEnvironmentSettings_NoProxyMatch_LeavesEnvironmentProxiesOut()
    {
        Environment.SetEnvironmentVariable("HTTP_PROXY", "http://env-proxy:3128");
        Environment.SetEnvironmentVariable("NO_PROXY", "internal.test, .corp.test");
        using var session = new Session();

        var bypassed = session.MergeEnvironmentSettings("http://api.corp.test/", null, null, null, null);
        var proxied = session.MergeEnvironmentSettings("http://public.test/", null, null, null, null);

        Assert.Equal(0, bypassed.Proxies.Count);
        Assert.Equal("http://env-proxy:3128", proxied.Proxies["http"]);
    }

    [Fact]
    public void MergeEnvironmentSettings_EnvironmentIsReadAtCallTime_NotCached()
    {
        using var session = new Session();
        var before = session.MergeEnvironmentSettings("http://example.com/", null, null, null, null);

        Environment.SetEnvironmentVariable("http_proxy", "http://late:1");
        var after = session.MergeEnvironmentSettings("http://example.com/", null, null, null, null);

        Assert.False(before.Proxies.ContainsKey("http"));
        Assert.Equal("http://late:1", after.Proxies["http"]);
    }

    [Fact]
    public void MergeEnvironmentSettings_TrustEnvFalse_IgnoresTheEnvironment()
    {
        Environment.SetEnvironmentVariable("HTTP_PROXY", "http://env-proxy:3128");
        Environment.SetEnvironmentVariable("REQUESTS_CA_BUNDLE", "/etc/ssl/certs/ca-certificates.crt");
        using var session = new Session { TrustEnv = false };

        var settings = session.MergeEnvironmentSettings("http://example.com/", null, null, null, null);

        Assert.Equal(0, settings.Proxies.Count);
        Assert.Equal(Verify.Enabled, settings.Verify);
    }

    [Fact]
    public void MergeEnvironmentSettings_CaBundleVariable_AppliesWhenVerifyIsLeftTrue()
    {
        Environment.SetEnvironmentVariable("CURL_CA_BUNDLE", "/tmp/curl-bundle.pem");
        Environment.SetEnvironmentVariable("REQUESTS_CA_BUNDLE", "/tmp/requests-bundle.pem");
        using var session = new Session();

        var settings = session.MergeEnvironmentSettings("https://example.com/", null, null, null, null);

        Assert.Equal("/tmp/requests-bundle.pem", settings.Verify.CaBundlePath);
    }

    [Fact]
    public void MergeEnvironmentSettings_SessionVerifyFalse_WinsOverCaBundleVariable_DepartureFromRequests()
    {
        Environment.SetEnvironmentVariable("REQUESTS_CA_BUNDLE", "/tmp/requests-bundle.pem");
        using var session = new Session { Verify = false };

        var settings = session.MergeEnvironmentSettings("https://example.com/", null, null, null, null);

        Assert.False(settings.Verify.IsEnabled);
    }

    [Fact]
    public void MergeEnvironmentSettings_RequestValuesWin_ForVerifyCertAndStream()
    {
        using var session = new Session { Stream = true, Cert = "session.pem" };

        var settings = session.MergeEnvironmentSettings("https://example.com/", null, false, "/tmp/request-ca.pem", ("c.pem", "k.pem"));

        Assert.False(settings.Stream);
        Assert.Equal("/tmp/request-ca.pem", settings.Verify.CaBundlePath);
        Assert.Equal("k.pem", settings.Cert!.KeyPath);
    }

    [Fact]
    public async Task MergeEnvironmentSettings_ReturnsAMapTheCallerMayChange_WithoutAffectingRequests()
    {
        using var session = new Session { TrustEnv = false };
        await using var server = new Pipeline.Tests.Infrastructure.RawHttpServer();

        var settings = session.MergeEnvironmentSettings("http://example.com/", null, null, null, null);
        settings.Proxies["http"] = "http://127.0.0.1:1";
        using var response = await session.GetAsync(server.BaseUrl + "/direct");

        Assert.Equal("GET /direct HTTP/1.1", Assert.Single(server.Requests).RequestLine);
    }
}
