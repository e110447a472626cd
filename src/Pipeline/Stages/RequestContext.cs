using System.Text.Json;

namespace Pipeline;

/// <summary>
/// The merged settings of one request and the session state it uses, carried through the stages in
/// <see cref="HttpRequestMessage.Options"/>. Stages read it and keep nothing of it; two values are written along the
/// way, for the request's later hops and the session: the latest hop's Response (with its request and start time) and the
/// environment as it was read.
/// </summary>
internal sealed class RequestContext
{
    public static readonly HttpRequestOptionsKey<RequestContext> Key = new("Pipeline.RequestContext");

    /// <summary>
    /// The Response of the hop that completed last (<see cref="ResponseBuilder"/> builds it; a hook may replace it), for
    /// the stages outside it (hooks, cookies, redirects) and the session. The hops of one request run one after another,
    /// so the latest is the one just answered; kept here rather than in each hop's options, it costs no dictionary write
    /// or look-up per stage.
    /// </summary>
    public Response? HopResponse { get; set; }

    /// <summary>The hop request <see cref="HopResponse"/> answers.</summary>
    public HttpRequestMessage? HopRequest { get; set; }

    /// <summary>When the latest hop was sent (a <see cref="System.Diagnostics.Stopwatch"/> timestamp), for <see cref="Response.Elapsed"/>; 0 when unknown.</summary>
    public long HopStarted { get; set; }

    /// <summary>The redirects this call followed, for its telemetry.</summary>
    public int Redirects { get; set; }

    /// <summary>The attempts the retry stage sent again during this call, for its telemetry.</summary>
    public int Retries { get; set; }

    /// <summary>The environment's proxy variables as this request read them, for its redirect hops (created on first use).</summary>
    public ProxyEnvironment? ProxyEnvironment { get; set; }

    /// <summary>
    /// Gets the headers the HeadersStage writes on the first hop: the merged headers, or a prepared request's own. They
    /// are also what each redirect hop starts from, so headers the stages inside add to one hop are never copied to the next.
    /// </summary>
    public HeaderMap? Headers { get; init; }

    /// <summary>Gets the auth in effect (request &gt; session &gt; URL credentials), or null for none.</summary>
    public Auth? Auth { get; init; }

    /// <summary>Gets a value indicating whether the request asked for no auth at all (<see cref="Pipeline.Auth.None"/>), netrc included.</summary>
    public bool AuthDisabled { get; init; }

    public required CookieJar Cookies { get; init; }

    public IDictionary<string, string>? RequestCookies { get; init; }

    public required HookMap Hooks { get; init; }

    public required ProxyMap Proxies { get; init; }

    public required Verify Verify { get; init; }

    public ClientCert? Cert { get; init; }

    public bool Stream { get; init; }

    public RequestTimeout? Timeout { get; init; }

    /// <summary>Gets the session's retry policy, used where the mounted adapter has none.</summary>
    public RetryPolicy? Retry { get; init; }

    public bool AllowRedirects { get; init; }

    public int MaxRedirects { get; init; }

    /// <summary>Gets the largest body, in bytes after decoding, read into memory (request over session).</summary>
    public long MaxResponseContentLength { get; init; } = SessionSettings.DefaultMaxResponseContentLength;

    public bool TrustEnv { get; init; }

    public required AdapterMap.Entry[] Adapters { get; init; }

    public required JsonSerializerOptions JsonOptions { get; init; }

    /// <summary>Gets the body bytes, when known: shown in <see cref="Response.Request"/> and replayed on 307/308.</summary>
    public byte[]? Body { get; init; }

    /// <summary>Gets the caller's body stream, when the body is one, so a redirect knows whether it can rewind it.</summary>
    public Stream? BodyStream { get; init; }

    /// <summary>Gets where the caller's seekable body stream started (requests' <c>_body_position</c>), or null when it could not be read.</summary>
    public long? BodyStreamStart { get; init; }

    /// <summary>Whether a multipart body of file streams can be sent again as it is (every stream can seek).</summary>
    public bool BodyStreamsRewind { get; init; }

    /// <summary>Gets the session's HAR recordings running when the request started, or null; the AdapterRouter records each hop in them.</summary>
    public HarRecorder[]? HarRecorders { get; init; }

    /// <summary>Gets the session's HTTP cache, or null for none.</summary>
    public HttpCache? Cache { get; init; }

    /// <summary>Gets how this request uses the cache.</summary>
    public CacheMode CacheMode { get; init; }

    /// <summary>Gets the request's own cache directives (applied by the cache, not sent), or null.</summary>
    public System.Net.Http.Headers.CacheControlHeaderValue? CacheControl { get; init; }

    /// <summary>Gets the request's progress reporter (<see cref="RequestOptions.Progress"/>), or null: then no body is wrapped.</summary>
    public ProgressReporter? Progress { get; init; }

    /// <summary>Gets the call's deadline (request over session), or null for none.</summary>
    public TimeSpan? Deadline { get; init; }

    /// <summary>Gets the session's rate limiter, or null.</summary>
    public System.Threading.RateLimiting.RateLimiter? RateLimiter { get; init; }

    /// <summary>Gets the session's partitioned (per host, per key) rate limiter, or null.</summary>
    public System.Threading.RateLimiting.PartitionedRateLimiter<HttpRequestMessage>? PartitionedRateLimiter { get; init; }

    /// <summary>Gets the session's rate-limit options, or null for the defaults.</summary>
    public RateLimitOptions? RateLimit { get; init; }

    /// <summary>Gets the hosts held by a Retry-After (the session's table), or null when the session limits nothing.</summary>
    public RetryAfterHolds? RetryAfterHolds { get; init; }

    /// <summary>Gets or sets the armed deadline of the call and where the call is, or null when the call has no deadline.</summary>
    public CallDeadline? CallDeadline { get; set; }
}
