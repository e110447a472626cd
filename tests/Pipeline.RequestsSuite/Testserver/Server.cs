using System.Net;
using System.Net.Sockets;
using System.Runtime.ExceptionServices;
using System.Text;

namespace Pipeline.RequestsSuite.Testserver;

/// <summary>
/// requests' <c>tests/testserver/server.py</c>: a raw TCP server on 127.0.0.1 that hands each accepted connection to a
/// handler on its own thread, records what the handler returns, then closes the connection.
/// </summary>
/// <remarks>
/// <see cref="Start"/> is <c>__enter__</c> and <see cref="DisposeAsync"/> is <c>__exit__</c>: it waits for the server
/// thread to finish (up to <see cref="WaitEventTimeout"/>), then closes the listening socket. After handling its
/// requests the server waits for <c>waitToCloseEvent</c> (up to <see cref="WaitEventTimeout"/>) before it stops
/// listening. One difference keeps the suite quick: a server waiting for a connection while it is disposed, with none
/// pending, stops at once instead of after <see cref="WaitEventTimeout"/>. An exception thrown by the handler (a failed assertion about what the client sent) is rethrown by
/// <see cref="DisposeAsync"/>, so it fails the test.
/// </remarks>
public sealed class Server : IAsyncDisposable
{
    /// <summary>How long the server waits for a connection, for the close event, and how long dispose waits for the server.</summary>
    public static readonly TimeSpan WaitEventTimeout = TimeSpan.FromSeconds(5);

    private readonly Func<Socket, byte[]?> _handler;
    private readonly int _requestsToHandle;
    private readonly ManualResetEventSlim? _waitToCloseEvent;
    private readonly ManualResetEventSlim _readyEvent = new();
    private readonly ManualResetEventSlim _stopEvent = new();
    private readonly List<byte[]?> _handlerResults = [];
    private readonly Thread _thread;
    private Socket? _serverSocket;
    private Exception? _handlerException;
    private volatile bool _accepting;

    /// <param name="handler">Called with each accepted connection; its return value is recorded. The default consumes the request.</param>
    /// <param name="requestsToHandle">How many connections to accept before waiting for the close event.</param>
    /// <param name="waitToCloseEvent">Set by the test when the server may stop listening.</param>
    public Server(Func<Socket, byte[]?>? handler = null, int requestsToHandle = 1, ManualResetEventSlim? waitToCloseEvent = null)
    {
        _handler = handler ?? (sock => ConsumeSocketContent(sock));
        _requestsToHandle = requestsToHandle;
        _waitToCloseEvent = waitToCloseEvent;
        _thread = new Thread(Run) { IsBackground = true, Name = "requests testserver" };
    }

    /// <summary>Gets the host the server listens on.</summary>
    public string Host { get; } = "127.0.0.1";

    /// <summary>Gets the port the server listens on, once started.</summary>
    public int Port { get; private set; }

    /// <summary>Gets what the handler returned for each connection, in order.</summary>
    public IReadOnlyList<byte[]?> HandlerResults
    {
        get
        {
            lock (_handlerResults)
            {
                return [.. _handlerResults];
            }
        }
    }

    /// <summary>requests' <c>Server.text_response_server</c>: consumes the request, then sends <paramref name="text"/> as UTF-8.</summary>
    public static Server TextResponseServer(string text, TimeSpan? requestTimeout = null, int requestsToHandle = 1, ManualResetEventSlim? waitToCloseEvent = null) =>
        BytesResponseServer(Encoding.UTF8.GetBytes(text), requestTimeout, requestsToHandle, waitToCloseEvent);

    /// <summary>Consumes the request, then sends <paramref name="response"/> as it is (for bodies that are not UTF-8 text).</summary>
    public static Server BytesResponseServer(byte[] response, TimeSpan? requestTimeout = null, int requestsToHandle = 1, ManualResetEventSlim? waitToCloseEvent = null) =>
        new(
            sock =>
            {
                var requestContent = ConsumeSocketContent(sock, requestTimeout);
                sock.Send(response);
                return requestContent;
            },
            requestsToHandle,
            waitToCloseEvent);

    /// <summary>requests' <c>Server.basic_response_server</c>: a 200 with an empty body.</summary>
    public static Server BasicResponseServer(TimeSpan? requestTimeout = null, int requestsToHandle = 1, ManualResetEventSlim? waitToCloseEvent = null) =>
        TextResponseServer("HTTP/1.1 200 OK\r\n" + "Content-Length: 0\r\n\r\n", requestTimeout, requestsToHandle, waitToCloseEvent);

    /// <summary>
    /// requests' <c>consume_socket_content</c>: reads until the peer closes or nothing arrives for
    /// <paramref name="timeout"/> (half a second by default).
    /// </summary>
    /// <remarks>
    /// One difference keeps the suite steady on a loaded machine: the first bytes are awaited for up to
    /// <see cref="WaitEventTimeout"/>. With half a second for them too, a client that is slow to send (its first request
    /// compiles the send path; two test assemblies share two cores) gets the answer before its request is read, and the
    /// server's later reads and answers fall one request behind.
    /// </remarks>
    public static byte[] ConsumeSocketContent(Socket sock, TimeSpan? timeout = null)
    {
        var wait = (int)(timeout ?? TimeSpan.FromSeconds(0.5)).TotalMicroseconds;
        var buffer = new byte[65536];
        using var content = new MemoryStream();
        while (sock.Poll(content.Length == 0 ? Math.Max(wait, (int)WaitEventTimeout.TotalMicroseconds) : wait, SelectMode.SelectRead))
        {
            var read = sock.Receive(buffer);
            if (read == 0)
            {
                break;
            }

            content.Write(buffer, 0, read);
        }

        return content.ToArray();
    }

    /// <summary>requests' <c>Server.__enter__</c>: starts the server thread and returns where it listens.</summary>
    public (string Host, int Port) Start()
    {
        _thread.Start();
        if (!_readyEvent.Wait(WaitEventTimeout))
        {
            throw new InvalidOperationException("Timeout waiting for server to be ready.");
        }

        return (Host, Port);
    }

    /// <summary>requests' <c>Server.__exit__</c>: waits for the server to finish, closes it, and rethrows a handler failure.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_thread.ThreadState != ThreadState.Unstarted)
        {
            if (!await WaitForStopAsync())
            {
                // The test never released the server: do not keep it waiting for the close event.
                _waitToCloseEvent?.Set();
            }

            CloseServerSocket();
            await Task.Run(_thread.Join);
        }

        _readyEvent.Dispose();
        _stopEvent.Dispose();
        if (_handlerException is not null)
        {
            ExceptionDispatchInfo.Capture(_handlerException).Throw();
        }
    }

    /// <summary>Waits for the server thread to stop; one back to waiting for a connection, with none pending, is stopped now.</summary>
    private async Task<bool> WaitForStopAsync()
    {
        var deadline = DateTime.UtcNow + WaitEventTimeout;
        while (!_stopEvent.IsSet && DateTime.UtcNow < deadline)
        {
            if (_accepting && !HasPendingConnection())
            {
                CloseServerSocket();
            }

            await Task.Run(() => _stopEvent.Wait(TimeSpan.FromMilliseconds(50)));
        }

        return _stopEvent.IsSet;
    }

    private void Run()
    {
        try
        {
            _serverSocket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            _serverSocket.Bind(new IPEndPoint(IPAddress.Parse(Host), 0));
            _serverSocket.Listen();
            Port = ((IPEndPoint)_serverSocket.LocalEndPoint!).Port;
            _readyEvent.Set();
            HandleRequests();
            _waitToCloseEvent?.Wait(WaitEventTimeout);
        }
        catch (Exception ex)
        {
            _handlerException = ex;
        }
        finally
        {
            _readyEvent.Set();
            CloseServerSocket();
            _stopEvent.Set();
        }
    }

    private void HandleRequests()
    {
        for (var i = 0; i < _requestsToHandle; i++)
        {
            using var sock = AcceptConnection();
            if (sock is null)
            {
                break;
            }

            var result = _handler(sock);
            lock (_handlerResults)
            {
                _handlerResults.Add(result);
            }

            sock.Close();
        }
    }

    private Socket? AcceptConnection()
    {
        _accepting = true;
        try
        {
            return _serverSocket!.Poll((int)WaitEventTimeout.TotalMicroseconds, SelectMode.SelectRead) ? _serverSocket.Accept() : null;
        }
        catch (SocketException)
        {
            return null;
        }
        catch (ObjectDisposedException)
        {
            return null;
        }
        finally
        {
            _accepting = false;
        }
    }

    private bool HasPendingConnection()
    {
        try
        {
            return _serverSocket?.Poll(0, SelectMode.SelectRead) ?? false;
        }
        catch (ObjectDisposedException)
        {
            return false;
        }
    }

    private void CloseServerSocket()
    {
        try
        {
            _serverSocket?.Close();
        }
        catch (SocketException)
        {
        }
    }
}
