using System.Net;
using System.Net.Sockets;
using Pipeline.Tests.Infrastructure;

namespace Pipeline.Tests.Transport;

/// <summary>requests' (connect, read) timeouts against servers that never answer.</summary>
public sealed class TimeoutTests
{
    public static TheoryData<string> Kinds => TestSessions.Kinds;

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task ReadTimeout_ServerNeverAnswers_IsReadTimeoutException(string kind)
    {
        await using var silent = new SilentServer();
        using var handle = TestSessions.Create(kind);

        var error = await Assert.ThrowsAsync<ReadTimeoutException>(
            () => handle.Session.GetAsync(silent.Url, new() { Timeout = (TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(300)) }));

        Assert.Equal("Read timed out. (read timeout=0.3)", error.Message);
        Assert.IsAssignableFrom<RequestTimeoutException>(error);
        Assert.Equal(silent.Url, error.Request!.Url);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task SessionTimeout_IsTheDefault_AndARequestCanOverrideIt(string kind)
    {
        await using var silent = new SilentServer();
        using var handle = TestSessions.Create(kind, s => s.Timeout = TimeSpan.FromMilliseconds(250));

        await Assert.ThrowsAsync<ReadTimeoutException>(() => handle.Session.GetAsync(silent.Url));
        var error = await Assert.ThrowsAsync<ReadTimeoutException>(
            () => handle.Session.GetAsync(silent.Url, new() { Timeout = TimeSpan.FromMilliseconds(400) }));

        Assert.Equal("Read timed out. (read timeout=0.4)", error.Message);
    }

    [Fact]
    public async Task ConnectTimeout_FullListenBacklog_IsConnectTimeoutException()
    {
        using var backlog = await FullBacklog.CreateAsync();
        using var session = new Session();

        var error = await Assert.ThrowsAsync<ConnectTimeoutException>(
            () => session.GetAsync(backlog.Url, new() { Timeout = (TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(5)) }));

        Assert.StartsWith("Connection to 127.0.0.1:", error.Message);
        Assert.EndsWith("timed out. (connect timeout=0.5)", error.Message);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task CallerCancellation_WithATimeoutSet_StaysOperationCanceled(string kind)
    {
        await using var silent = new SilentServer();
        using var handle = TestSessions.Create(kind);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        var error = await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => handle.Session.GetAsync(silent.Url, new() { Timeout = TimeSpan.FromSeconds(30) }, cts.Token));

        Assert.IsNotAssignableFrom<RequestException>(error);
    }

    [Fact]
    public void RequestTimeout_ZeroOrNegative_IsRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new RequestTimeout(TimeSpan.Zero, null));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RequestTimeout(null, TimeSpan.FromSeconds(-1)));
    }

    /// <summary>Accepts connections and reads requests but never answers.</summary>
    private sealed class SilentServer : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly List<TcpClient> _clients = [];
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _loop;

        public SilentServer()
        {
            _listener.Start();
            _loop = Task.Run(async () =>
            {
                while (!_stop.IsCancellationRequested)
                {
                    var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                    lock (_clients)
                    {
                        _clients.Add(client);
                    }
                }
            });
        }

        public string Url => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/slow";

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

            lock (_clients)
            {
                _clients.ForEach(c => c.Dispose());
            }

            _stop.Dispose();
        }
    }

    /// <summary>A listening socket that never accepts, with its backlog filled so a new connect hangs (check 44).</summary>
    internal sealed class FullBacklog : IDisposable
    {
        private readonly Socket _listener;
        private readonly List<Socket> _fillers = [];

        private FullBacklog(Socket listener)
        {
            _listener = listener;
        }

        public string Url => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndPoint!).Port}/";

        public static async Task<FullBacklog> CreateAsync()
        {
            var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            listener.Listen(1);
            var backlog = new FullBacklog(listener);
            for (var i = 0; i < 64; i++)
            {
                var filler = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                backlog._fillers.Add(filler);
                using var attempt = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
                try
                {
                    await filler.ConnectAsync(listener.LocalEndPoint!, attempt.Token);
                }
                catch (OperationCanceledException)
                {
                    // This connect hung: the backlog is full.
                    return backlog;
                }
            }

            throw new InvalidOperationException("Could not fill the listen backlog.");
        }

        public void Dispose()
        {
            _fillers.ForEach(f => f.Dispose());
            _listener.Dispose();
        }
    }
}
