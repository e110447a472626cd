using System.Net.Sockets;
using System.Security.Authentication;

namespace Pipeline;

/// <summary>Maps transport failures to requests' exception hierarchy.</summary>
internal static class TransportErrors
{
    public static RequestException Map(HttpRequestException ex, HttpRequestMessage request, ProxySelection? proxy = null)
    {
        // A failure raised by our own ConnectCallback (a connect timeout) is already the right exception.
        if (ex.InnerException is RequestException own)
        {
            return own;
        }

        var target = request.RequestUri is { } uri ? $"{uri.Host}:{uri.Port}" : "the server";
        var reason = ex.InnerException switch
        {
            SocketException socket => socket.SocketErrorCode.ToString(),
            AuthenticationException auth => TlsRules.Describe(auth),
            { } inner => inner.Message,
            null => ex.Message,
        };

        if (proxy is not null && ex.HttpRequestError is HttpRequestError.ProxyTunnelError or HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError)
        {
            return new ProxyException($"Unable to connect to proxy {Redaction.RedactProxyUrl(proxy.Url.OriginalString)}: {reason}", ex);
        }

        return ex.HttpRequestError switch
        {
            HttpRequestError.SecureConnectionError => new SslException($"TLS with {target} failed: {reason}", ex),
            HttpRequestError.ProxyTunnelError => new ProxyException($"Unable to connect to proxy: {reason}", ex),
            HttpRequestError.NameResolutionError => new ConnectionException($"Failed to resolve '{request.RequestUri?.Host}': {reason}", ex),
            HttpRequestError.ConnectionError => new ConnectionException($"Failed to establish a new connection to {target}: {reason}", ex),
            _ => new ConnectionException($"Connection aborted by {target}: {ex.Message}", ex),
        };
    }
}
