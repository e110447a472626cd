using System.Reflection;
using System.Text.Json;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Logging;

namespace Pipeline;

/// <summary>
/// Keeps defaults and state across requests, as requests' <c>Session</c>: headers, cookies, auth, proxies, hooks,
/// query params, TLS settings, redirect limits and mounted adapters.
/// </summary>
/// <remarks>
/// <para>
/// Every request merges its <see cref="RequestOptions"/> over the session's settings (requests' <c>merge_setting</c>)
/// and runs through the same stage pipeline, whether the session was created with <c>new Session()</c> or injected
/// from <c>services.AddSession(name, ...)</c>.
/// </para>
/// <para>
/// A session is safe for concurrent requests: settings are snapshotted per request and the cookie jar is thread-safe.
/// Changing settings while requests are in flight affects only later requests.
/// </para>
/// </remarks>
public partial class Session : IDisposable, IAsyncDisposable
{
    private static readonly string DefaultUserAgent = "pipeline/" + GetVersion();

    private readonly Func<HttpMessageHandler> _pipeline;
    private readonly IDisposable? _ownedPipeline;
    private readonly HttpMessageHandler _defaultAdapter;
    private CachedInvoker? _invoker;
    private int _maxRedirects = 30;
    private long _maxResponseContentLength = SessionSettings.DefaultMaxResponseContentLength;
    private int _disposed;
    private TimeProvider _timeProvider = TimeProvider.System;
    private RetryAfterHolds? _retryAfterHolds;

    /// <summary>Initializes a new instance of the <see cref="Session"/> class with requests' defaults and its own connection pool.</summary>
    public Session()
        : this(new SessionSettings())
    {
    }

    /// <summary>Initializes a new instance of the <see cref="Session"/> class with the given defaults and its own connection pool.</summary>
    /// <param name="settings">The defaults; they are copied.</param>
    /// <exception cref="ArgumentNullException"><paramref name="settings"/> is <see langword="null"/>.</exception>
    public Session(SessionSettings settings)
        : this(settings, new HttpAdapter(), ownsAdapter: true)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="Session"/> class with the given defaults, its own connection pool, and logging.</summary>
    /// <param name="settings">The defaults; they are copied.</param>
    /// <param name="loggerFactory">Receives the session's log events (retries, unverified TLS); credentials are never logged.</param>
    /// <exception cref="ArgumentNullException"><paramref name="settings"/> or <paramref name="loggerFactory"/> is <see langword="null"/>.</exception>
    public Session(SessionSettings settings, ILoggerFactory loggerFactory)
        : this(settings, new HttpAdapter(loggerFactory?.CreateLogger<HttpAdapter>() ?? throw new ArgumentNullException(nameof(loggerFactory))), ownsAdapter: true, loggerFactory)
    {
    }

    internal Session(SessionSettings settings, HttpMessageHandler adapter, bool ownsAdapter, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        // The settings are passed for their clock only: a session's requests always carry their own context.
        var stages = StageChain.CreateStages(new SessionSettings { TimeProvider = settings.TimeProvider }, [], loggerFactory);
        var chain = StageChain.Link(stages, new AdapterRouter(adapter));
        var invoker = new HttpMessageInvoker(chain, disposeHandler: true);
        _invoker = new CachedInvoker(chain, invoker);
        _pipeline = () => chain;
        _ownedPipeline = ownsAdapter ? new CompositeDisposable(invoker, adapter) : invoker;
        _defaultAdapter = adapter;
        Adapters = new AdapterMap();
        Apply(settings);
    }

    internal Session(SessionSettings settings, Func<HttpMessageHandler> pipeline, HttpMessageHandler defaultAdapter, RetryAfterHolds? retryAfterHolds = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _pipeline = pipeline;
        _retryAfterHolds = retryAfterHolds;
        _defaultAdapter = defaultAdapter;
        Adapters = new AdapterMap();
        Apply(settings);
    }

    /// <summary>Gets the default headers, case-insensitive and ordered.</summary>
    /// <value>
    /// The default value is <c>User-Agent: pipeline/&lt;version&gt;</c>, <c>Accept-Encoding: gzip, deflate, br</c>,
    /// <c>Accept: */*</c>, <c>Connection: keep-alive</c> (requests' <c>default_headers</c>; Connection is never sent over
    /// HTTP/2, where it is forbidden).
    /// </value>
    public HeaderMap Headers { get; private set; } = null!;

    /// <summary>Gets or sets the cookie jar shared by the session's requests.</summary>
    /// <exception cref="ArgumentNullException">The value is <see langword="null"/>.</exception>
    public CookieJar Cookies
    {
        get;
        set => field = value ?? throw new ArgumentNullException(nameof(value));
    } = new();

    /// <summary>Gets or sets the default auth; a tuple means Basic: <c>session.Auth = ("user", "pass");</c>.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public Auth? Auth { get; set; }

    /// <summary>Gets or sets the default proxies, keyed as requests: <c>"http"</c>, <c>"https"</c>, <c>"all"</c>, <c>"http://host"</c>.</summary>
    /// <exception cref="ArgumentNullException">The value is <see langword="null"/>.</exception>
    public ProxyMap Proxies
    {
        get;
        set => field = value ?? throw new ArgumentNullException(nameof(value));
    } = new();

    /// <summary>Gets the hooks run on every response.</summary>
    public HookMap Hooks { get; private set; } = new();

    /// <summary>Gets or sets the default query parameters.</summary>
    /// <exception cref="ArgumentNullException">The value is <see langword="null"/>.</exception>
    public QueryParams Params
    {
        get;
        set => field = value ?? throw new ArgumentNullException(nameof(value));
    } = new();

    /// <summary>Gets or sets TLS verification: <see langword="true"/>, <see langword="false"/> or a CA bundle path.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    /// <exception cref="ArgumentNullException">The value is <see langword="null"/>.</exception>
    public Verify Verify
    {
        get;
        set => field = value ?? throw new ArgumentNullException(nameof(value));
    } = Verify.Enabled;

    /// <summary>Gets or sets the client certificate.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public ClientCert? Cert { get; set; }

    /// <summary>Gets or sets the most redirects one request follows.</summary>
    /// <value>The default value is 30.</value>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public int MaxRedirects
    {
        get => _maxRedirects;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            _maxRedirects = value;
        }
    }

    /// <summary>Gets or sets the largest body, in bytes after decoding, that is read into memory (<see cref="Response.Content"/>).</summary>
    /// <value>The default value is 2147483647 (2 GiB less one byte), HttpClient's <c>MaxResponseContentBufferSize</c>.</value>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    /// <remarks>
    /// A longer body is <see cref="ContentTooLargeException"/>: a declared Content-Length above the limit fails before the
    /// body is read, and a decoded body fails as soon as it grows past the limit, so a decompression bomb never fills
    /// memory. A streamed body (<see cref="Stream"/>) is read piece by piece and is not limited.
    /// </remarks>
    public long MaxResponseContentLength
    {
        get => _maxResponseContentLength;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            _maxResponseContentLength = value;
        }
    }

    /// <summary>Gets or sets whether the environment is consulted: proxy variables, NO_PROXY, CA bundle variables and .netrc.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool TrustEnv { get; set; } = true;

    /// <summary>Gets or sets whether bodies are streamed instead of read before a call returns.</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool Stream { get; set; }

    /// <summary>Gets or sets the default timeout; <see langword="null"/> waits forever, as requests.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public RequestTimeout? Timeout { get; set; }

    /// <summary>Gets or sets the retries of this session's requests; an adapter's own <see cref="HttpAdapter.MaxRetries"/> wins.</summary>
    /// <value>The default value is <see langword="null"/>: no retries, as requests.</value>
    public RetryPolicy? Retry { get; set; }

    /// <summary>Gets or sets the HTTP cache (RFC 9111) of the session's GET and HEAD requests: <c>new HttpCache()</c> in memory, or <c>new HttpCache(distributedCache)</c> shared.</summary>
    /// <value>The default value is <see langword="null"/>: no cache, as requests.</value>
    /// <remarks>The session does not own the cache (several sessions may share one): dispose it yourself. See docs/caching.md.</remarks>
    public HttpCache? Cache { get; set; }

    /// <summary>Gets or sets the HTTP version requests ask for: 1.0, 1.1, 2.0 (HTTP/2) or 3.0 (HTTP/3), as <see cref="HttpRequestMessage.Version"/>.</summary>
    /// <value>The default value is 1.1, as HttpClient.</value>
    /// <exception cref="ArgumentNullException">The value is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The value is not 1.0, 1.1, 2.0 or 3.0.</exception>
    /// <remarks>
    /// With <see cref="VersionPolicy"/> it decides what is negotiated: over https, HTTP/2 is offered with ALPN; over plain
    /// http, HTTP/2 is spoken with prior knowledge (h2c) only when the policy is <see cref="HttpVersionPolicy.RequestVersionExact"/>
    /// or <see cref="HttpVersionPolicy.RequestVersionOrHigher"/>. Every hop of a request (redirects, retries, an auth
    /// challenge answered) asks for the same version; <see cref="Response.Version"/> is the one the server answered with.
    /// </remarks>
    public Version Version
    {
        get;
        set => field = HttpVersionRules.Validate(value, nameof(value));
    } = System.Net.HttpVersion.Version11;

    /// <summary>Gets or sets how <see cref="Version"/> is applied: that version or lower, or higher, or exactly (HttpClient's <see cref="HttpRequestMessage.VersionPolicy"/>).</summary>
    /// <value>The default value is <see cref="HttpVersionPolicy.RequestVersionOrLower"/>, as HttpClient.</value>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a defined <see cref="HttpVersionPolicy"/>.</exception>
    /// <remarks>A version the server cannot speak under the policy fails the request with <see cref="ConnectionException"/>.</remarks>
    public HttpVersionPolicy VersionPolicy
    {
        get;
        set => field = HttpVersionRules.Validate(value, nameof(value));
    } = HttpVersionPolicy.RequestVersionOrLower;

    /// <summary>
    /// Gets or sets the deadline of each call: one bound from the start of <c>RequestAsync</c> (or a verb, or
    /// <c>SendAsync</c>) to its final response, its body read unless streamed, across redirects, retries, auth re-sends
    /// (OAuth2 token requests included) and Retry-After waits.
    /// </summary>
    /// <value>The default value is <see langword="null"/>: no deadline, as requests.</value>
    /// <exception cref="ArgumentOutOfRangeException">The value is not positive, or longer than about 49 days.</exception>
    /// <remarks>
    /// When it passes the call fails with <see cref="DeadlineExceededException"/>, whose message names the hop and attempt.
    /// <see cref="Timeout"/> keeps its meaning inside it (a shorter read timeout is still <see cref="ReadTimeoutException"/>),
    /// and the caller's cancellation stays <see cref="OperationCanceledException"/>. With <see cref="Stream"/> it bounds the
    /// call up to the response head; reading the streamed body is bounded by the token given to that read.
    /// <see cref="RequestOptions.Deadline"/> overrides it per call. See docs/deadlines-and-rate-limits.md.
    /// </remarks>
    public TimeSpan? Deadline
    {
        get;
        set => field = CallDeadline.Validate(value, nameof(value));
    }

    /// <summary>Gets or sets the rate limiter every attempt of the session's requests takes a permit from (redirects, retries and auth re-sends included).</summary>
    /// <value>The default value is <see langword="null"/>: no limit, as requests.</value>
    /// <remarks>
    /// Any <see cref="RateLimiter"/>: a <see cref="System.Threading.RateLimiting.TokenBucketRateLimiter"/>, a
    /// <see cref="System.Threading.RateLimiting.ConcurrencyLimiter"/>, or a distributed one (RedisRateLimiting) shared by a
    /// fleet. The session does not own it (several sessions may share one): dispose it yourself. A refused permit waits or
    /// fails as <see cref="RateLimit"/> says. See docs/deadlines-and-rate-limits.md.
    /// </remarks>
    public RateLimiter? RateLimiter { get; set; }

    /// <summary>Gets or sets a rate limiter partitioned by request (per host, typically), taken after <see cref="RateLimiter"/>.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    /// <remarks>
    /// Made with <c>PartitionedRateLimiter.Create&lt;HttpRequestMessage, string&gt;(r =&gt; RateLimitPartition.GetTokenBucketLimiter(r.RequestUri!.Authority, ...))</c>;
    /// the session does not own it.
    /// </remarks>
    public PartitionedRateLimiter<HttpRequestMessage>? PartitionedRateLimiter { get; set; }

    /// <summary>Gets or sets how rate limits apply: wait or fail fast, and how a 429 or 503 with <c>Retry-After</c> holds its host.</summary>
    /// <value>
    /// The default value is <see langword="null"/>: a session with a limiter uses <see cref="RateLimitOptions"/>' defaults
    /// (wait; hold hosts up to 120 s), and one without a limiter holds nothing. Set it without a limiter to hold hosts only.
    /// </value>
    public RateLimitOptions? RateLimit { get; set; }

    /// <summary>Gets or sets the base address relative URLs resolve against (RFC 3986), beyond requests.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    /// <exception cref="ArgumentException">The value is not an absolute URI.</exception>
    public Uri? BaseAddress
    {
        get;
        set => field = value is null || value.IsAbsoluteUri ? value : throw new ArgumentException("The base address must be absolute.", nameof(value));
    }

    /// <summary>Gets or sets the System.Text.Json options for <see cref="RequestOptions.Json"/> bodies and <see cref="Response.Json{T}(JsonSerializerOptions)"/>.</summary>
    /// <value>The default value is a new options object with <see cref="JsonSerializerDefaults.Web"/>.</value>
    /// <exception cref="ArgumentNullException">The value is <see langword="null"/>.</exception>
    public JsonSerializerOptions JsonSerializerOptions
    {
        get => field ??= SessionSettings.CreateDefaultJsonOptions();
        set => field = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>Gets the transport adapters by URL prefix, longest first.</summary>
    /// <value>The default value maps <c>https://</c> and <c>http://</c> to an <see cref="HttpAdapter"/>.</value>
    public AdapterMap Adapters { get; }

    /// <summary>
    /// The hosts held by a Retry-After: the session's own, made on first use, or the one its registered name shares
    /// (a named session is often created per request, and the server's wish concerns them all).
    /// </summary>
    internal RetryAfterHolds RetryAfterHolds
    {
        get
        {
            var holds = Volatile.Read(ref _retryAfterHolds);
            return holds ?? Interlocked.CompareExchange(ref _retryAfterHolds, new RetryAfterHolds(), null) ?? _retryAfterHolds!;
        }
    }

    internal static HeaderMap DefaultHeaders() => new()
    {
        ["User-Agent"] = DefaultUserAgent,
        ["Accept-Encoding"] = "gzip, deflate, br",
        ["Accept"] = "*/*",
        ["Connection"] = "keep-alive",
    };

    /// <summary>Returns the adapter for a URL: the mounted prefix that matches first, ignoring case.</summary>
    /// <param name="url">The URL.</param>
    /// <returns>The adapter.</returns>
    /// <exception cref="InvalidSchemaException">No adapter matches: <c>No connection adapters were found for '…'</c>.</exception>
    /// <remarks>Same rule as requests' <c>get_adapter</c>.</remarks>
    public HttpMessageHandler GetAdapter(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        return AdapterMap.Find(Adapters.Snapshot, url)?.Handler
            ?? throw new InvalidSchemaException($"No connection adapters were found for '{Redaction.RedactUrl(url)}'");
    }

    /// <summary>Mounts an adapter for every URL that starts with <paramref name="prefix"/>; longer prefixes are tried first.</summary>
    /// <param name="prefix">The URL prefix, such as <c>https://api.example.com/</c>.</param>
    /// <param name="adapter">Any handler; an <see cref="HttpAdapter"/>, a test double, or a custom transport. The caller keeps ownership.</param>
    /// <exception cref="ArgumentException"><paramref name="prefix"/> is empty.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="adapter"/> is <see langword="null"/>.</exception>
    /// <remarks>Same rule as requests' <c>mount</c>, except that a prefix differing only in case replaces the existing one.</remarks>
    public void Mount(string prefix, HttpMessageHandler adapter)
    {
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        ArgumentNullException.ThrowIfNull(adapter);
        Adapters.Mount(prefix, adapter);
    }

    /// <summary>Resolves the settings a request to <paramref name="url"/> would use: request over session over environment.</summary>
    /// <param name="url">The URL.</param>
    /// <param name="proxies">The request's proxies, or <see langword="null"/>.</param>
    /// <param name="stream">The request's stream setting, or <see langword="null"/>.</param>
    /// <param name="verify">The request's verify setting, or <see langword="null"/>.</param>
    /// <param name="cert">The request's client certificate, or <see langword="null"/>.</param>
    /// <returns>The resolved settings.</returns>
    /// <exception cref="InvalidUrlException"><paramref name="url"/> is not a valid URL.</exception>
    /// <remarks>
    /// requests' <c>merge_environment_settings</c>, with two deliberate departures: proxies from the environment only fill
    /// keys neither the request nor the session set, and <c>REQUESTS_CA_BUNDLE</c>/<c>CURL_CA_BUNDLE</c> apply only
    /// when verify is left at <see langword="true"/>.
    /// </remarks>
    public EnvironmentSettings MergeEnvironmentSettings(string url, ProxyMap? proxies, bool? stream, Verify? verify, ClientCert? cert)
    {
        ArgumentNullException.ThrowIfNull(url);
        var merged = MergeRules.MergeSetting(proxies, Proxies);
        var effectiveVerify = MergeRules.MergeSetting(verify, Verify)!;
        if (TrustEnv)
        {
            var prepared = UrlRules.PrepareUrl(ResolveRelative(url));
            if (Uri.TryCreate(prepared.Url, UriKind.Absolute, out var uri))
            {
                merged = ProxyRules.ResolveProxies(uri, merged, trustEnv: true);
            }

            effectiveVerify = TlsRules.EffectiveVerify(effectiveVerify, trustEnv: true);
        }

        // A copy: the merged map may be a shared empty instance that requests read.
        return new EnvironmentSettings(ProxyRules.WithoutRemovedKeys(new ProxyMap(merged)), stream ?? Stream, effectiveVerify, cert ?? Cert);
    }

    /// <summary>Closes the session's own connection pool; same as <see cref="Dispose()"/>.</summary>
    public void Close() => Dispose();

    /// <summary>Releases the session's own pipeline and connections; a session from dependency injection leaves the shared pipeline alone.</summary>
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases the session's own pipeline and connections.</summary>
    /// <returns>A completed task.</returns>
    public ValueTask DisposeAsync()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }

    /// <summary>Releases resources.</summary>
    /// <param name="disposing"><see langword="true"/> when called from <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing && Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _ownedPipeline?.Dispose();
        }
    }

    private static string GetVersion()
    {
        var informational = typeof(Session).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        if (informational is null)
        {
            return typeof(Session).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";
        }

        var plus = informational.IndexOf('+', StringComparison.Ordinal);
        return plus < 0 ? informational : informational[..plus];
    }

    private void Apply(SessionSettings settings)
    {
        Adapters.Mount("https://", _defaultAdapter);
        Adapters.Mount("http://", _defaultAdapter);
        Headers = new HeaderMap(settings.Headers);
        Params = new QueryParams(settings.Params);
        Proxies = new ProxyMap(settings.Proxies);
        Hooks = new HookMap(settings.Hooks);
        Auth = settings.Auth;
        Verify = settings.Verify;
        Cert = settings.Cert;
        MaxRedirects = settings.MaxRedirects;
        MaxResponseContentLength = settings.MaxResponseContentLength;
        TrustEnv = settings.TrustEnv;
        Stream = settings.Stream;
        Timeout = settings.Timeout;
        Retry = settings.Retry;
        Cache = settings.Cache;
        BaseAddress = settings.BaseAddress;
        JsonSerializerOptions = settings.JsonSerializerOptions;
        Version = settings.Version;
        VersionPolicy = settings.VersionPolicy;
        Deadline = settings.Deadline;
        RateLimiter = settings.RateLimiter;
        PartitionedRateLimiter = settings.PartitionedRateLimiter;
        RateLimit = settings.RateLimit;
        _timeProvider = settings.TimeProvider ?? TimeProvider.System;
    }

    private HttpMessageInvoker CurrentInvoker()
    {
        var handler = _pipeline();
        var cached = Volatile.Read(ref _invoker);
        if (cached is null || !ReferenceEquals(cached.Handler, handler))
        {
            // A named session's chain changes when IHttpClientFactory rotates handlers; follow it.
            cached = new CachedInvoker(handler, new HttpMessageInvoker(handler, disposeHandler: false));
            Volatile.Write(ref _invoker, cached);
        }

        return cached.Invoker;
    }

    private sealed record CachedInvoker(HttpMessageHandler Handler, HttpMessageInvoker Invoker);

    private sealed class CompositeDisposable(params IDisposable[] items) : IDisposable
    {
        public void Dispose()
        {
            foreach (var item in items)
            {
                item.Dispose();
            }
        }
    }
}
