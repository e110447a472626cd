using System.Net;
using System.Net.Sockets;
using Pipeline.Testing;
using Pipeline.Tests.Infrastructure;

namespace Pipeline.Tests.Reliability;

/// <summary>
/// Each server fault is the exception README's table documents for it, and the same session serves the next request.
/// </summary>
[Trait("Category", "Reliability")]
public sealed class ServerFaultTests(Certificates pki) : IClassFixture<Certificates>, IAsyncLifetime
{
    private static readonly RequestTimeout ShortRead = (TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(300));
    private readonly FaultServer _server = new();

    public static TheoryData<string, string, bool> Faults
    {
        get
        {
            var data = new TheoryData<string, string, bool>();
            foreach (var kind in TestSessions.Kinds)
            {
                foreach (var stream in new[] { false, true })
                {
                    foreach (var path in FaultServer.FaultPaths.Where(p => p is not "/close-after" and not "/close-on-next"))
                    {
                        data.Add(kind, path, stream);
                    }
                }
            }

            return data;
        }
    }

    public static TheoryData<string> Kinds => TestSessions.Kinds;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _server.DisposeAsync();

    /// <summary>The exception each fault of <see cref="FaultServer"/> must raise: the fault → exception table of docs/reliability.md.</summary>
    public static Type ExpectedFor(string path) => path switch
    {
        "/reset-before-head" or "/reset-in-head" => typeof(ConnectionException),
        "/reset-in-body" or "/fin-in-body" or "/fin-in-chunked" => typeof(ChunkedEncodingException),
        "/stall-head" or "/stall-body" => typeof(ReadTimeoutException),
        "/bad-gzip" or "/truncated-gzip" or "/stacked-gzip" => typeof(ContentDecodingException),
        "/redirect-loop" => typeof(TooManyRedirectsException),
        _ => throw new ArgumentOutOfRangeException(nameof(path), path, "Not a fault."),
    };

    [Theory]
    [MemberData(nameof(Faults))]
    public async Task Fault_IsItsDocumentedException_AndTheSessionServesTheNextRequest(string kind, string path, bool stream)
    {
        using var handle = TestSessions.Create(kind, s => s.TrustEnv = false);
        var session = handle.Session;

        var error = await Record.ExceptionAsync(() => GetAsync(session, _server.Url(path), stream));
        using var next = await session.GetAsync(_server.Url("/ok"));

        Assert.NotNull(error);
        Assert.Equal(ExpectedFor(path), error.GetType());
        Assert.NotNull(((RequestException)error).Request);
        Assert.Equal("ok", next.Text);
    }

    [Fact]
    public async Task EveryFault_InTurnOnOneSession_IsItsException_AndOkRequestsBetweenSucceed()
    {
        using var session = new Session { TrustEnv = false };

        foreach (var path in FaultServer.FaultPaths.Where(p => p is not "/close-after" and not "/close-on-next"))
        {
            var error = await Record.ExceptionAsync(() => GetAsync(session, _server.Url(path), stream: false));
            Assert.Equal(ExpectedFor(path), error?.GetType());
            Assert.Equal("ok", (await session.GetAsync(_server.Url("/ok"))).Text);
        }
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task StaleKeepAlive_ServerClosedTheIdleConnection_NextRequestSucceeds(string kind)
    {
        using var handle = TestSessions.Create(kind, s => s.TrustEnv = false);
        var session = handle.Session;

        for (var i = 0; i < 30; i++)
        {
            Assert.Equal("ok", (await session.GetAsync(_server.Url("/close-after"))).Text);
            if (i % 3 == 0)
            {
                await Task.Delay(20);
            }

            Assert.Equal("ok", (await session.GetAsync(_server.Url("/ok"))).Text);
        }
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task StaleKeepAlive_ServerClosesAsARequestArrives_GetAndHeadAreSentAgain_OthersAreConnectionException(string kind)
    {
        // The server reads the next request on an idle keep-alive connection and closes it without an answer. The
        // transport sends a request without a body again on a new connection (requests raises ConnectionError even for a
        // GET). Other methods carry a body or requests' Content-Length: 0, and are not repeated: ConnectionException, as
        // requests, and the session serves the next request.
        using var handle = TestSessions.Create(kind, s => s.TrustEnv = false);
        var session = handle.Session;

        for (var i = 0; i < 5; i++)
        {
            foreach (var method in new[] { "GET", "HEAD" })
            {
                await session.GetAsync(_server.Url("/close-on-next"));
                using var again = await session.RequestAsync(method, _server.Url("/ok"));
                Assert.Equal(HttpStatusCode.OK, again.StatusCode);
            }

            foreach (var method in new[] { "DELETE", "OPTIONS", "PUT", "POST" })
            {
                await session.GetAsync(_server.Url("/close-on-next"));
                var error = await Assert.ThrowsAsync<ConnectionException>(() => session.RequestAsync(method, _server.Url("/ok")));
                using var next = await session.RequestAsync(method, _server.Url("/ok"));

                Assert.StartsWith("Connection aborted by 127.0.0.1:", error.Message, StringComparison.Ordinal);
                Assert.Equal(HttpStatusCode.OK, next.StatusCode);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task StaleKeepAlive_WithARetryPolicy_IdempotentMethodsSucceed_PostIsNotRepeated(string kind)
    {
        using var handle = TestSessions.Create(kind, s => s.TrustEnv = false);
        var session = handle.Session;
        session.Retry = RetryPolicy.FromCount(1);

        foreach (var method in new[] { "GET", "HEAD", "DELETE", "OPTIONS", "PUT" })
        {
            await session.GetAsync(_server.Url("/close-on-next"));
            using var again = await session.RequestAsync(method, _server.Url("/ok"));
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        }

        await session.GetAsync(_server.Url("/close-on-next"));
        await Assert.ThrowsAsync<ConnectionException>(() => session.PostAsync(_server.Url("/ok"), new() { Data = "a body"u8.ToArray() }));
    }

    [Fact]
    public async Task RedirectLoop_IsTooManyRedirects_AfterMaxRedirects()
    {
        using var session = new Session { TrustEnv = false, MaxRedirects = 5 };

        var error = await Assert.ThrowsAsync<TooManyRedirectsException>(() => session.GetAsync(_server.Url("/redirect-loop")));

        Assert.Equal("Exceeded 5 redirects.", error.Message);
        Assert.Equal("ok", (await session.GetAsync(_server.Url("/ok"))).Text);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task DeadProxy_IsProxyException_AndTheSessionStillGoesDirect(string kind)
    {
        using var handle = TestSessions.Create(kind, s => s.TrustEnv = false);
        var session = handle.Session;
        var deadPort = ClosedPort();

        var error = await Assert.ThrowsAsync<ProxyException>(
            () => session.GetAsync(_server.Url("/ok"), new() { Proxies = new() { ["http"] = $"http://127.0.0.1:{deadPort}" } }));
        using var direct = await session.GetAsync(_server.Url("/ok"));

        Assert.Contains($"127.0.0.1:{deadPort}", error.Message);
        Assert.Equal("ok", direct.Text);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task UnresolvableHost_IsConnectionException_AndTheSessionServesTheNextRequest(string kind)
    {
        using var handle = TestSessions.Create(kind, s => s.TrustEnv = false);
        var session = handle.Session;

        // RFC 6761: .invalid never resolves, so no query leaves this machine with an answer.
        var error = await Assert.ThrowsAsync<ConnectionException>(() => session.GetAsync("http://pipeline-reliability.invalid/"));
        using var next = await session.GetAsync(_server.Url("/ok"));

        Assert.IsNotType<ProxyException>(error);
        Assert.Contains("pipeline-reliability.invalid", error.Message);
        Assert.Equal("ok", next.Text);
    }

    [Fact]
    public async Task Tls_UntrustedWrongNameExpired_AreSslException_AndTheSessionStillVerifiesTheTrustedServer()
    {
        await using var untrusted = await LoopbackServer.StartAsync(pki.Server, requireClientCertificate: false);
        await using var wrongName = await LoopbackServer.StartAsync(pki.WrongName, requireClientCertificate: false);
        await using var expired = await LoopbackServer.StartAsync(pki.Expired, requireClientCertificate: false);
        using var session = new Session { TrustEnv = false };
        var bundle = new RequestOptions { Verify = pki.CaBundlePath };

        var notTrusted = await Assert.ThrowsAsync<SslException>(() => session.GetAsync(untrusted.Url("/get")));
        var mismatch = await Assert.ThrowsAsync<SslException>(() => session.GetAsync(wrongName.Url("/get"), bundle));
        var notValid = await Assert.ThrowsAsync<SslException>(() => session.GetAsync(expired.Url("/get"), bundle));
        using var trusted = await session.GetAsync(untrusted.Url("/get"), bundle);
        using var plain = await session.GetAsync(_server.Url("/ok"));

        Assert.Contains("errors in the certificate chain", notTrusted.Message, StringComparison.Ordinal);
        Assert.Contains("NameMismatch", mismatch.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("NotTimeValid", notValid.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.OK, trusted.StatusCode);
        Assert.Equal("ok", plain.Text);
    }

    internal static async Task GetAsync(Session session, string url, bool stream, RequestTimeout? timeout = null)
    {
        // A short read timeout for the stalls only, so a busy machine never turns another fault into a timeout.
        timeout ??= url.Contains("/stall-", StringComparison.Ordinal) ? ShortRead : TimeSpan.FromSeconds(10);
        using var response = await session.GetAsync(url, new() { Stream = stream, Timeout = timeout });
        if (stream)
        {
            await response.ReadContentAsync();
        }
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
