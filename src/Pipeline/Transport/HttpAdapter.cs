using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Pipeline;

/// <summary>
/// Sends requests over pooled HTTP/1.1 and HTTP/2 connections (requests' <c>HTTPAdapter</c>), the default adapter for
/// <c>http://</c> and <c>https://</c>.
/// </summary>
/// <remarks>
/// <para>
/// One connection pool is kept per (proxy, TLS verification, CA bundle, client certificate), created on first use, so a
/// request with <c>Verify = false</c> or another proxy never lends its connection to a request without it.
/// </para>
/// <para>
/// Redirects and cookies are left to the session's stages. gzip, deflate and brotli bodies are decoded here; the
/// Content-Encoding and Content-Length headers stay as the server sent them, as in requests. Connections live for
/// <see cref="PooledConnectionLifetime"/>, so DNS changes are picked up without rotating handlers.
/// </para>
/// </remarks>
public partial class HttpAdapter : HttpMessageHandler
{
    private readonly ConcurrentDictionary<PoolKey, Lazy<HttpMessageInvoker>> _pools = new();
    private readonly ConcurrentDictionary<string, bool> _insecureHosts = new(StringComparer.OrdinalIgnoreCase);
    private readonly ILogger _logger;
    private int _disposed;

    /// <summary>Initializes a new instance of the <see cref="HttpAdapter"/> class.</summary>
    public HttpAdapter()
        : this(null)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="HttpAdapter"/> class that logs through <paramref name="logger"/>.</summary>
    /// <param name="logger">Receives the warning for requests sent without TLS verification, or <see langword="null"/>.</param>
    public HttpAdapter(ILogger<HttpAdapter>? logger)
    {
        _logger = logger ?? (ILogger)NullLogger.Instance;
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

    /// <summary>Gets the retries for requests this adapter serves, as requests' <c>HTTPAdapter(max_retries=...)</c>; it wins over <see cref="Session.Retry"/>.</summary>
    /// <value>The default value is <see langword="null"/>: the session's policy, else no retries.</value>
    public RetryPolicy? MaxRetries { get; init; }

    internal int PoolCount => _pools.Count;

    /// <summary>Sends a request over a pooled connection and decodes a compressed body.</summary>
    /// <param name="request">The request.</param>
    /// <param name="cancellationToken">The token to observe.</param>
    /// <returns>The response, its body not read yet.</returns>
    /// <exception cref="ConnectionException">The connection failed (refused, reset, unknown host).</exception>
    /// <exception cref="SslException">The TLS handshake failed, or a CA bundle or client certificate cannot be used.</exception>
    /// <exception cref="ConnectTimeoutException">Connecting took longer than the connect timeout.</exception>
    /// <exception cref="ReadTimeoutException">The response head took longer than the read timeout.</exception>
    /// <exception cref="InvalidHeaderException">The response's Content-Length values disagree or are not numbers (urllib3's InvalidHeader).</exception>
    /// <exception cref="ObjectDisposedException">The adapter was disposed.</exception>
    /// <exception cref="InvalidHeaderException">A header value holds a control character (a stage added it after preparation); nothing is sent.</exception>
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var context = request.Options.TryGetValue(RequestContext.Key, out var c) ? c : null;
        var proxy = request.Options.TryGetValue(HopState.ProxyKey, out var selection) ? selection : null;
        HeaderRules.ValidateOnWire(request);
        var key = ChooseKey(request, context, proxy);
        var pool = GetPool(key);

        var read = context?.Timeout?.Read;
        using var readTimer = read is null ? null : CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (readTimer is not null)
        {
            readTimer.CancelAfter(read!.Value);
            request.Options.Set(TransportTimeouts.ReadTimerKey, readTimer);
        }

        HttpResponseMessage response;
        try
        {
            response = await pool.SendAsync(request, readTimer?.Token ?? cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (readTimer is { IsCancellationRequested: true } && !cancellationToken.IsCancellationRequested)
        {
            throw new ReadTimeoutException($"Read timed out. (read timeout={TransportTimeouts.Seconds(read!.Value)})", ex);
        }
        catch (HttpRequestException ex) when (ex is not RequestException)
        {
            throw TransportErrors.Map(ex, request, proxy);
        }

        ResponseFraming.Check(response);
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

    /// <summary>Closes every pooled connection.</summary>
    /// <param name="disposing"><see langword="true"/> when called from <see cref="IDisposable.Dispose"/>.</param>
    protected override void Dispose(bool disposing)
    {
        if (disposing && Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            foreach (var pool in _pools.Values)
            {
                if (pool.IsValueCreated)
                {
                    pool.Value.Dispose();
                }
            }
        }

        base.Dispose(disposing);
    }

    private PoolKey ChooseKey(HttpRequestMessage request, RequestContext? context, ProxySelection? proxy)
    {
        var https = request.RequestUri?.Scheme == Uri.UriSchemeHttps;
        var verify = Verify.Enabled;
        ClientCert? cert = null;
        if (https && context is not null)
        {
            // requests' cert_verify only looks at TLS settings for https URLs; plain http shares the default pool.
            verify = TlsRules.EffectiveVerify(context.Verify, context.TrustEnv);
            cert = context.Cert;
            TlsRules.CheckPaths(verify, cert);
            if (!verify.IsEnabled && _insecureHosts.TryAdd(request.RequestUri!.Authority, true))
            {
                Log.InsecureRequest(_logger, request.RequestUri!.Authority);
            }
        }

        // Most requests go direct with default TLS: one shared key, nothing allocated.
        if (proxy is null && cert is null && ReferenceEquals(verify, Verify.Enabled))
        {
            return DirectKey;
        }

        return new PoolKey(proxy?.Url, proxy?.Credentials?.UserName, proxy?.Credentials?.Password, verify, cert);
    }

    private HttpMessageInvoker GetPool(PoolKey key)
    {
        var lazy = _pools.GetOrAdd(
            key,
            static (k, adapter) => new Lazy<HttpMessageInvoker>(() => adapter.CreatePool(k), LazyThreadSafetyMode.ExecutionAndPublication),
            this);
        try
        {
            return lazy.Value;
        }
        catch
        {
            // Lazy keeps the exception (an unreadable CA bundle, a wrong certificate password): forget it, so the
            // next request for this key tries again once the file is fixed.
            _pools.TryRemove(KeyValuePair.Create(key, lazy));
            throw;
        }
    }

    private HttpMessageInvoker CreatePool(PoolKey key)
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            PooledConnectionLifetime = PooledConnectionLifetime,
            PooledConnectionIdleTimeout = PooledConnectionIdleTimeout,
            MaxConnectionsPerServer = MaxConnectionsPerServer,
            ConnectCallback = TransportTimeouts.ConnectAsync,
            SslOptions = TlsRules.CreateOptions(key.Verify, key.Cert),
            UseProxy = key.Proxy is not null,

            // http.client writes header values as ISO-8859-1 (requests sends "José" as the byte E9); .NET would refuse
            // anything beyond ASCII. HeaderRules rejects what ISO-8859-1 cannot encode before anything is sent; a header
            // a custom stage adds later fails here rather than going out with '?' in it. ISO-8859-1 encodes NUL and
            // the other control characters, so SendAsync refuses those first (HeaderRules.ValidateOnWire).
            RequestHeaderEncodingSelector = static (_, _) => StrictLatin1,
        };
        if (key.Proxy is not null)
        {
            handler.Proxy = new WebProxy(key.Proxy)
            {
                Credentials = key.ProxyUser is null ? null : new NetworkCredential(key.ProxyUser, key.ProxyPassword),
            };
        }

        return new HttpMessageInvoker(handler, disposeHandler: true);
    }

    private static readonly Encoding StrictLatin1 = Encoding.GetEncoding("iso-8859-1", EncoderFallback.ExceptionFallback, DecoderFallback.ReplacementFallback);

    private static readonly PoolKey DirectKey = new(null, null, null, Verify.Enabled, null);

    /// <summary>What makes connections shareable: the proxy with its credentials and the TLS settings.</summary>
    private sealed record PoolKey(Uri? Proxy, string? ProxyUser, string? ProxyPassword, Verify Verify, ClientCert? Cert);

    private static partial class Log
    {
        [LoggerMessage(EventId = 1, Level = LogLevel.Warning,
            Message = "Unverified HTTPS request to {Host}: certificate verification is off (Verify = false). Adding certificate verification is strongly advised.")]
        public static partial void InsecureRequest(ILogger logger, string host);
    }
}
