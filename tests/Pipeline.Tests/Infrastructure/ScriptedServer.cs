using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Pipeline.Tests.Infrastructure;

/// <summary>
/// A raw-socket HTTP/1.1 server on 127.0.0.1 whose answers an async script writes, one connection per request served
/// concurrently, so a test can hold an answer (the head, or half a body) for as long as it wants: until the client gives
/// up, or the server is disposed. Each answer should carry <c>Connection: close</c>; the connection is closed after it.
/// </summary>
public sealed class ScriptedServer : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Func<ScriptedExchange, Task> _respond;
    private readonly ConcurrentBag<Task> _connections = [];
    private readonly Task _loop;
    private int _count;

    /// <param name="respond">Writes the answer to a request (<see cref="ScriptedExchange.WriteAsync"/>) and may wait in between.</param>
    public ScriptedServer(Func<ScriptedExchange, Task> respond)
    {
        _respond = respond;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        _loop = Task.Run(AcceptLoopAsync);
    }

    public string BaseUrl => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    /// <summary>Gets the requests received, in order of arrival.</summary>
    public ConcurrentQueue<RawRequest> Requests { get; } = new();

    public int RequestCount => Volatile.Read(ref _count);

    public string Url(string pathAndQuery) => BaseUrl + pathAndQuery;

    /// <summary>Waits (10 s at most) until <paramref name="count"/> requests have arrived.</summary>
    public Task WaitForRequestsAsync(int count) => Poll.UntilAsync(() => RequestCount >= count, $"{count} request(s) to arrive (got {RequestCount})");

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await Quietly(_loop);
        foreach (var connection in _connections)
        {
            await Quietly(connection);
        }

        _stop.Dispose();
    }

    private static async Task Quietly(Task task)
    {
        try
        {
            await task;
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException or IOException)
        {
        }
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            _connections.Add(Task.Run(() => ServeAsync(client)));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            var stream = client.GetStream();
            var head = await RawHttpReader.ReadHeadAsync(stream, _stop.Token);
            if (head.Length == 0)
            {
                return;
            }

            var lines = head.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
            var headers = RawHttpReader.ParseHeaders(lines);
            var body = await RawHttpReader.ReadExactAsync(stream, RawHttpReader.ContentLength(headers), _stop.Token);
            var request = new RawRequest(lines[0], headers, body);
            Requests.Enqueue(request);
            var index = Interlocked.Increment(ref _count) - 1;
            await _respond(new ScriptedExchange(request, index, stream, _stop.Token));
        }
    }
}

/// <summary>One request to a <see cref="ScriptedServer"/> and the connection to answer it on.</summary>
/// <param name="Request">The request as received.</param>
/// <param name="Index">The request's number on the server, from 0.</param>
/// <param name="Stream">The connection.</param>
/// <param name="Stopping">Cancelled when the server is disposed: a script that holds an answer waits on it.</param>
public sealed record ScriptedExchange(RawRequest Request, int Index, NetworkStream Stream, CancellationToken Stopping)
{
    /// <summary>Writes raw text (ISO-8859-1) and flushes it.</summary>
    public async Task WriteAsync(string raw)
    {
        await Stream.WriteAsync(Encoding.Latin1.GetBytes(raw), Stopping);
        await Stream.FlushAsync(Stopping);
    }

    /// <summary>Holds the connection open without answering until the server is disposed.</summary>
    public async Task HoldAsync()
    {
        try
        {
            await Task.Delay(Timeout.Infinite, Stopping);
        }
        catch (OperationCanceledException)
        {
        }
    }
}

/// <summary>Polls a condition that another thread makes true, for at most 10 seconds.</summary>
public static class Poll
{
    public static async Task UntilAsync(Func<bool> condition, string what)
    {
        for (var i = 0; i < 1000 && !condition(); i++)
        {
            await Task.Delay(10);
        }

        Assert.True(condition(), "Timed out waiting for " + what + ".");
    }
}
