using System.ComponentModel.DataAnnotations;
using System.Text.Json;

namespace Pipeline;

/// <summary>
/// Holds the defaults of a named session registered with <c>services.AddSession(name, ...)</c>; each session created
/// for that name starts from a copy of them.
/// </summary>
/// <remarks>Not called <c>SessionOptions</c>, so it never clashes with ASP.NET Core's session-state options.</remarks>
public sealed class SessionSettings
{
    // HttpClient's default MaxResponseContentBufferSize.
    internal const long DefaultMaxResponseContentLength = int.MaxValue;

    /// <summary>Gets or sets the base address relative URLs resolve against.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public Uri? BaseAddress { get; set; }

    /// <summary>Gets the default headers.</summary>
    /// <value>The default value is requests' defaults with Pipeline's User-Agent: <c>User-Agent</c>, <c>Accept-Encoding: gzip, deflate, br</c>, <c>Accept: */*</c>, <c>Connection: keep-alive</c>.</value>
    public HeaderMap Headers { get; } = Session.DefaultHeaders();

    /// <summary>Gets or sets the default query parameters.</summary>
    /// <exception cref="ArgumentNullException">The value is <see langword="null"/>.</exception>
    public QueryParams Params
    {
        get;
        set => field = value ?? throw new ArgumentNullException(nameof(value));
    } = new();

    /// <summary>Gets or sets the default auth.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public Auth? Auth { get; set; }

    /// <summary>Gets or sets the default proxies, keyed as requests: <c>"http"</c>, <c>"https"</c>, <c>"all"</c>, <c>"http://host"</c>.</summary>
    /// <exception cref="ArgumentNullException">The value is <see langword="null"/>.</exception>
    public ProxyMap Proxies
    {
        get;
        set => field = value ?? throw new ArgumentNullException(nameof(value));
    } = new();

    /// <summary>Gets the default hooks.</summary>
    public HookMap Hooks { get; } = new();

    /// <summary>Gets or sets TLS verification.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    [Required]
    public Verify Verify { get; set; } = Verify.Enabled;

    /// <summary>Gets or sets the client certificate.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public ClientCert? Cert { get; set; }

    /// <summary>Gets or sets the most redirects one request follows.</summary>
    /// <value>The default value is 30.</value>
    [Range(0, int.MaxValue)]
    public int MaxRedirects { get; set; } = 30;

    /// <summary>Gets or sets the largest body, in bytes after decoding, that is read into memory; a streamed body is not limited.</summary>
    /// <value>The default value is 2147483647 (2 GiB less one byte), HttpClient's <c>MaxResponseContentBufferSize</c>.</value>
    [Range(0, long.MaxValue)]
    public long MaxResponseContentLength { get; set; } = DefaultMaxResponseContentLength;

    /// <summary>Gets or sets whether the environment (proxy and CA bundle variables, .netrc) is consulted.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool TrustEnv { get; set; } = true;

    /// <summary>Gets or sets whether bodies are streamed instead of buffered.</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool Stream { get; set; }

    /// <summary>Gets or sets the default timeout.</summary>
    /// <value>The default value is <see langword="null"/> (no limit, as requests).</value>
    public RequestTimeout? Timeout { get; set; }

    /// <summary>Gets or sets the retries of the session's requests (requests' <c>HTTPAdapter(max_retries=...)</c>).</summary>
    /// <value>The default value is <see langword="null"/>: no retries.</value>
    public RetryPolicy? Retry { get; set; }

    /// <summary>Gets or sets the HTTP cache of the session's GET and HEAD requests (see <see cref="Session.Cache"/>); every session of a name shares it.</summary>
    /// <value>The default value is <see langword="null"/>: no cache.</value>
    public HttpCache? Cache { get; set; }

    /// <summary>Gets or sets the HTTP version requests ask for: 1.0, 1.1, 2.0 or 3.0 (see <see cref="Session.Version"/>).</summary>
    /// <value>The default value is 1.1, as HttpClient.</value>
    /// <exception cref="ArgumentNullException">The value is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The value is not 1.0, 1.1, 2.0 or 3.0.</exception>
    public Version Version
    {
        get;
        set => field = HttpVersionRules.Validate(value, nameof(value));
    } = System.Net.HttpVersion.Version11;

    /// <summary>Gets or sets how <see cref="Version"/> is applied (see <see cref="Session.VersionPolicy"/>).</summary>
    /// <value>The default value is <see cref="HttpVersionPolicy.RequestVersionOrLower"/>, as HttpClient.</value>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a defined <see cref="HttpVersionPolicy"/>.</exception>
    public HttpVersionPolicy VersionPolicy
    {
        get;
        set => field = HttpVersionRules.Validate(value, nameof(value));
    } = HttpVersionPolicy.RequestVersionOrLower;

    /// <summary>Gets or sets the deadline of each call, from its start to its final response (see <see cref="Session.Deadline"/>).</summary>
    /// <value>The default value is <see langword="null"/>: no deadline.</value>
    public TimeSpan? Deadline { get; set; }

    /// <summary>Gets or sets the rate limiter every attempt takes a permit from (see <see cref="Session.RateLimiter"/>); every session of the name shares it.</summary>
    /// <value>The default value is <see langword="null"/>: no limit.</value>
    public System.Threading.RateLimiting.RateLimiter? RateLimiter { get; set; }

    /// <summary>Gets or sets a rate limiter partitioned by request, per host typically (see <see cref="Session.PartitionedRateLimiter"/>).</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public System.Threading.RateLimiting.PartitionedRateLimiter<HttpRequestMessage>? PartitionedRateLimiter { get; set; }

    /// <summary>Gets or sets how rate limits apply: wait or fail fast, and Retry-After holds (see <see cref="Session.RateLimit"/>).</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public RateLimitOptions? RateLimit { get; set; }

    /// <summary>Gets or sets the clock for retry waits, deadlines, rate-limit holds and cookie expiry; tests can pass a fake one.</summary>
    /// <value>The default value is <see cref="TimeProvider.System"/>.</value>
    [Required]
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Gets or sets the System.Text.Json options for JSON bodies and responses.</summary>
    /// <value>The default value is a new options object with <see cref="JsonSerializerDefaults.Web"/>.</value>
    [Required]
    public JsonSerializerOptions JsonSerializerOptions
    {
        get => field ??= CreateDefaultJsonOptions();
        set;
    }

    // A plain options object, no resolver chosen: nothing reflective is built until a caller serializes through it
    // (RequestOptions.Json, Response.Json<T>(options)), so a trimmed or Native AOT app that passes JsonTypeInfo never
    // touches reflection. (JsonSerializerOptions.Web and MakeReadOnly(true) both require it.)
    internal static JsonSerializerOptions CreateDefaultJsonOptions() => new(JsonSerializerDefaults.Web);
}
