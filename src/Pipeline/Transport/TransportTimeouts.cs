using System.Globalization;
using System.Net.Sockets;

namespace Pipeline;

/// <summary>
/// requests' <c>(connect, read)</c> timeouts on SocketsHttpHandler: the connect timeout bounds establishing the TCP
/// connection (to the proxy when there is one) in the handler's ConnectCallback; the read timeout bounds the wait for
/// the response head, counted from the moment the connection exists.
/// </summary>
internal static class TransportTimeouts
{
    /// <summary>The request's read timer: paused while a new connection is made, restarted once it is up.</summary>
    public static readonly HttpRequestOptionsKey<CancellationTokenSource> ReadTimerKey = new("Pipeline.ReadTimer");

    public static async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext connection, CancellationToken cancellationToken)
    {
        var request = connection.InitialRequestMessage;
        var timeout = request.Options.TryGetValue(RequestContext.Key, out var context) ? context.Timeout : null;
        request.Options.TryGetValue(ReadTimerKey, out var readTimer);
        SetReadTimer(readTimer, Timeout.InfiniteTimeSpan);

        using var connectTimer = timeout?.Connect is null ? null : CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        connectTimer?.CancelAfter(timeout!.Connect!.Value);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(connection.DnsEndPoint, connectTimer?.Token ?? cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (connectTimer is { IsCancellationRequested: true } && !cancellationToken.IsCancellationRequested)
        {
            socket.Dispose();
            throw new ConnectTimeoutException(
                $"Connection to {connection.DnsEndPoint.Host}:{connection.DnsEndPoint.Port} timed out. (connect timeout={Seconds(timeout!.Connect!.Value)})", ex);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        finally
        {
            // Re-armed whether or not this connection came up: the handler may serve the request on another one.
            if (timeout?.Read is { } read)
            {
                SetReadTimer(readTimer, read);
            }
        }

        return new NetworkStream(socket, ownsSocket: true);
    }

    // The handler does not tie a connection attempt to its initial request: that request may already have been
    // answered on another connection, and its timer disposed.
    private static void SetReadTimer(CancellationTokenSource? readTimer, TimeSpan delay)
    {
        try
        {
            readTimer?.CancelAfter(delay);
        }
        catch (ObjectDisposedException)
        {
        }
    }

    public static string Seconds(TimeSpan value) => value.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
}
