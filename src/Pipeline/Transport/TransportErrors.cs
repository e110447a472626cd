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

        if (ex.HttpRequestError == HttpRequestError.SecureConnectionError && RefusedAlpn(ex, request))
        {
            return new ConnectionException(
                $"HTTP/{VersionText(request.Version)} ({request.VersionPolicy}) could not be negotiated with {target}: the server accepts none of the offered protocols in the TLS handshake (ALPN). {reason}", ex);
        }

        return ex.HttpRequestError switch
        {
            HttpRequestError.SecureConnectionError => new SslException($"TLS with {target} failed: {reason}", ex),
            HttpRequestError.ProxyTunnelError => new ProxyException($"Unable to connect to proxy: {reason}", ex),
            HttpRequestError.NameResolutionError => new ConnectionException($"Failed to resolve '{request.RequestUri?.Host}': {reason}", ex),
            HttpRequestError.ConnectionError => new ConnectionException($"Failed to establish a new connection to {target}: {reason}", ex),
            HttpRequestError.VersionNegotiationError => new ConnectionException(
                $"HTTP/{VersionText(request.Version)} ({request.VersionPolicy}) could not be negotiated with {target}: {ex.Message}", ex),
            _ => new ConnectionException($"Connection aborted by {target}: {ex.Message}", ex),
        };
    }

    /// <summary>
    /// A request for HTTP/2 or newer that allows nothing older offers only those protocols with ALPN (RFC 7301), and a
    /// server that speaks none of them ends the handshake with the <c>no_application_protocol</c> alert: that is a
    /// version the server cannot speak, not a certificate problem.
    /// </summary>
    private static bool RefusedAlpn(HttpRequestException ex, HttpRequestMessage request)
    {
        if (request.Version.Major < 2 || request.VersionPolicy == HttpVersionPolicy.RequestVersionOrLower)
        {
            return false;
        }

        for (Exception? inner = ex.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (inner.Message.Contains("application protocol", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private static string VersionText(Version version) => version.Major >= 2 ? version.Major.ToString(System.Globalization.CultureInfo.InvariantCulture) : version.ToString(2);
}
