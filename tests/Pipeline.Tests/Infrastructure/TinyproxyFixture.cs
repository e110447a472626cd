using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Pipeline.Tests.Infrastructure;

/// <summary>
/// Runs Debian's real tinyproxy twice on 127.0.0.1: one open, one requiring Basic credentials (user/pass).
/// The test script installs tinyproxy when missing; a missing install fails loudly rather than skipping.
/// </summary>
public sealed class TinyproxyFixture : IAsyncLifetime
{
    private readonly List<Process> _processes = [];
    private string _directory = string.Empty;

    public string OpenUrl { get; private set; } = string.Empty;

    public string AuthUrl { get; private set; } = string.Empty;

    public int AuthPort { get; private set; }

    public async Task InitializeAsync()
    {
        var binary = new[] { "/usr/bin/tinyproxy", "/usr/sbin/tinyproxy" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("tinyproxy is not installed: run ./test.sh (it installs it) or apt-get install tinyproxy.");
        _directory = Directory.CreateTempSubdirectory("pipeline-tinyproxy-").FullName;
        var openPort = FreePort();
        AuthPort = FreePort();
        _processes.Add(await StartAsync(binary, openPort, auth: false));
        _processes.Add(await StartAsync(binary, AuthPort, auth: true));
        OpenUrl = $"http://127.0.0.1:{openPort}";
        AuthUrl = $"http://user:pass@127.0.0.1:{AuthPort}";
    }

    public Task DisposeAsync()
    {
        foreach (var process in _processes)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(5000);
            }

            process.Dispose();
        }

        if (_directory.Length > 0)
        {
            Directory.Delete(_directory, recursive: true);
        }

        return Task.CompletedTask;
    }

    private async Task<Process> StartAsync(string binary, int port, bool auth)
    {
        var config = Path.Combine(_directory, $"tinyproxy-{port}.conf");
        await File.WriteAllTextAsync(config, $"""
            Port {port}
            Listen 127.0.0.1
            Timeout 30
            MaxClients 64
            Allow 127.0.0.1
            LogLevel Critical
            {(auth ? "BasicAuth user pass" : string.Empty)}
            """);
        var process = Process.Start(new ProcessStartInfo(binary)
        {
            ArgumentList = { "-d", "-c", config },
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException("tinyproxy did not start.");
        process.ErrorDataReceived += (_, _) => { };
        process.OutputDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();

        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"tinyproxy exited with code {process.ExitCode} (config {config}).");
            }

            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, port);
                return process;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
