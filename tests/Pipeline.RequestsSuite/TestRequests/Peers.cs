using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Pipeline.RequestsSuite;

/// <summary>
/// A raw HTTP/1.1 peer on 127.0.0.1 for what httpbin cannot send (a non-ASCII reason phrase, a wrong
/// Content-Encoding) or to stand in for a proxy: each connection gets one canned answer, chosen from the request
/// head, then is closed. Every request head received is kept in <see cref="Heads"/>.
/// </summary>
internal sealed class RawPeer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public RawPeer(Func<string, byte[]> answer)
    {
        _listener.Start();
        _loop = ServeAsync(answer);
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public string Url(string path) => $"http://127.0.0.1:{Port}{path}";

    public ConcurrentQueue<string> Heads { get; } = new();

    /// <summary>An HTTP/1.1 response whose head is written byte for byte as given (ISO-8859-1), then the body.</summary>
    public static byte[] Response(string head, byte[]? body = null) =>
        [.. Encoding.Latin1.GetBytes(head + "\r\n\r\n"), .. body ?? []];

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    private async Task ServeAsync(Func<string, byte[]> answer)
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                return;
            }

            using (socket)
            {
                var head = await ReadHeadAsync(socket);
                Heads.Enqueue(head);
                await socket.SendAsync(answer(head), _stop.Token);
                socket.Shutdown(SocketShutdown.Both);
            }
        }
    }

    private async Task<string> ReadHeadAsync(Socket socket)
    {
        var received = new List<byte>();
        var buffer = new byte[4096];
        while (!Encoding.Latin1.GetString([.. received]).Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            var read = await socket.ReceiveAsync(buffer, _stop.Token);
            if (read == 0)
            {
                break;
            }

            received.AddRange(buffer.AsSpan(0, read));
        }

        return Encoding.Latin1.GetString([.. received]);
    }
}

/// <summary>
/// The <c>TLSServer</c> of requests' tests/testserver: Kestrel on 127.0.0.1 serving TLS with the given certificate,
/// optionally asking for a client certificate, and answering every request with 200.
/// </summary>
internal sealed class TlsPeer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TlsPeer(WebApplication app) => _app = app;

    public X509Certificate2? ClientCertificate { get; private set; }

    public string Url { get; private set; } = string.Empty;

    public static async Task<TlsPeer> StartAsync(X509Certificate2 certificate, bool mutualTls = false)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(https =>
        {
            https.ServerCertificate = certificate;
            if (mutualTls)
            {
                https.ClientCertificateMode = ClientCertificateMode.RequireCertificate;
                https.AllowAnyClientCertificate();
            }
        })));
        var peer = new TlsPeer(builder.Build());
        peer._app.Run(async context =>
        {
            peer.ClientCertificate ??= context.Connection.ClientCertificate;
            await context.Response.WriteAsync("{\"K\": \"V\"}");
        });
        await peer._app.StartAsync();
        var address = peer._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        peer.Url = address.Replace("[::1]", "127.0.0.1", StringComparison.Ordinal);
        return peer;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>
/// requests' <c>TARPIT</c> (a host that never answers a SYN) on loopback: a listener whose accept queue is full, so
/// Linux drops further SYNs and a connect can only time out.
/// </summary>
internal sealed class Tarpit : IDisposable
{
    private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private readonly List<Socket> _fillers = [];

    public Tarpit()
    {
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(0);
        // Fill the accept queue until a connection stays pending: then the next one (the test's) hangs in its connect,
        // however slow the machine is to complete the earlier handshakes.
        for (var i = 0; i < 64; i++)
        {
            var filler = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { Blocking = false };
            try
            {
                filler.Connect(_listener.LocalEndPoint!);
            }
            catch (SocketException)
            {
                // Non-blocking connect: in progress, or queued behind the full backlog.
            }

            _fillers.Add(filler);

            // Still pending after a long wait: the queue is full (a busy machine may only be slow to answer).
            if (!filler.Poll(TimeSpan.FromMilliseconds(300), SelectMode.SelectWrite) && !filler.Poll(TimeSpan.FromMilliseconds(700), SelectMode.SelectWrite))
            {
                break;
            }
        }
    }

    public string Url => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndPoint!).Port}";

    public void Dispose()
    {
        foreach (var filler in _fillers)
        {
            filler.Dispose();
        }

        _listener.Dispose();
    }
}

/// <summary>An adapter that never touches the network: every request gets an empty 200.</summary>
internal sealed class InMemoryAdapter : HttpMessageHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { RequestMessage = request, Content = new ByteArrayContent([]) });
}
