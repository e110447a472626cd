using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Pipeline.Tests.Infrastructure;

/// <summary>
/// A one-request-at-a-time TCP server on 127.0.0.1 that records the exact bytes of each request head and body and
/// answers with a canned response. Used where the test must see the wire: header order, Content-Length: 0.
/// </summary>
public sealed class RawHttpServer : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly Func<RawRequest, string> _respond;

    public RawHttpServer(string response = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")
        : this(_ => response)
    {
    }

    /// <param name="respond">Returns the raw response for a request; characters are sent as ISO-8859-1 bytes.</param>
    public RawHttpServer(Func<RawRequest, string> respond)
    {
        _respond = respond;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        _loop = Task.Run(AcceptLoopAsync);
    }

    public string BaseUrl => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    public List<RawRequest> Requests { get; } = [];

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
        catch (SocketException)
        {
        }
        catch (ObjectDisposedException)
        {
            // Disposed before the accept loop got going: Stop closed the socket under it.
        }

        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            using var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            var stream = client.GetStream();
            var head = await RawHttpReader.ReadHeadAsync(stream, _stop.Token);
            var lines = head.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
            var headers = RawHttpReader.ParseHeaders(lines);
            var chunked = headers.Any(h => h.Key.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase) && h.Value.Contains("chunked"));
            var body = chunked ? await ReadChunkedAsync(stream) : await RawHttpReader.ReadExactAsync(stream, RawHttpReader.ContentLength(headers), _stop.Token);

            var request = new RawRequest(lines[0], headers, body);
            lock (Requests)
            {
                Requests.Add(request);
            }

            await stream.WriteAsync(Encoding.Latin1.GetBytes(_respond(request)), _stop.Token);
        }
    }

    private async Task<byte[]> ReadChunkedAsync(NetworkStream stream)
    {
        using var body = new MemoryStream();
        while (true)
        {
            var sizeLine = await ReadLineAsync(stream);
            var size = Convert.ToInt32(sizeLine.Split(';')[0].Trim(), 16);
            if (size == 0)
            {
                await ReadLineAsync(stream);
                return body.ToArray();
            }

            body.Write(await RawHttpReader.ReadExactAsync(stream, size, _stop.Token));
            await ReadLineAsync(stream);
        }
    }

    private async Task<string> ReadLineAsync(NetworkStream stream)
    {
        var bytes = new List<byte>();
        var one = new byte[1];
        while (await stream.ReadAsync(one, _stop.Token) == 1)
        {
            if (one[0] == '\n')
            {
                break;
            }

            if (one[0] != '\r')
            {
                bytes.Add(one[0]);
            }
        }

        return Encoding.ASCII.GetString(bytes.ToArray());
    }
}

public sealed record RawRequest(string RequestLine, List<KeyValuePair<string, string>> Headers, byte[] Body)
{
    public string Method => RequestLine.Split(' ')[0];

    public string Target => RequestLine.Split(' ')[1];

    public static string Redirect(int status, string location, string extraHeaders = "") =>
        $"HTTP/1.1 {status} Redirect\r\nLocation: {location}\r\n{extraHeaders}Content-Length: 0\r\nConnection: close\r\n\r\n";

    public static string Ok(string body = "ok") =>
        $"HTTP/1.1 200 OK\r\nContent-Length: {Encoding.UTF8.GetByteCount(body)}\r\nConnection: close\r\n\r\n{body}";

    public string? Header(string name) =>
        Headers.Where(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value).FirstOrDefault();
}
