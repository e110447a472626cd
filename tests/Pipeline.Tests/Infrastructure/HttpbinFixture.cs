using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Pipeline.Tests.Infrastructure;

/// <summary>
/// Runs Debian's real httpbin (python3-httpbin) under gunicorn on 127.0.0.1 with a free port.
/// The test script installs both when missing; a missing install fails loudly rather than skipping.
/// </summary>
public sealed class HttpbinFixture : IAsyncLifetime
{
    private const string Gunicorn = "/usr/bin/gunicorn";
    private Process? _process;

    public string BaseUrl { get; private set; } = string.Empty;

    public string Url(string pathAndQuery) => BaseUrl + pathAndQuery;

    public async Task InitializeAsync()
    {
        if (!File.Exists(Gunicorn))
        {
            throw new InvalidOperationException(
                "gunicorn is not installed: run ./test.sh (it installs python3-httpbin and gunicorn) or apt-get install python3-httpbin gunicorn.");
        }

        var port = FreePort();
        var start = new ProcessStartInfo(Gunicorn)
        {
            ArgumentList = { "--bind", $"127.0.0.1:{port}", "--workers", "2", "--threads", "4", "--log-level", "warning", "httpbin:app" },
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        _process = Process.Start(start) ?? throw new InvalidOperationException("gunicorn did not start.");
        _process.ErrorDataReceived += (_, _) => { };
        _process.OutputDataReceived += (_, _) => { };
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
        BaseUrl = $"http://127.0.0.1:{port}";

        var deadline = DateTime.UtcNow.AddSeconds(30);
        using var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"gunicorn httpbin:app exited with code {_process.ExitCode}; is python3-httpbin installed?");
            }

            try
            {
                using var response = await probe.GetAsync(BaseUrl + "/get");
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException("httpbin did not answer on " + BaseUrl + " within 30 seconds.");
            }

            await Task.Delay(100);
        }
    }

    public Task DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }

        _process?.Dispose();
        return Task.CompletedTask;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
