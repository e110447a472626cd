using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Pipeline.Tests.Reliability;

/// <summary>
/// A keep-alive HTTP/1.1 server on 127.0.0.1 that misbehaves on request, by path: resets and closes at every point of a
/// response, stalls, broken compression, redirect loops and connections closed while idle. Connections are served
/// concurrently, so one server carries a load test and its faults at once (the soak in benchmarks/Pipeline.Soak uses it).
/// </summary>
/// <remarks>
/// Paths: <c>/ok</c> (200, "ok"), <c>/echo?...</c> (200, the request target as the body), <c>/reset-before-head</c>,
/// <c>/reset-in-head</c>, <c>/reset-in-body</c>, <c>/fin-in-body</c> (Content-Length), <c>/fin-in-chunked</c>,
/// <c>/stall-head</c>, <c>/stall-body</c>, <c>/bad-gzip</c>, <c>/truncated-gzip</c>, <c>/stacked-gzip</c> (six codings),
/// <c>/redirect-loop</c>, <c>/close-after</c> (200 on a keep-alive connection, closed by the server right after),
/// <c>/close-on-next</c> (200 on a keep-alive connection; the next request on it is read and the connection closed
/// without an answer: a server that timed the connection out as the request arrived).
/// </remarks>
public sealed class FaultServer : IAsyncDisposable
{
    public static readonly string[] FaultPaths =
    [
        "/reset-before-head", "/reset-in-head", "/reset-in-body", "/fin-in-body", "/fin-in-chunked", "/stall-head",
        "/stall-body", "/bad-gzip", "/truncated-gzip", "/stacked-gzip", "/redirect-loop", "/close-after", "/close-on-next",
    ];

    private static readonly byte[] Body100 = Encoding.ASCII.GetBytes(new string('x', 100));
    private static readonly byte[] Gzipped = Gzip(Encoding.ASCII.GetBytes(new string('z', 4000)));
    private static readonly byte[] StackedGzip = Stack(Encoding.ASCII.GetBytes("stacked"), 6);

    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly List<Task> _connections = [];
    private int _accepted;
    private int _open;

    public FaultServer()
    {
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start(512);
        _loop = Task.Run(AcceptLoopAsync);
    }

    public string BaseUrl => $"http://127.0.0.1:{Port}";

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Gets how many connections were accepted so far.</summary>
    public int Accepted => Volatile.Read(ref _accepted);

    /// <summary>Gets how many accepted connections are still open on the server's side.</summary>
    public int Open => Volatile.Read(ref _open);

    public string Url(string path) => BaseUrl + path;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        Task[] connections;
        lock (_connections)
        {
            connections = [.. _connections];
        }

        try
        {
            await Task.WhenAll(connections.Append(_loop));
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException or IOException)
        {
        }

        _stop.Dispose();
    }

    private static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }

    private static byte[] Stack(byte[] data, int layers)
    {
        for (var i = 0; i < layers; i++)
        {
            data = Gzip(data);
        }

        return data;
    }

    private static byte[] Head(string status, string headers) =>
        Encoding.ASCII.GetBytes($"HTTP/1.1 {status}\r\n{headers}\r\n");

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            // Small writes go out at once: with Nagle's algorithm a body sent after its head waits for the delayed ACK (40 ms).
            socket.NoDelay = true;
            Interlocked.Increment(ref _accepted);
            Interlocked.Increment(ref _open);
            var task = Task.Run(() => ServeAsync(socket));
            lock (_connections)
            {
                _connections.RemoveAll(t => t.IsCompleted);
                _connections.Add(task);
            }
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        var reader = new HeadReader(socket);
        var closeOnNext = false;
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var request = await reader.ReadRequestAsync(_stop.Token);
                if (request is null || closeOnNext)
                {
                    return;
                }

                var (method, target) = request.Value;
                var path = target.Split('?')[0];
                byte[] Ok() => method == "HEAD" ? [] : "ok"u8.ToArray();
                switch (path)
                {
                    case "/reset-before-head":
                        Reset(socket);
                        return;
                    case "/reset-in-head":
                        await SendAsync(socket, Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Le"));
                        Reset(socket);
                        return;
                    case "/reset-in-body":
                        await SendAsync(socket, Head("200 OK", "Content-Length: 1000\r\n"), Body100);
                        Reset(socket);
                        return;
                    case "/fin-in-body":
                        await SendAsync(socket, Head("200 OK", "Content-Length: 1000\r\n"), Body100);
                        socket.Shutdown(SocketShutdown.Send);
                        return;
                    case "/fin-in-chunked":
                        await SendAsync(socket, Head("200 OK", "Transfer-Encoding: chunked\r\n"), Encoding.ASCII.GetBytes("64\r\n"), Body100, "\r\n"u8.ToArray());
                        socket.Shutdown(SocketShutdown.Send);
                        return;
                    case "/stall-head":
                        await reader.WaitForCloseAsync(_stop.Token);
                        return;
                    case "/stall-body":
                        await SendAsync(socket, Head("200 OK", "Content-Length: 1000\r\n"), Body100);
                        await reader.WaitForCloseAsync(_stop.Token);
                        return;
                    case "/bad-gzip":
                        await SendAsync(socket, Head("200 OK", "Content-Encoding: gzip\r\nContent-Length: 100\r\n"), Body100);
                        break;
                    case "/truncated-gzip":
                        await SendAsync(socket, Head("200 OK", $"Content-Encoding: gzip\r\nContent-Length: {Gzipped.Length / 2}\r\n"), Gzipped.AsSpan(0, Gzipped.Length / 2).ToArray());
                        break;
                    case "/stacked-gzip":
                        await SendAsync(socket, Head("200 OK", $"Content-Encoding: gzip, gzip, gzip, gzip, gzip, gzip\r\nContent-Length: {StackedGzip.Length}\r\n"), StackedGzip);
                        break;
                    case "/gzip":
                        await SendAsync(socket, Head("200 OK", $"Content-Encoding: gzip\r\nContent-Length: {Gzipped.Length}\r\n"), Gzipped);
                        break;
                    case "/redirect-loop":
                        await SendAsync(socket, Head("302 Found", "Location: /redirect-loop\r\nContent-Length: 0\r\n"));
                        break;
                    case "/close-after":
                        await SendAsync(socket, Head("200 OK", "Content-Length: 2\r\n"), Ok());
                        socket.Shutdown(SocketShutdown.Send);
                        return;
                    case "/close-on-next":
                        await SendAsync(socket, Head("200 OK", "Content-Length: 2\r\n"), Ok());
                        closeOnNext = true;
                        break;
                    case "/echo":
                        var echo = Encoding.UTF8.GetBytes(target);
                        await SendAsync(socket, Head("200 OK", $"Content-Length: {echo.Length}\r\n"), method == "HEAD" ? [] : echo);
                        break;
                    default:
                        await SendAsync(socket, Head("200 OK", "Content-Length: 2\r\n"), Ok());
                        break;
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException or IOException)
        {
            // The client went away first, or the server is stopping.
        }
        finally
        {
            socket.Dispose();
            Interlocked.Decrement(ref _open);
        }
    }

    private static void Reset(Socket socket)
    {
        // SO_LINGER with a zero timeout makes close send RST instead of FIN.
        socket.LingerState = new LingerOption(true, 0);
        socket.Close();
    }

    private async Task SendAsync(Socket socket, params byte[][] parts)
    {
        // One write per response part list, so a response (or a fault's partial response) leaves in one segment.
        await socket.SendAsync(parts.SelectMany(p => p).ToArray(), SocketFlags.None, _stop.Token);
    }

    /// <summary>Reads request heads (and Content-Length bodies) from a keep-alive connection.</summary>
    private sealed class HeadReader(Socket socket)
    {
        private readonly byte[] _buffer = new byte[16 * 1024];
        private int _start;
        private int _end;

        /// <summary>Returns the method and target of the next request, or null when the client closed the connection.</summary>
        public async Task<(string Method, string Target)?> ReadRequestAsync(CancellationToken cancellationToken)
        {
            while (true)
            {
                var headEnd = _buffer.AsSpan(_start, _end - _start).IndexOf("\r\n\r\n"u8);
                if (headEnd >= 0)
                {
                    var head = Encoding.Latin1.GetString(_buffer, _start, headEnd);
                    _start += headEnd + 4;
                    await SkipBodyAsync(ContentLength(head), cancellationToken);
                    var lineEnd = head.IndexOf('\r', StringComparison.Ordinal);
                    var parts = (lineEnd < 0 ? head : head[..lineEnd]).Split(' ');
                    return (parts[0], parts.Length > 1 ? parts[1] : "/");
                }

                if (!await FillAsync(cancellationToken))
                {
                    return null;
                }
            }
        }

        public async Task WaitForCloseAsync(CancellationToken cancellationToken)
        {
            _start = _end = 0;
            while (await FillAsync(cancellationToken))
            {
                _start = _end = 0;
            }
        }

        private static int ContentLength(string head)
        {
            foreach (var line in head.Split("\r\n"))
            {
                if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
                {
                    return int.Parse(line.AsSpan(15).Trim(), System.Globalization.CultureInfo.InvariantCulture);
                }
            }

            return 0;
        }

        private async Task SkipBodyAsync(int length, CancellationToken cancellationToken)
        {
            while (length > 0)
            {
                if (_end == _start && !await FillAsync(cancellationToken))
                {
                    return;
                }

                var take = Math.Min(length, _end - _start);
                _start += take;
                length -= take;
            }
        }

        private async Task<bool> FillAsync(CancellationToken cancellationToken)
        {
            if (_start > 0)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }

            if (_end == _buffer.Length)
            {
                throw new IOException("Request head too large.");
            }

            var read = await socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, cancellationToken);
            _end += read;
            return read > 0;
        }
    }
}
