using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;
using System.Net.Sockets;
using Pipeline.Tests.Infrastructure;

namespace Pipeline.RequestsSuite;

/// <summary>
/// The tests of test_requests.py run one at a time, outside the parallel collections, because some of them set
/// environment variables (proxies, CA bundles, NETRC) that every request of the process reads.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TestRequestsCollection : ICollectionFixture<HttpbinFixture>, ICollectionFixture<HttpbinSecureFixture>
{
    public const string Name = "requests test_requests.py";

    /// <summary>conftest.py's <c>prepare_url</c>: <c>urljoin(base + "/", "/".join(suffix))</c>.</summary>
    public static string PrepareUrl(string baseUrl, string[] suffix)
    {
        var root = baseUrl.TrimEnd('/');
        var joined = string.Join('/', suffix);
        return joined.StartsWith('/') ? root + joined : root + "/" + joined;
    }
}

/// <summary>
/// pytest-httpbin's <c>httpbin_secure</c>: Debian's httpbin under gunicorn serving TLS on 127.0.0.1 with a server
/// certificate from the throwaway <see cref="Certificates"/> PKI; <see cref="CaBundlePath"/> is <c>httpbin_ca_bundle</c>.
/// </summary>
public sealed class HttpbinSecureFixture : IAsyncLifetime
{
    private Process? _gunicorn;

    public Certificates Pki { get; } = new();

    public string BaseUrl { get; private set; } = string.Empty;

    public string CaBundlePath => Pki.CaBundlePath;

    public async Task InitializeAsync()
    {
        var certFile = Path.Combine(Pki.Directory, "httpbin-server.crt");
        var keyFile = Path.Combine(Pki.Directory, "httpbin-server.key");
        await File.WriteAllTextAsync(certFile, Pki.Server.ExportCertificatePem());
        await File.WriteAllTextAsync(keyFile, Pki.Server.GetRSAPrivateKey()!.ExportPkcs8PrivateKeyPem());

        using var reserve = new TcpListener(System.Net.IPAddress.Loopback, 0);
        reserve.Start();
        var port = ((System.Net.IPEndPoint)reserve.LocalEndpoint).Port;
        reserve.Stop();

        _gunicorn = Process.Start(new ProcessStartInfo("/usr/bin/gunicorn")
        {
            ArgumentList =
            {
                "--bind", $"127.0.0.1:{port}", "--workers", "2", "--threads", "4", "--log-level", "warning",
                "--certfile", certFile, "--keyfile", keyFile, "httpbin:app",
            },
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException("gunicorn (TLS) did not start.");
        BaseUrl = $"https://127.0.0.1:{port}";

        for (var attempt = 0; ; attempt++)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(System.Net.IPAddress.Loopback, port);
                return;
            }
            catch (SocketException) when (attempt < 300 && !_gunicorn.HasExited)
            {
                await Task.Delay(100);
            }
        }
    }

    public Task DisposeAsync()
    {
        if (_gunicorn is { HasExited: false })
        {
            _gunicorn.Kill(entireProcessTree: true);
            _gunicorn.WaitForExit(5000);
        }

        _gunicorn?.Dispose();
        Pki.Dispose();
        return Task.CompletedTask;
    }
}
