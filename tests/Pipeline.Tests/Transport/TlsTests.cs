using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Pipeline.Tests.Infrastructure;
using Pipeline.Testing;

namespace Pipeline.Tests.Transport;

/// <summary>requests' verify and cert over real TLS with certificates generated in the test.</summary>
public sealed class TlsTests(Certificates pki) : IClassFixture<Certificates>, IAsyncLifetime
{
    private readonly Certificates _pki = pki;
    private LoopbackServer _trusted = null!;
    private LoopbackServer _mutual = null!;

    public static TheoryData<string> Kinds => TestSessions.Kinds;

    public async Task InitializeAsync()
    {
        _trusted = await LoopbackServer.StartAsync(_pki.Server, requireClientCertificate: false);
        _mutual = await LoopbackServer.StartAsync(_pki.Server, requireClientCertificate: true);
    }

    public async Task DisposeAsync()
    {
        await _trusted.DisposeAsync();
        await _mutual.DisposeAsync();
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Verify_Default_UntrustedRoot_IsSslException(string kind)
    {
        using var handle = TestSessions.Create(kind);

        var error = await Assert.ThrowsAsync<SslException>(() => handle.Session.GetAsync(_trusted.Url("/get")));

        // UntrustedRoot against the system store, PartialChain against a CA bundle from the environment.
        Assert.Contains("errors in the certificate chain", error.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<ConnectionException>(error);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Verify_CaBundleFileOrDirectory_TrustsTheServer(string kind)
    {
        using var handle = TestSessions.Create(kind, s => s.Verify = _pki.CaBundlePath);

        var viaFile = await handle.Session.GetAsync(_trusted.Url("/get"));
        var viaDirectory = await handle.Session.GetAsync(_trusted.Url("/get"), new() { Verify = _pki.CaDirectory });

        Assert.Equal(HttpStatusCode.OK, viaFile.StatusCode);
        Assert.Equal(HttpStatusCode.OK, viaDirectory.StatusCode);
    }

    [Fact]
    public async Task Verify_BundleFixedAfterAFailure_IsReadAgainByTheNextRequest()
    {
        var bundle = Path.Combine(Path.GetTempPath(), $"pipeline-bundle-{Guid.NewGuid():N}.pem");
        await File.WriteAllTextAsync(bundle, "not a certificate");
        try
        {
            using var session = new Session { Verify = bundle };
            var error = await Assert.ThrowsAsync<SslException>(() => session.GetAsync(_trusted.Url("/get")));
            Assert.Contains("holds no PEM certificate", error.Message, StringComparison.Ordinal);

            // requests reads the bundle for every request (cert_verify): a fixed file is used at once.
            File.Copy(_pki.CaBundlePath, bundle, overwrite: true);
            using var response = await session.GetAsync(_trusted.Url("/get"));

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        finally
        {
            File.Delete(bundle);
        }
    }

    [Fact]
    public async Task Verify_False_SkipsVerification_AndWarnsOncePerHost()
    {
        var sink = new ListLoggerProvider();
        var services = new ServiceCollection();
        services.AddLogging(b => b.AddProvider(sink));
        services.AddSession("insecure", s => s.Verify = false);
        await using var provider = services.BuildServiceProvider();
        var session = provider.GetRequiredKeyedService<Session>("insecure");

        var first = await session.GetAsync(_trusted.Url("/get"));
        var second = await session.GetAsync(_trusted.Url("/get"));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Single(sink.Messages, m => m.Contains("Unverified HTTPS request", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Verify_FalseRequest_NeverLendsItsConnectionToAVerifyingOne(string kind)
    {
        using var handle = TestSessions.Create(kind);

        var insecure = await handle.Session.GetAsync(_trusted.Url("/get"), new() { Verify = false });

        Assert.Equal(HttpStatusCode.OK, insecure.StatusCode);
        await Assert.ThrowsAsync<SslException>(() => handle.Session.GetAsync(_trusted.Url("/get")));
    }

    [Fact]
    public async Task Verify_ExpiredCertificate_IsSslExceptionNamingTheReason()
    {
        await using var expired = await LoopbackServer.StartAsync(_pki.Expired, requireClientCertificate: false);
        using var session = new Session { Verify = _pki.CaBundlePath };

        var error = await Assert.ThrowsAsync<SslException>(() => session.GetAsync(expired.Url("/get")));

        Assert.Contains("NotTimeValid", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Verify_NameMismatch_IsSslExceptionNamingTheReason()
    {
        await using var wrongName = await LoopbackServer.StartAsync(_pki.WrongName, requireClientCertificate: false);
        using var session = new Session { Verify = _pki.CaBundlePath };

        var error = await Assert.ThrowsAsync<SslException>(() => session.GetAsync(wrongName.Url("/get")));

        Assert.Contains("NameMismatch", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Verify_MissingBundlePath_IsSslExceptionNamingIt_BeforeSending(string kind)
    {
        using var handle = TestSessions.Create(kind);
        var missing = Path.Combine(_pki.Directory, "missing.pem");

        var error = await Assert.ThrowsAsync<SslException>(() => handle.Session.GetAsync(_trusted.Url("/get"), new() { Verify = missing }));

        Assert.Equal($"Could not find a suitable TLS CA certificate bundle, invalid path: {missing}", error.Message);
    }

    [Theory]
    [InlineData("missing-cert", null, "Could not find the TLS certificate file, invalid path: {missing}")]
    [InlineData(".", "missing-key", "Could not find the TLS key file, invalid path: {missing}")]
    [InlineData("missing-cert", ".", "Could not find the TLS certificate file, invalid path: {missing}")]
    [InlineData("client", "missing-key", "Could not find the TLS key file, invalid path: {missing}")]
    public async Task Cert_MissingPath_IsSslExceptionNamingIt_AsTestInvalidSslCertificateFiles(string certificate, string? key, string expected)
    {
        // requests' cert_verify: each path is checked with os.path.exists (a directory passes), the certificate first.
        using var session = new Session();
        var missing = Path.Combine(_pki.Directory, "missing.pem");
        string Resolve(string name) => name switch
        {
            "missing-cert" or "missing-key" => missing,
            "client" => _pki.ClientCertPath,
            _ => name,
        };
        ClientCert cert = key is null ? Resolve(certificate) : (Resolve(certificate), Resolve(key));

        var error = await Assert.ThrowsAsync<SslException>(() => session.GetAsync(_trusted.Url("/get"), new() { Verify = false, Cert = cert }));

        Assert.Equal(expected.Replace("{missing}", missing, StringComparison.Ordinal), error.Message);
    }

    [Fact]
    public async Task Cert_DirectoryPath_PassesTheExistenceCheck_AndFailsToLoad()
    {
        using var session = new Session();

        var error = await Assert.ThrowsAsync<SslException>(() => session.GetAsync(_trusted.Url("/get"), new() { Verify = false, Cert = (".", ".") }));

        Assert.StartsWith("Could not load the TLS client certificate", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Cert_CombinedPemPairOrPkcs12_AuthenticatesTheClient(string kind)
    {
        using var handle = TestSessions.Create(kind, s => s.Verify = _pki.CaBundlePath);
        var url = _mutual.Url("/client-cert");

        var combined = await handle.Session.GetAsync(url, new() { Cert = _pki.ClientCombinedPath });
        var pair = await handle.Session.GetAsync(url, new() { Cert = (_pki.ClientCertPath, _pki.ClientKeyPath) });
        var pkcs12 = await handle.Session.GetAsync(url, new() { Cert = ClientCert.FromPkcs12(_pki.ClientPkcs12Path, "p12-password") });

        Assert.All([combined, pair, pkcs12], r => Assert.Equal("CN=pipeline-client", r.Json().GetProperty("subject").GetString()));
    }

    [Fact]
    public async Task Cert_MissingWhenRequired_FailsTheConnection()
    {
        using var session = new Session { Verify = _pki.CaBundlePath };

        await Assert.ThrowsAnyAsync<ConnectionException>(() => session.GetAsync(_mutual.Url("/client-cert")));
    }

    [Fact]
    public async Task Cert_MissingFile_IsSslExceptionNamingIt()
    {
        using var session = new Session { Verify = _pki.CaBundlePath };
        var missing = Path.Combine(_pki.Directory, "nope.pem");

        var error = await Assert.ThrowsAsync<SslException>(() => session.GetAsync(_mutual.Url("/client-cert"), new() { Cert = missing }));

        Assert.Contains(missing, error.Message);
    }

    private sealed class ListLoggerProvider : ILoggerProvider
    {
        public System.Collections.Concurrent.ConcurrentBag<string> Messages { get; } = [];

        public ILogger CreateLogger(string categoryName) => new ListLogger(Messages);

        public void Dispose()
        {
        }

        private sealed class ListLogger(System.Collections.Concurrent.ConcurrentBag<string> messages) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (IsEnabled(logLevel))
                {
                    messages.Add(formatter(state, exception));
                }
            }
        }
    }
}
