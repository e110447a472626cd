using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Tests.DependencyInjection;
using Pipeline.Tests.Infrastructure;
using Pipeline.Testing;

namespace Pipeline.Tests.Transport;

/// <summary>
/// Session.Version and VersionPolicy on real servers: HTTP/2 over TLS with ALPN, h2c with prior knowledge, a server that
/// speaks only HTTP/1.1. A server that speaks only HTTP/2 answers a hop sent as HTTP/1.1 with a 400 in HTTP/1.1, so
/// hops answered there in HTTP/2 prove every hop asked for HTTP/2.
/// </summary>
public sealed class HttpVersionTests(Certificates pki) : IClassFixture<Certificates>, IAsyncLifetime
{
    private readonly Certificates _pki = pki;
    private LoopbackServer _tls = null!;
    private LoopbackServer _tlsHttp11 = null!;
    private LoopbackServer _h2c = null!;
    private LoopbackServer _http11 = null!;

    public static TheoryData<string> Kinds => TestSessions.Kinds;

    public async Task InitializeAsync()
    {
        _tls = await LoopbackServer.StartAsync(_pki.Server, requireClientCertificate: false, HttpProtocols.Http1AndHttp2);
        _tlsHttp11 = await LoopbackServer.StartAsync(_pki.Server, requireClientCertificate: false, HttpProtocols.Http1);
        _h2c = await LoopbackServer.StartAsync(null, requireClientCertificate: false, HttpProtocols.Http2);
        _http11 = await LoopbackServer.StartAsync(null, requireClientCertificate: false, HttpProtocols.Http1);
    }

    public async Task DisposeAsync()
    {
        await _tls.DisposeAsync();
        await _tlsHttp11.DisposeAsync();
        await _h2c.DisposeAsync();
        await _http11.DisposeAsync();
    }

    [Fact]
    public void Defaults_AreHttpClients_Http11OrLower()
    {
        using var session = new Session();
        var settings = new SessionSettings();
        var options = new RequestOptions();

        Assert.Equal(HttpVersion.Version11, session.Version);
        Assert.Equal(HttpVersionPolicy.RequestVersionOrLower, session.VersionPolicy);
        Assert.Equal(HttpVersion.Version11, settings.Version);
        Assert.Equal(HttpVersionPolicy.RequestVersionOrLower, settings.VersionPolicy);
        Assert.Null(options.Version);
        Assert.Null(options.VersionPolicy);
    }

    [Fact]
    public void Version_UnknownOrNull_IsRejected_WhereItIsSet()
    {
        using var session = new Session();

        Assert.Throws<ArgumentOutOfRangeException>(() => session.Version = new Version(1, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SessionSettings().Version = new Version(4, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RequestOptions { Version = new Version(2, 0, 1) });
        Assert.Throws<ArgumentOutOfRangeException>(() => new PreparedRequest("GET", "http://127.0.0.1/").Version = new Version(0, 9));
        Assert.Throws<ArgumentNullException>(() => session.Version = null!);
        Assert.Throws<ArgumentOutOfRangeException>(() => session.VersionPolicy = (HttpVersionPolicy)7);
        Assert.Throws<ArgumentOutOfRangeException>(() => new RequestOptions { VersionPolicy = (HttpVersionPolicy)(-1) });
    }

    [Fact]
    public void Version_EqualValue_IsStoredAsHttpClientsOwnInstance()
    {
        using var session = new Session { Version = new Version("2.0") };

        Assert.Same(HttpVersion.Version20, session.Version);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Get_Http2OverTls_IsNegotiatedWithAlpn(string kind)
    {
        using var handle = TestSessions.Create(kind, s =>
        {
            s.Verify = _pki.CaBundlePath;
            s.Version = HttpVersion.Version20;
        });

        using var response = await handle.Session.GetAsync(_tls.Url("/get"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpVersion.Version20, response.Version);
        Assert.Equal(HttpVersion.Version20, response.Request.Version);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Get_DefaultVersion_OverTlsToAnHttp2Server_StaysHttp11(string kind)
    {
        using var handle = TestSessions.Create(kind, s => s.Verify = _pki.CaBundlePath);

        using var response = await handle.Session.GetAsync(_tls.Url("/get"));

        Assert.Equal(HttpVersion.Version11, response.Version);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Get_Http2Exact_OverPlainHttp_IsH2cWithPriorKnowledge(string kind)
    {
        using var handle = TestSessions.Create(kind, s =>
        {
            s.Version = HttpVersion.Version20;
            s.VersionPolicy = HttpVersionPolicy.RequestVersionExact;
        });

        using var response = await handle.Session.PostAsync(_h2c.Url("/post"), new() { Data = "over h2c" });

        Assert.Equal(HttpVersion.Version20, response.Version);
        Assert.Equal("over h2c", response.Json().GetProperty("data").GetString());
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Request_VersionOption_OverridesTheSessions(string kind)
    {
        using var handle = TestSessions.Create(kind);

        using var response = await handle.Session.GetAsync(
            _h2c.Url("/get"), new() { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact });
        using var refused = await handle.Session.GetAsync(_h2c.Url("/get"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpVersion.Version20, response.Version);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("An HTTP/1.x request was sent to an HTTP/2 only endpoint.", refused.Text);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Redirects_EveryHopAsksForTheRequestsVersion(string kind)
    {
        using var handle = TestSessions.Create(kind, s =>
        {
            s.Version = HttpVersion.Version20;
            s.VersionPolicy = HttpVersionPolicy.RequestVersionExact;
        });

        using var response = await handle.Session.GetAsync(_h2c.Url("/redirect/3"));
        using var replayed = await handle.Session.PostAsync(_h2c.Url("/redirect-with?status=307&to=/post"), new() { Data = "kept" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3, response.History.Count);
        Assert.All(response.History, hop => Assert.Equal(HttpVersion.Version20, hop.Version));
        Assert.Equal(HttpVersion.Version20, response.Version);
        Assert.Equal(HttpVersion.Version20, Assert.Single(replayed.History).Version);
        Assert.Equal(HttpVersion.Version20, replayed.Version);
        Assert.Equal("kept", replayed.Json().GetProperty("data").GetString());
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task DigestChallenge_TheResentRequest_AsksForTheSameVersion(string kind)
    {
        using var handle = TestSessions.Create(kind, s =>
        {
            s.Version = HttpVersion.Version20;
            s.VersionPolicy = HttpVersionPolicy.RequestVersionExact;
            s.Auth = new DigestAuth("user", "pass");
        });

        using var response = await handle.Session.GetAsync(_h2c.Url("/digest-auth/auth/user/pass/MD5"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, Assert.Single(response.History).StatusCode);
        Assert.Equal(HttpVersion.Version20, response.Version);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Retries_EveryAttemptAsksForTheSameVersion(string kind)
    {
        using var handle = TestSessions.Create(kind, s =>
        {
            s.Version = HttpVersion.Version20;
            s.VersionPolicy = HttpVersionPolicy.RequestVersionExact;
            s.Retry = new RetryPolicy { Total = 2, StatusForcelist = new HashSet<int> { 503 } };
        });

        var error = await Assert.ThrowsAsync<RetryException>(() => handle.Session.GetAsync(_h2c.Url("/status/503")));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, error.Response!.StatusCode);
        Assert.Equal(HttpVersion.Version20, error.Response.Version);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Get_Http2OrLower_ToAServerThatSpeaksOnlyHttp11_FallsBackTo11(string kind)
    {
        using var handle = TestSessions.Create(kind, s =>
        {
            s.Verify = _pki.CaBundlePath;
            s.Version = HttpVersion.Version20;
        });

        using var response = await handle.Session.GetAsync(_tlsHttp11.Url("/get"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpVersion.Version11, response.Version);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Get_Http2OrHigher_ToAServerThatSpeaksOnlyHttp11_IsConnectionException(string kind)
    {
        using var handle = TestSessions.Create(kind, s =>
        {
            s.Verify = _pki.CaBundlePath;
            s.Version = HttpVersion.Version20;
            s.VersionPolicy = HttpVersionPolicy.RequestVersionOrHigher;
        });

        var error = await Assert.ThrowsAsync<ConnectionException>(() => handle.Session.GetAsync(_tlsHttp11.Url("/get")));

        // Offered only h2 with ALPN, the server ends the handshake (no_application_protocol): a version, not a certificate, problem.
        Assert.StartsWith("HTTP/2 (RequestVersionOrHigher) could not be negotiated with 127.0.0.1:", error.Message, StringComparison.Ordinal);
        Assert.Contains("(ALPN)", error.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<HttpRequestException>(error);
        Assert.Equal(_tlsHttp11.Url("/get"), error.Request!.Url);
    }

    [Fact]
    public async Task Get_H2cToAServerThatSpeaksOnlyHttp11_IsAConnectionException()
    {
        using var session = new Session { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact };

        var error = await Assert.ThrowsAsync<ConnectionException>(() => session.GetAsync(_http11.Url("/get")));

        // Kestrel answers the HTTP/2 preface with GOAWAY HTTP_1_1_REQUIRED (RFC 9113 section 7).
        Assert.Contains("HTTP_1_1_REQUIRED", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OneSession_Http11AndHttp2ToTheSameHost_ShareOneConnectionPool()
    {
        using var session = new Session { Verify = _pki.CaBundlePath };
        var adapter = Assert.IsType<HttpAdapter>(session.GetAdapter("https://"));

        using var first = await session.GetAsync(_tls.Url("/get"));
        using var second = await session.GetAsync(_tls.Url("/get"), new() { Version = HttpVersion.Version20 });
        using var third = await session.GetAsync(_tls.Url("/get"));

        Assert.Equal(HttpVersion.Version11, first.Version);
        Assert.Equal(HttpVersion.Version20, second.Version);
        Assert.Equal(HttpVersion.Version11, third.Version);
        Assert.Equal(1, adapter.PoolCount);
    }

    [Fact]
    public async Task ConnectTimeout_ForAnH2cConnection_StillAppliesThroughTheConnectCallback()
    {
        using var backlog = await TimeoutTests.FullBacklog.CreateAsync();
        using var session = new Session { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact };

        var error = await Assert.ThrowsAsync<ConnectTimeoutException>(
            () => session.GetAsync(backlog.Url, new() { Timeout = (TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(5)) }));

        Assert.EndsWith("timed out. (connect timeout=0.5)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadTimeout_OfAnHttp2Body_StillApplies()
    {
        using var session = new Session { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact };

        var error = await Assert.ThrowsAsync<ReadTimeoutException>(
            () => session.GetAsync(_h2c.Url("/stall-body?ms=5000"), new() { Timeout = TimeSpan.FromMilliseconds(300) }));

        Assert.Equal("Read timed out. (read timeout=0.3)", error.Message);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task DefaultConnectionHeader_IsNotSentOverHttp2_TheServerAcceptsTheRequest(string kind)
    {
        using var handle = TestSessions.Create(kind, s =>
        {
            s.Verify = _pki.CaBundlePath;
            s.Version = HttpVersion.Version20;
        });

        using var response = await handle.Session.GetAsync(_tls.Url("/headers"));

        var headers = response.Json().GetProperty("headers");
        Assert.Equal("keep-alive", handle.Session.Headers["Connection"]);
        Assert.False(headers.TryGetProperty("Connection", out _));
        Assert.Equal("*/*", headers.GetProperty("Accept").GetString());
        Assert.Equal(HttpVersion.Version20, response.Version);
    }

    [Fact]
    public async Task PrepareRequest_ShowsTheVersion_AndSendAsyncSendsIt()
    {
        using var session = new Session { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact };

        var prepared = session.PrepareRequest(new Request("GET", _h2c.Url("/get")));
        session.Version = HttpVersion.Version11;
        using var response = await session.SendAsync(prepared);

        Assert.Equal(HttpVersion.Version20, prepared.Version);
        Assert.Equal(HttpVersionPolicy.RequestVersionExact, prepared.VersionPolicy);
        Assert.Equal(HttpVersion.Version20, prepared.Copy().Version);
        Assert.Equal(HttpVersion.Version20, response.Version);
    }

    [Fact]
    public async Task SendAsync_VersionOptions_WinOverThePreparedRequests()
    {
        using var session = new Session();
        var prepared = session.PrepareRequest(new Request("GET", _h2c.Url("/get")));

        using var response = await session.SendAsync(
            prepared, new() { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact });

        Assert.Equal(HttpVersion.Version11, prepared.Version);
        Assert.Equal(HttpVersion.Version20, response.Version);
    }

    [Fact]
    public async Task Configuration_VersionAndPolicy_AreBound_AndAPlainNamedClientUsesThemToo()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Sessions:h2:Version"] = "2.0",
            ["Sessions:h2:VersionPolicy"] = "requestversionexact",
        }).Build();
        await using var provider = ServiceProviders.Build(s => s.AddSession("h2", configuration.GetSection("Sessions:h2")));
        var session = provider.GetRequiredService<ISessionFactory>().Create("h2");
        using var client = provider.GetRequiredService<IHttpClientFactory>().CreateClient("h2");

        using var viaSession = await session.GetAsync(_h2c.Url("/get"));
        using var viaClient = await client.GetAsync(_h2c.Url("/get"));

        Assert.Equal(HttpVersion.Version20, session.Version);
        Assert.Equal(HttpVersionPolicy.RequestVersionExact, session.VersionPolicy);
        Assert.Equal(HttpVersion.Version20, viaSession.Version);
        Assert.Equal(HttpVersion.Version20, viaClient.Version);
    }

    [Theory]
    [InlineData("2", "2.0")]
    [InlineData("HTTP/2", "2.0")]
    [InlineData("1.0", "1.0")]
    [InlineData("3", "3.0")]
    public void Configuration_VersionForms_AreRead(string text, string expected)
    {
        var settings = Bind(new() { ["Version"] = text });

        Assert.Equal(Version.Parse(expected), settings.Version);
    }

    [Theory]
    [InlineData("Version", "1.2", "expected 1.0, 1.1, 2.0 or 3.0")]
    [InlineData("Version", "two", "expected 1.0, 1.1, 2.0 or 3.0")]
    [InlineData("VersionPolicy", "1", "expected RequestVersionOrLower, RequestVersionOrHigher or RequestVersionExact")]
    [InlineData("VersionPolicy", "Exact", "expected RequestVersionOrLower, RequestVersionOrHigher or RequestVersionExact")]
    public void Configuration_InvalidValue_NamesTheKeyPath(string key, string value, string expected)
    {
        var error = Assert.Throws<InvalidOperationException>(() => Bind(new() { [key] = value }));

        Assert.Contains($"'{value}' at 'Sessions:h2:{key}'", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    private static SessionSettings Bind(Dictionary<string, string?> values)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(values.ToDictionary(p => "Sessions:h2:" + p.Key, p => p.Value))
            .Build();
        var settings = new SessionSettings();
        SessionSettingsBinder.Bind(configuration.GetSection("Sessions:h2"), settings);
        return settings;
    }
}
