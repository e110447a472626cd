using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Caching.StackExchangeRedis;
using StackExchange.Redis;

namespace Pipeline.Tests.Caching;

/// <summary>
/// Runs Debian's real redis-server on 127.0.0.1 with a free port, without persistence. The test script installs it when
/// missing; a missing install fails loudly rather than skipping.
/// </summary>
public sealed class RedisFixture : IAsyncLifetime
{
    private static readonly string[] Candidates = ["/usr/bin/redis-server", "/usr/local/bin/redis-server"];
    private Process? _process;

    public int Port { get; private set; }

    public string Endpoint => $"127.0.0.1:{Port}";

    /// <summary>A new StackExchange.Redis distributed cache client of this server, as an application would create it.</summary>
    public RedisCache CreateClient(string instanceName = "") => new(new RedisCacheOptions
    {
        ConfigurationOptions = Options(Endpoint),
        InstanceName = instanceName,
    });

    /// <summary>Client options with short timeouts, so a test against a stopped server fails fast.</summary>
    public static ConfigurationOptions Options(string endpoint)
    {
        var options = ConfigurationOptions.Parse(endpoint);
        options.ConnectTimeout = 1000;
        options.SyncTimeout = 1000;
        options.AsyncTimeout = 1000;
        options.ConnectRetry = 0;
        options.AbortOnConnectFail = true;
        return options;
    }

    public async Task InitializeAsync()
    {
        var path = Candidates.FirstOrDefault(File.Exists) ?? throw new InvalidOperationException(
            "redis-server is not installed: run ./test.sh (it installs it) or apt-get install redis-server.");
        Port = FreePort();
        var start = new ProcessStartInfo(path)
        {
            ArgumentList = { "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no" },
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        _process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start.");
        _process.ErrorDataReceived += (_, _) => { };
        _process.OutputDataReceived += (_, _) => { };
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();

        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"redis-server exited with code {_process.ExitCode}.");
            }

            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }
    }

    /// <summary>Stops the server (to test a store that fails); the fixture is unusable afterwards.</summary>
    public void Stop()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }
    }

    public Task DisposeAsync()
    {
        Stop();
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
