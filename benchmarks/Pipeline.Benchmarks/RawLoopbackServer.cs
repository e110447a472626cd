using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Pipeline.Benchmarks;

/// <summary>
/// A minimal HTTP/1.1 server on raw sockets for the memory and scaling modes, so the server's own cost and memory stay
/// small and out of the client's process: keep-alive, GET only, bodies generated on the fly from one 64 KB buffer.
/// <list type="bullet">
/// <item><c>/length/N</c>: N bytes with a Content-Length.</item>
/// <item><c>/chunked/N</c>: N bytes, chunked in 64 KB chunks, no Content-Length.</item>
/// <item><c>/hop/N</c>: a 302 to <c>/hop/N-1</c>; <c>/hop/0</c> answers 200 with a small body.</item>
/// <item>anything else: 200 with a small JSON body.</item>
/// </list>
/// </summary>
public sealed class RawLoopbackServer : IAsyncDisposable
{
    private const int ChunkSize = 64 * 1024;
    private static readonly byte[] Chunk = CreateChunk();
    private static readonly byte[] ChunkFrame = Encoding.ASCII.GetBytes(ChunkSize.ToString("x", CultureInfo.InvariantCulture) + "\r\n");
    private static readonly byte[] Crlf = "\r\n"u8.ToArray();
    private static readonly byte[] Small = Encoding.ASCII.GetBytes(
        $"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {SmallBody.Length}\r\n\r\n{SmallBody}");

    /// <summary>The small JSON body of <c>/hop/0</c> and of any other path.</summary>
    public const string SmallBody = "{\"id\":1,\"name\":\"widget\",\"ok\":true}";

    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    private RawLoopbackServer()
    {
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start(512);
        BaseUrl = $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";
        _accepting = AcceptAsync();
    }

    /// <summary>Gets the server's base URL, without a trailing slash.</summary>
    public string BaseUrl { get; }

    public static RawLoopbackServer Start() => new();

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
#pragma warning disable VSTHRD003 // started by the constructor, ended by the cancellation above
            await _accepting;
#pragma warning restore VSTHRD003
        }
        catch (OperationCanceledException)
        {
        }
        catch (SocketException)
        {
        }

        _stop.Dispose();
    }

    private static byte[] CreateChunk()
    {
        var chunk = new byte[ChunkSize];
        for (var i = 0; i < chunk.Length; i++)
        {
            chunk[i] = (byte)(i % 251);
        }

        return chunk;
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            client.NoDelay = true;
            var stream = client.GetStream();
            var buffer = new byte[16 * 1024];
            var filled = 0;
            try
            {
                while (true)
                {
                    int end;
                    while ((end = buffer.AsSpan(0, filled).IndexOf("\r\n\r\n"u8)) < 0)
                    {
                        if (filled == buffer.Length)
                        {
                            return;
                        }

                        var read = await stream.ReadAsync(buffer.AsMemory(filled), _stop.Token);
                        if (read == 0)
                        {
                            return;
                        }

                        filled += read;
                    }

                    var line = buffer.AsSpan(0, buffer.AsSpan(0, end).IndexOf("\r\n"u8) is var lf and >= 0 ? lf : end);
                    var target = Encoding.ASCII.GetString(line).Split(' ') is [_, var t, ..] ? t : "/";
                    var consumed = end + 4;
                    buffer.AsSpan(consumed, filled - consumed).CopyTo(buffer);
                    filled -= consumed;
                    await RespondAsync(stream, target, _stop.Token);
                }
            }
            catch (IOException)
            {
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    private static async Task RespondAsync(NetworkStream stream, string target, CancellationToken cancellationToken)
    {
        if (target.StartsWith("/length/", StringComparison.Ordinal))
        {
            var size = long.Parse(target.AsSpan(8), CultureInfo.InvariantCulture);
            await stream.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: {size}\r\n\r\n"), cancellationToken);
            for (long sent = 0; sent < size; sent += ChunkSize)
            {
                await stream.WriteAsync(Chunk.AsMemory(0, (int)Math.Min(ChunkSize, size - sent)), cancellationToken);
            }
        }
        else if (target.StartsWith("/chunked/", StringComparison.Ordinal))
        {
            var size = long.Parse(target.AsSpan(9), CultureInfo.InvariantCulture);
            await stream.WriteAsync("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nTransfer-Encoding: chunked\r\n\r\n"u8.ToArray(), cancellationToken);
            for (long sent = 0; sent < size; sent += ChunkSize)
            {
                var count = (int)Math.Min(ChunkSize, size - sent);
                await stream.WriteAsync(count == ChunkSize ? ChunkFrame : Encoding.ASCII.GetBytes(count.ToString("x", CultureInfo.InvariantCulture) + "\r\n"), cancellationToken);
                await stream.WriteAsync(Chunk.AsMemory(0, count), cancellationToken);
                await stream.WriteAsync(Crlf, cancellationToken);
            }

            await stream.WriteAsync("0\r\n\r\n"u8.ToArray(), cancellationToken);
        }
        else if (target.StartsWith("/hop/", StringComparison.Ordinal))
        {
            var hops = int.Parse(target.AsSpan(5), CultureInfo.InvariantCulture);
            await stream.WriteAsync(
                hops <= 0 ? Small : Encoding.ASCII.GetBytes($"HTTP/1.1 302 Found\r\nLocation: /hop/{hops - 1}\r\nContent-Length: 0\r\n\r\n"),
                cancellationToken);
        }
        else
        {
            await stream.WriteAsync(Small, cancellationToken);
        }
    }
}
