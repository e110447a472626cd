using System.Net;
using System.Net.Sockets;
using System.Text;

namespace AotSmoke;

/// <summary>
/// A tiny HTTP/1.1 server on 127.0.0.1 over raw sockets, one request per connection, so the smoke test needs neither
/// Kestrel nor the network. It answers /get (echoes the request), /redirect (302 to /get, with a cookie) and
/// /echo (returns the JSON body it was sent).
/// </summary>
internal sealed class TinyHttpServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();

    public TinyHttpServer()
    {
        _listener.Start();
        BaseUrl = $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";
        _ = AcceptLoopAsync();
    }

    public string BaseUrl { get; }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private static async Task ServeAsync(Socket client)
    {
        using var socket = client;
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        var (method, target, headers, body) = await ReadRequestAsync(stream);
        var (status, extraHeaders, contentType, payload) = (method, target) switch
        {
            ("GET", "/get") => (200, "", "application/json", Echo(method, target, headers)),
            ("GET", "/redirect") => (302, "Location: /get\r\nSet-Cookie: flavour=oatmeal; Path=/\r\n", "text/plain", "moved"u8.ToArray()),
            ("POST", "/echo") => (200, "", headers.GetValueOrDefault("content-type", "application/octet-stream"), body),
            _ => (404, "", "text/plain", "not found"u8.ToArray()),
        };
        var head = $"HTTP/1.1 {status} {(status switch { 200 => "OK", 302 => "Found", _ => "Not Found" })}\r\n"
            + $"Content-Type: {contentType}\r\nContent-Length: {payload.Length}\r\n{extraHeaders}Connection: close\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        await stream.WriteAsync(payload);
    }

    // {"method":"GET","path":"/get","cookie":"...","smoke":"..."}: written by hand, no serializer needed on this side.
    private static byte[] Echo(string method, string target, Dictionary<string, string> headers) =>
        Encoding.UTF8.GetBytes(
            $"{{\"method\":\"{method}\",\"path\":\"{target}\",\"cookie\":\"{headers.GetValueOrDefault("cookie", "")}\",\"smoke\":\"{headers.GetValueOrDefault("x-smoke", "")}\"}}");

    private static async Task<(string Method, string Target, Dictionary<string, string> Headers, byte[] Body)> ReadRequestAsync(Stream stream)
    {
        var buffer = new List<byte>();
        var one = new byte[1];
        while (buffer.Count < 4 || !(buffer[^4] == '\r' && buffer[^3] == '\n' && buffer[^2] == '\r' && buffer[^1] == '\n'))
        {
            if (await stream.ReadAsync(one) == 0)
            {
                break;
            }

            buffer.Add(one[0]);
        }

        var lines = Encoding.ASCII.GetString([.. buffer]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var requestLine = lines[0].Split(' ');
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            headers[line[..colon].Trim().ToLowerInvariant()] = line[(colon + 1)..].Trim();
        }

        var body = new byte[int.Parse(headers.GetValueOrDefault("content-length", "0"), System.Globalization.CultureInfo.InvariantCulture)];
        await stream.ReadExactlyAsync(body);
        return (requestLine[0], requestLine[1], headers, body);
    }
}
