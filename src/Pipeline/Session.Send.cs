using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Pipeline;

public partial class Session
{
    private static readonly RequestOptions NoOptions = new();

    private Snapshot<HeaderMap, HeaderMap>? _headerSnapshot;
    private Snapshot<QueryParams, string>? _paramsSnapshot;

    /// <summary>Sends a request with the session's settings merged under <paramref name="options"/> (requests' <c>Session.request</c>).</summary>
    /// <param name="method">The HTTP method; upper-cased.</param>
    /// <param name="url">The URL, absolute or relative to <see cref="BaseAddress"/>.</param>
    /// <param name="options">Per-request settings, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">The token to observe; its cancellation surfaces as <see cref="OperationCanceledException"/>.</param>
    /// <returns>The response; its body is read unless the request streams.</returns>
    /// <exception cref="ArgumentException"><paramref name="method"/> is empty or not an HTTP token (a space, CR, LF or NUL in it).</exception>
    /// <exception cref="MissingSchemaException"><paramref name="url"/> has no scheme.</exception>
    /// <exception cref="InvalidSchemaException">No adapter serves the URL's scheme.</exception>
    /// <exception cref="InvalidUrlException"><paramref name="url"/> has no host or an invalid one.</exception>
    /// <exception cref="InvalidHeaderException">A header name or value is invalid.</exception>
    /// <exception cref="ConnectionException">The connection failed.</exception>
    /// <exception cref="ObjectDisposedException">The session was disposed.</exception>
    public Task<Response> RequestAsync(string method, string url, RequestOptions? options = null, CancellationToken cancellationToken = default) =>
        RequestCoreAsync(method, url, options, defaultAllowRedirects: true, cancellationToken);

    /// <summary>Merges a request with the session's settings and shows exactly what its first hop will send.</summary>
    /// <param name="request">The request.</param>
    /// <returns>The prepared request: final URL, merged headers (Authorization of up-front schemes included) and encoded body.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="request"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidUrlException">The URL is invalid.</exception>
    /// <exception cref="InvalidHeaderException">A header is invalid.</exception>
    /// <remarks>Same rule as requests' <c>Session.prepare_request</c>.</remarks>
    public PreparedRequest PrepareRequest(Request request)
    {
        ArgumentNullException.ThrowIfNull(request);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var options = new RequestOptions
        {
            Params = request.Params,
            Headers = request.Headers,
            Data = request.Data,
            JsonBody = request.JsonBody,
            Files = request.Files,
            Auth = request.Auth,
            Cookies = request.Cookies,
            Hooks = request.Hooks,
        };
        var (message, context, url) = CreateMessage(request.Method.ToUpperInvariant(), request.Url, options, defaultAllowRedirects: true);
        using (message)
        {
            HeaderRules.Apply(message, context.Headers!, overwrite: true);
            CookieRules.AddCookieHeader(message, Cookies, context.RequestCookies, TimeProvider.System);

            context.Auth?.Apply(message);
            var prepared = PreparedRequest.FromMessage(message, context.Body, url);
            prepared.Content = context.Body is null ? message.Content : null;
            prepared.Auth = context.Auth;
            prepared.Hooks = context.Hooks;
            prepared.Cookies = context.RequestCookies;
            message.Content = null;
            return prepared;
        }
    }

    /// <summary>Sends a prepared request exactly as it is, without merging the session's headers or params again.</summary>
    /// <param name="request">The prepared request.</param>
    /// <param name="options">Transport settings for this send (timeout, redirects, proxies, stream, verify, cert, HTTP version and policy over the prepared request's); other members are ignored.</param>
    /// <param name="cancellationToken">The token to observe.</param>
    /// <returns>The response.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="request"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidSchemaException">No adapter serves the URL's scheme.</exception>
    /// <remarks>Same rule as requests' <c>Session.send</c>.</remarks>
    public async Task<Response> SendAsync(PreparedRequest request, RequestOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        options ??= NoOptions;
        HeaderRules.ValidateAll(request.Headers);
        var adapters = Adapters.Snapshot;
        var uri = ToUri(request.Url, adapters);
        var message = new HttpRequestMessage(HttpMethod.Parse(request.Method), uri)
        {
            Content = request.Body is not null ? new ByteArrayContent(request.Body) : request.Content,
            Version = options.Version ?? request.Version,
            VersionPolicy = options.VersionPolicy ?? request.VersionPolicy,
        };

        // requests' send does not run prepare_auth again: the prepared headers already carry what the auth added.
        if (request.Auth is not null)
        {
            message.Options.Set(Auth.AppliedAtPreparationKey, true);
        }

        // The HeadersStage writes them, as for any session request, so a redirect starts from them too.
        var context = CreateContext(options, adapters, defaultAllowRedirects: true, new RequestParts
        {
            Headers = request.Headers,
            Auth = request.Auth,
            RequestCookies = request.Cookies,
            Hooks = request.Hooks ?? Hooks,
            Body = request.Body,
        });
        message.Options.Set(RequestContext.Key, context);
        return await SendCoreAsync(message, context, cancellationToken).ConfigureAwait(false);
    }

    private Task<Response> RequestCoreAsync(string method, string url, RequestOptions? options, bool defaultAllowRedirects, CancellationToken cancellationToken)
    {
        HeaderRules.ValidateMethod(method, nameof(method));
        ArgumentNullException.ThrowIfNull(url);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        HttpRequestMessage message;
        RequestContext context;
        try
        {
            (message, context, var prepared) = CreateMessage(method.ToUpperInvariant(), url, options ?? NoOptions, defaultAllowRedirects);
            EnsureSendable(message, prepared, context.Adapters);
        }
        catch (Exception ex)
        {
            // A request that cannot be prepared or sent fails its task, as one that fails on the wire does.
            return Task.FromException<Response>(ex);
        }

        return SendCoreAsync(message, context, cancellationToken);
    }

    /// <summary>
    /// Builds the request and its context; the URL as prepared is returned too, for a URL of a non-HTTP scheme that is
    /// no <see cref="Uri"/> (<c>http+unix://%2Fvar%2Frun/</c>): the message then has none, and sending it fails.
    /// </summary>
    private (HttpRequestMessage Message, RequestContext Context, string Url) CreateMessage(string method, string url, RequestOptions options, bool defaultAllowRedirects)
    {
        // Everything that can be wrong with the request is checked here, before any byte is sent.
        var prepared = UrlRules.PrepareUrl(ResolveRelative(url));
        var adapters = Adapters.Snapshot;

        // requests' prepare_url appends the params here, once (never for a non-HTTP URL such as "mailto:"), so the
        // request gets one Uri; the ParamsStage only serves requests sent without a session. Which adapter serves the
        // URL is decided when it is sent, as requests' get_adapter does in send.
        var query = prepared.IsHttp ? EncodedParams(options.Params) : string.Empty;
        var preparedUrl = query.Length == 0 ? prepared.Url : UrlRules.AppendQuery(prepared.Url, query);
        Uri? uri = null;
        if (!Uri.TryCreate(preparedUrl, UriKind.Absolute, out uri) && IsHttpOrHttps(preparedUrl))
        {
            throw new InvalidUrlException($"Invalid URL '{Redaction.RedactUrl(preparedUrl)}': it cannot be parsed as an absolute URI.");
        }

        var headers = MergedHeaders(options.Headers);
        CookieRules.ValidateRequestCookies(options.Cookies);
        var body = BodyRules.Prepare(method, options.Data, options.JsonBody, options.Files, JsonSerializerOptions);
        var message = new HttpRequestMessage(HttpMethod.Parse(method), uri)
        {
            Content = body.Content,

            // Every later hop copies them from this message (RequestCopy, RedirectRequestBuilder).
            Version = options.Version ?? Version,
            VersionPolicy = options.VersionPolicy ?? VersionPolicy,
        };
        if (body.Chunked)
        {
            // Set here, so PrepareRequest shows it and the wire carries it (with no Content-Length).
            message.Headers.TransferEncodingChunked = true;
        }

        var context = CreateContext(options, adapters, defaultAllowRedirects, new RequestParts
        {
            Headers = headers,
            Auth = ResolveAuth(options.Auth, prepared, uri, headers),
            AuthDisabled = ReferenceEquals(options.Auth, Auth.None),
            RequestCookies = options.Cookies,
            Hooks = MergeRules.MergeHooks(options.Hooks, Hooks),
            Body = body.Bytes,
            BodyStream = options.Data?.Stream,
            BodyStreamStart = StreamStart(options.Data?.Stream),
            BodyStreamsRewind = body.StreamsRewind,
        });
        message.Options.Set(RequestContext.Key, context);
        return (message, context, preparedUrl);
    }

    /// <summary>The request's context: its own parts, and the transport settings of the options over the session's.</summary>
    private RequestContext CreateContext(RequestOptions options, AdapterMap.Entry[] adapters, bool defaultAllowRedirects, in RequestParts parts) => new()
    {
        Headers = parts.Headers,
        Auth = parts.Auth,
        AuthDisabled = parts.AuthDisabled,
        Cookies = Cookies,
        RequestCookies = parts.RequestCookies,
        Hooks = parts.Hooks,
        Proxies = MergeRules.MergeSetting(options.Proxies, Proxies),
        Verify = options.Verify ?? Verify,
        Cert = options.Cert ?? Cert,
        Stream = options.Stream ?? Stream,
        Timeout = options.Timeout ?? Timeout,
        Retry = Retry,
        AllowRedirects = options.AllowRedirects ?? defaultAllowRedirects,
        MaxRedirects = options.MaxRedirects ?? MaxRedirects,
        MaxResponseContentLength = options.MaxResponseContentLength ?? MaxResponseContentLength,
        TrustEnv = TrustEnv,
        Adapters = adapters,
        JsonOptions = JsonSerializerOptions,
        Body = parts.Body,
        BodyStream = parts.BodyStream,
        BodyStreamStart = parts.BodyStreamStart,
        BodyStreamsRewind = parts.BodyStreamsRewind,
        HarRecorders = Volatile.Read(ref _harRecorders),
        Cache = Cache,
        CacheMode = options.CacheMode ?? CacheMode.Default,
        CacheControl = options.CacheControl,
        Progress = options.Progress is { } progress ? new ProgressReporter(progress) : null,
        Deadline = options.Deadline ?? Deadline,
        RateLimiter = RateLimiter,
        PartitionedRateLimiter = PartitionedRateLimiter,
        RateLimit = RateLimit,
        RetryAfterHolds = RateLimiter is null && PartitionedRateLimiter is null && RateLimit is null ? null : RetryAfterHolds,
    };

    /// <summary>
    /// requests' <c>merge_setting</c> for headers, then <c>check_header_validity</c> on what will be sent. Without request
    /// headers that is the session's own map, so it is copied and validated once and reused until the session's headers
    /// change (measured: about 0.5 µs and 300 bytes per request).
    /// </summary>
    private HeaderMap MergedHeaders(HeaderMap? requestHeaders)
    {
        var sessionHeaders = Headers;
        if (requestHeaders is { Count: > 0 })
        {
            var merged = HeaderRules.Merge(requestHeaders, sessionHeaders);
            HeaderRules.ValidateAll(merged);
            return merged;
        }

        return Snapshot<HeaderMap, HeaderMap>.Get(ref _headerSnapshot, sessionHeaders, sessionHeaders.Version, static headers =>
        {
            var copy = HeaderRules.Merge(null, headers);
            HeaderRules.ValidateAll(copy);
            return copy;
        });
    }

    /// <summary>
    /// The merged params as requests' <c>urlencode</c> writes them. Without request params they are the session's, encoded
    /// once and reused until the session's params change.
    /// </summary>
    private string EncodedParams(QueryParams? requestParams)
    {
        var sessionParams = Params;
        if (requestParams is { Count: > 0 })
        {
            // Copies of the session's params: another thread may be changing them (the copy is synchronized).
            return UrlRules.EncodeParams(MergeRules.MergeSetting(requestParams, new QueryParams(sessionParams)));
        }

        return sessionParams.Count == 0
            ? string.Empty
            : Snapshot<QueryParams, string>.Get(ref _paramsSnapshot, sessionParams, sessionParams.Version, static p => UrlRules.EncodeParams(new QueryParams(p)));
    }

    private async Task<Response> SendCoreAsync(HttpRequestMessage message, RequestContext context, CancellationToken cancellationToken)
    {
        var invoker = CurrentInvoker();
        var started = Stopwatch.GetTimestamp();
        context.HopStarted = started;

        // The call's deadline wraps the whole chain: one timer per call, none without a deadline.
        using var deadline = context.Deadline is { } limit ? CallDeadline.Start(limit, _timeProvider, cancellationToken) : null;
        context.CallDeadline = deadline;
        var token = deadline?.Token ?? cancellationToken;

        // The call's activity is current while the hops run, so each hop's System.Net.Http activity is its child.
        using var activity = PipelineTelemetry.StartCall(message);
        Response? response = null;
        try
        {
            HttpResponseMessage httpResponse;
            try
            {
                httpResponse = await invoker.SendAsync(message, token).ConfigureAwait(false);
            }
            catch (RequestException ex)
            {
                ex.Request ??= PreparedRequest.FromMessage(message, context.Body);
                throw;
            }

            // The stages recorded the last hop's Response (history, cookies, hooks); a chain without them still gets one.
            response = context.HopResponse
                ?? await ResponseBuilder.BuildAsync(httpResponse.RequestMessage ?? message, httpResponse, context, token).ConfigureAwait(false);
            if (!context.Stream)
            {
                deadline?.Step = CallStep.ReadingBody;
                await response.BufferAsync(token).ConfigureAwait(false);
            }

            PipelineTelemetry.StopCall(activity, message, context, response, null, started);
            return response;
        }
        catch (Exception ex)
        {
            if (ex is RequestException { Request: null } unprepared && response is not null)
            {
                unprepared.Request = response.Request;
            }

            var replaced = deadline?.Translate(ex, message, context, response, cancellationToken);
            response?.Dispose();
            PipelineTelemetry.StopCall(activity, message, context, null, replaced ?? ex, started);
            if (replaced is not null)
            {
                throw replaced;
            }

            throw;
        }
    }

    /// <summary>
    /// requests' auth precedence: request auth &gt; session auth &gt; netrc &gt; URL credentials; <see cref="Auth.None"/>
    /// turns all of it off, and a hand-set Authorization header wins over netrc (a departure from requests).
    /// </summary>
    private Auth? ResolveAuth(Auth? requestAuth, PreparedUrl url, Uri? uri, HeaderMap headers)
    {
        if (ReferenceEquals(requestAuth, Auth.None))
        {
            return null;
        }

        var auth = requestAuth ?? Auth;
        if (ReferenceEquals(auth, Auth.None))
        {
            return null;
        }

        if (auth is null && uri is not null && TrustEnv && !headers.ContainsKey("Authorization") && NetrcRules.GetNetrcAuth(uri) is { } netrc)
        {
            return netrc;
        }

        if (auth is null && url.User is not null)
        {
            return new BasicAuth(url.User, url.Password ?? string.Empty);
        }

        return auth;
    }

    // requests' prepare_body records body.tell() for rewind_body; a stream whose position cannot be read is unrewindable.
    private static long? StreamStart(Stream? stream)
    {
        if (stream is not { CanSeek: true })
        {
            return null;
        }

        try
        {
            return stream.Position;
        }
        catch (Exception ex) when (ex is IOException or NotSupportedException)
        {
            return null;
        }
    }

    private string ResolveRelative(string url)
    {
        var trimmed = url.TrimStart();
        if (BaseAddress is null || AbsoluteUrl().IsMatch(trimmed))
        {
            return url;
        }

        return Uri.TryCreate(BaseAddress, trimmed, out var combined) ? combined.AbsoluteUri : url;
    }

    /// <summary>
    /// requests' <c>send</c> looks up the adapter before anything else: an unmounted scheme is
    /// <see cref="InvalidSchemaException"/>, and a mounted one still needs a URL .NET can send.
    /// </summary>
    private static void EnsureSendable(HttpRequestMessage message, string url, AdapterMap.Entry[] adapters)
    {
        if (message.RequestUri is not null && AdapterMap.Find(adapters, url) is not null)
        {
            return;
        }

        message.Dispose();
        ToUri(url, adapters);
    }

    private static bool IsHttpOrHttps(string url) =>
        url.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || url.StartsWith("https://", StringComparison.OrdinalIgnoreCase);

    /// <summary>The URL to send as a <see cref="Uri"/>: requests' <c>get_adapter</c> first, so an unmounted scheme is <see cref="InvalidSchemaException"/>.</summary>
    private static Uri ToUri(string url, AdapterMap.Entry[] adapters)
    {
        if (AdapterMap.Find(adapters, url) is null)
        {
            throw new InvalidSchemaException($"No connection adapters were found for '{Redaction.RedactUrl(url)}'");
        }

        return Uri.TryCreate(url, UriKind.Absolute, out var uri)
            ? uri
            : throw new InvalidUrlException($"Invalid URL '{Redaction.RedactUrl(url)}': it cannot be parsed as an absolute URI.");
    }

    [GeneratedRegex(@"^[a-zA-Z][a-zA-Z0-9+.\-]*://")]
    private static partial Regex AbsoluteUrl();

    /// <summary>What a request brings of its own to its context, beside the transport settings.</summary>
    private readonly struct RequestParts
    {
        public HeaderMap? Headers { get; init; }

        public Auth? Auth { get; init; }

        public bool AuthDisabled { get; init; }

        public IDictionary<string, string>? RequestCookies { get; init; }

        public required HookMap Hooks { get; init; }

        public byte[]? Body { get; init; }

        public Stream? BodyStream { get; init; }

        public long? BodyStreamStart { get; init; }

        public bool BodyStreamsRewind { get; init; }
    }

    /// <summary>A value derived from a session setting, valid while the setting is the same object at the same version.</summary>
    private sealed record Snapshot<TSource, TValue>(TSource Source, int Version, TValue Value)
        where TSource : class
    {
        /// <summary>
        /// The cached value when <paramref name="source"/> is unchanged, else a new one, cached. The version is read by
        /// the caller before deriving, so a change made meanwhile makes the next request derive again.
        /// </summary>
        public static TValue Get(ref Snapshot<TSource, TValue>? cache, TSource source, int version, Func<TSource, TValue> derive)
        {
            var cached = Volatile.Read(ref cache);
            if (cached is not null && ReferenceEquals(cached.Source, source) && cached.Version == version)
            {
                return cached.Value;
            }

            var value = derive(source);
            Volatile.Write(ref cache, new Snapshot<TSource, TValue>(source, version, value));
            return value;
        }
    }
}
