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
        readTimer?.CancelAfter(Timeout.InfiniteTimeSpan);

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

        if (timeout?.Read is { } read)
        {
            readTimer?.CancelAfter(read);
        }

        return new NetworkStream(socket, ownsSocket: true);
    }

    public static string Seconds(TimeSpan value) => value.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
}
