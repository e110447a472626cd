using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization.Metadata;

namespace Pipeline;

/// <summary>
/// Holds the per-request settings, one for each keyword argument of requests' <c>Session.request</c>.
/// A setting left <see langword="null"/> takes the session's value.
/// </summary>
/// <remarks>
/// Maps merge with the session's as requests' <c>merge_setting</c>: the request's entries win, and a
/// <see langword="null"/> value removes the session's entry for this request.
/// </remarks>
public sealed class RequestOptions
{
    /// <summary>Gets or sets query parameters merged over the session's.</summary>
    public QueryParams? Params { get; set; }

    /// <summary>Gets or sets headers merged over the session's (case-insensitive; null removes).</summary>
    public HeaderMap? Headers { get; set; }

    /// <summary>Gets or sets cookies sent with this request only; they win over same-name session cookies and are never stored.</summary>
    public IDictionary<string, string>? Cookies { get; set; }

    /// <summary>Gets or sets the body: form fields, text, bytes, a stream or an <see cref="HttpContent"/>.</summary>
    public RequestData? Data { get; set; }

    /// <summary>Gets or sets a value serialized with System.Text.Json as the body; ignored when <see cref="Data"/> is not empty, as requests.</summary>
    /// <remarks>
    /// Setting it serializes the value's runtime type by reflection with <see cref="Session.JsonSerializerOptions"/>. In
    /// trimmed and Native AOT apps use <see cref="SetJson{T}(T, JsonTypeInfo{T})"/> with a source-generated type info.
    /// </remarks>
    public object? Json
    {
        get => JsonBody?.Value;
        [RequiresUnreferencedCode(Pipeline.JsonBody.ReflectionMessage)]
        [RequiresDynamicCode(Pipeline.JsonBody.ReflectionMessage)]
        set => JsonBody = Pipeline.JsonBody.FromObject(value);
    }

    /// <summary>Gets or sets files sent as multipart/form-data.</summary>
    public FileMap? Files { get; set; }

    /// <summary>Gets or sets the auth for this request; <see cref="Pipeline.Auth.None"/> turns the session's auth off.</summary>
    public Auth? Auth { get; set; }

    /// <summary>Gets or sets the timeout for this request.</summary>
    public RequestTimeout? Timeout { get; set; }

    /// <summary>Gets or sets whether redirects are followed; <see langword="null"/> follows them except for HEAD, as requests.</summary>
    public bool? AllowRedirects { get; set; }

    /// <summary>Gets or sets the most redirects this request follows, overriding <see cref="Session.MaxRedirects"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public int? MaxRedirects
    {
        get;
        set => field = value is null or >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "MaxRedirects cannot be negative.");
    }

    /// <summary>Gets or sets the largest body, in bytes after decoding, this request reads into memory, overriding <see cref="Session.MaxResponseContentLength"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public long? MaxResponseContentLength
    {
        get;
        set => field = value is null or >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "MaxResponseContentLength cannot be negative.");
    }

    /// <summary>Gets or sets proxies merged over the session's.</summary>
    public ProxyMap? Proxies { get; set; }

    /// <summary>Gets or sets hooks that replace the session's for this request (requests' <c>merge_hooks</c>).</summary>
    public HookMap? Hooks { get; set; }

    /// <summary>Gets or sets whether the body is streamed instead of buffered.</summary>
    public bool? Stream { get; set; }

    /// <summary>Gets or sets TLS verification for this request.</summary>
    public Verify? Verify { get; set; }

    /// <summary>Gets or sets the client certificate for this request.</summary>
    public ClientCert? Cert { get; set; }

    /// <summary>Gets or sets the JSON body and how it is serialized.</summary>
    internal JsonBody? JsonBody { get; set; }

    /// <summary>Sets the JSON body, serialized by a source-generated <paramref name="typeInfo"/> (trimming and Native AOT safe).</summary>
    /// <typeparam name="T">The type of the value.</typeparam>
    /// <param name="value">The value; <see langword="null"/> sends no JSON body, as requests' <c>json=None</c>.</param>
    /// <param name="typeInfo">The type info, such as <c>AppJsonContext.Default.Item</c>; its options apply, not the session's.</param>
    /// <returns>These options, so the call can end an initializer: <c>new RequestOptions { ... }.SetJson(item, AppJsonContext.Default.Item)</c>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="typeInfo"/> is <see langword="null"/>.</exception>
    /// <remarks>The same shape as System.Net.Http.Json's <c>PostAsJsonAsync(uri, value, JsonTypeInfo&lt;T&gt;)</c>; <see cref="Json"/> then returns <paramref name="value"/>.</remarks>
    public RequestOptions SetJson<T>(T value, JsonTypeInfo<T> typeInfo)
    {
        JsonBody = Pipeline.JsonBody.Create(value, typeInfo);
        return this;
    }

    /// <summary>Gets or sets how this request uses the session's <see cref="Session.Cache"/>: bypass it, refresh it, or only read it.</summary>
    /// <value>The default value is <see langword="null"/>: <see cref="Pipeline.CacheMode.Default"/>.</value>
    public CacheMode? CacheMode { get; set; }

    /// <summary>
    /// Gets or sets cache directives for this request (<c>max-age</c>, <c>max-stale</c>, <c>min-fresh</c>, <c>no-cache</c>,
    /// <c>no-store</c>, <c>only-if-cached</c>, <c>stale-if-error</c>), applied by the session's cache and not sent; they win
    /// over a <c>Cache-Control</c> header of the request, which is both sent and applied.
    /// </summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public System.Net.Http.Headers.CacheControlHeaderValue? CacheControl { get; set; }

    /// <summary>Gets or sets the HTTP version this request asks for (1.0, 1.1, 2.0 or 3.0), overriding <see cref="Session.Version"/>.</summary>
    /// <value>The default value is <see langword="null"/>: the session's.</value>
    /// <exception cref="ArgumentOutOfRangeException">The value is not 1.0, 1.1, 2.0 or 3.0.</exception>
    public Version? Version
    {
        get;
        set => field = value is null ? null : HttpVersionRules.Validate(value, nameof(value));
    }

    /// <summary>Gets or sets how <see cref="Version"/> is applied to this request, overriding <see cref="Session.VersionPolicy"/>.</summary>
    /// <value>The default value is <see langword="null"/>: the session's.</value>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a defined <see cref="HttpVersionPolicy"/>.</exception>
    public HttpVersionPolicy? VersionPolicy
    {
        get;
        set => field = value is { } policy ? HttpVersionRules.Validate(policy, nameof(value)) : null;
    }

    /// <summary>Gets or sets where this request reports how far its body is sent and its response's body received.</summary>
    /// <value>The default value is <see langword="null"/>: nothing is counted or reported, and nothing is allocated for it.</value>
    /// <remarks>
    /// <para>
    /// The upload is counted as the request body is written to the connection (each send of it: a 307/308 redirect, a
    /// retry or an auth re-send starts again from 0); the download as the final response's body is read, buffered or
    /// streamed (<see cref="Response.IterContentAsync"/>, <see cref="Response.ReadContentAsync"/>,
    /// <see cref="Response.GetRawStreamAsync"/>), before decoding. Redirect responses that are followed are not reported.
    /// Reports are throttled and ordered as <see cref="TransferProgress"/> describes.
    /// </para>
    /// <para>
    /// <see cref="IProgress{T}.Report"/> is called on the thread that moved the bytes, one call at a time: keep it short.
    /// <see cref="Progress{T}"/> posts each report to the captured synchronization context (a UI thread), or without one to
    /// the thread pool, where reports may run at once and out of order; implement <see cref="IProgress{T}"/> to handle
    /// them in order.
    /// </para>
    /// </remarks>
    public IProgress<TransferProgress>? Progress { get; set; }

    /// <summary>
    /// Gets or sets the deadline of this call, overriding <see cref="Session.Deadline"/>: one bound from the start of the call to
    /// its final response (its body read unless streamed), across redirects, retries, auth re-sends and Retry-After waits.
    /// </summary>
    /// <value>The default value is <see langword="null"/>: the session's deadline.</value>
    /// <exception cref="ArgumentOutOfRangeException">The value is not positive, or longer than about 49 days.</exception>
    /// <remarks>When it passes the call fails with <see cref="DeadlineExceededException"/>. See docs/deadlines-and-rate-limits.md.</remarks>
    public TimeSpan? Deadline
    {
        get;
        set => field = CallDeadline.Validate(value, nameof(value));
    }
}
