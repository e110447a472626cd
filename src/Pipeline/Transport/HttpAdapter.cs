using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;

namespace Pipeline;

/// <summary>
/// Sends requests over pooled HTTP/1.1 and HTTP/2 connections (requests' <c>HTTPAdapter</c>), the default adapter for
/// <c>http://</c> and <c>https://</c>.
/// </summary>
/// <remarks>
/// Redirects and cookies are left to the session's stages, so the transport never follows a Location or keeps a cookie
/// itself. gzip, deflate and brotli bodies are decoded here; the Content-Encoding and Content-Length headers stay as
/// the server sent them, as in requests. Connections live for <see cref="PooledConnectionLifetime"/>, so DNS changes
/// are picked up without rotating handlers.
/// </remarks>
public class HttpAdapter : HttpMessageHandler
{
    private readonly Lazy<HttpMessageInvoker> _pool;
    private int _disposed;

    /// <summary>Initializes a new instance of the <see cref="HttpAdapter"/> class.</summary>
    public HttpAdapter()
    {
        _pool = new Lazy<HttpMessageInvoker>(CreatePool, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>Gets how long a pooled connection may be reused.</summary>
    /// <value>The default value is 5 minutes.</value>
    public TimeSpan PooledConnectionLifetime { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Gets how long an idle pooled connection is kept.</summary>
    /// <value>The default value is 90 seconds.</value>
    public TimeSpan PooledConnectionIdleTimeout { get; init; } = TimeSpan.FromSeconds(90);

    /// <summary>Gets the most connections opened to one server.</summary>
    /// <value>The default value is <see cref="int.MaxValue"/>.</value>
    public int MaxConnectionsPerServer { get; init; } = int.MaxValue;

    /// <summary>Sends a request over a pooled connection and decodes a compressed body.</summary>
    /// <param name="request">The request.</param>
    /// <param name="cancellationToken">The token to observe.</param>
    /// <returns>The response, its body not read yet.</returns>
    /// <exception cref="ConnectionException">The connection failed (refused, reset, unknown host).</exception>
    /// <exception cref="SslException">The TLS handshake failed.</exception>
    /// <exception cref="ObjectDisposedException">The adapter was disposed.</exception>
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        HttpResponseMessage response;
        try
        {
            response = await _pool.Value.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex) when (ex is not RequestException)
        {
            throw TransportErrors.Map(ex, request);
        }

        if (DecodingContent.Decodable(response.Content) is { } encodings)
        {
            response.Content = new DecodingContent(response.Content, encodings);
        }

        return response;
    }

    /// <summary>Not supported: Pipeline is async-only.</summary>
    /// <param name="request">The request.</param>
    /// <param name="cancellationToken">The token to observe.</param>
    /// <returns>Never returns.</returns>
    /// <exception cref="NotSupportedException">Always.</exception>
    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken) =>
        throw new NotSupportedException("Pipeline is async-only; use SendAsync.");

    /// <summary>Closes the pooled connections.</summary>
    /// <param name="disposing"><see langword="true"/> when called from <see cref="IDisposable.Dispose"/>.</param>
    protected override void Dispose(bool disposing)
    {
        if (disposing && Interlocked.Exchange(ref _disposed, 1) == 0 && _pool.IsValueCreated)
        {
            _pool.Value.Dispose();
        }

        base.Dispose(disposing);
    }

    private HttpMessageInvoker CreatePool()
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            UseProxy = false,
            AutomaticDecompression = DecompressionMethods.None,
            PooledConnectionLifetime = PooledConnectionLifetime,
            PooledConnectionIdleTimeout = PooledConnectionIdleTimeout,
            MaxConnectionsPerServer = MaxConnectionsPerServer,
        };
        return new HttpMessageInvoker(handler, disposeHandler: true);
    }
}

/// <summary>Maps transport failures to requests' exception hierarchy.</summary>
internal static class TransportErrors
{
    public static RequestException Map(HttpRequestException ex, HttpRequestMessage request)
    {
        var target = request.RequestUri is { } uri ? $"{uri.Host}:{uri.Port}" : "the server";
        var reason = ex.InnerException switch
        {
            SocketException socket => socket.SocketErrorCode.ToString(),
            AuthenticationException auth => auth.Message,
            { } inner => inner.Message,
            null => ex.Message,
        };

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
