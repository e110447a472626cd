using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Pipeline;

/// <summary>
/// Serves, validates and stores one hop's GET and HEAD responses with the request's <see cref="HttpCache"/> (RFC 9111),
/// and invalidates what a successful unsafe request changed (§4.4).
/// </summary>
/// <remarks>
/// Per hop, after the auth stage and the user stages (so Vary and the shared-store Authorization rule see the final
/// headers) and before the RetryStage (a hit is never retried). The cache arrives in the <see cref="RequestContext"/>;
/// the stage keeps nothing of it. A response served from storage is a <see cref="CachedResponseMessage"/>, so the
/// CookieStage does not replay its Set-Cookie. The rules live in <see cref="CacheControlRules"/>, <see cref="FreshnessRules"/>,
/// <see cref="StorageRules"/>, <see cref="CacheKeyRules"/> and <see cref="ValidationRules"/>.
/// </remarks>
internal sealed partial class CacheStage : DelegatingHandler
{
    private readonly HttpCache? _defaults;
    private readonly ILogger _logger;

    /// <param name="defaults">The cache of a request sent without a session (a plain named HttpClient), or null.</param>
    /// <param name="logger">Where each decision is logged at Debug, or null.</param>
    public CacheStage(HttpCache? defaults = null, ILogger<CacheStage>? logger = null)
    {
        _defaults = defaults;
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var context = request.Options.TryGetValue(RequestContext.Key, out var c) ? c : null;
        var cache = context is null ? _defaults : context.Cache;
        if (cache is null || request.RequestUri is not { IsAbsoluteUri: true } uri)
        {
            return base.SendAsync(request, cancellationToken);
        }

        if (StorageRules.IsCacheableMethod(request.Method))
        {
            return SendCacheableAsync(new CacheCall(request, context, cache, uri), cancellationToken);
        }

        return StorageRules.IsUnsafe(request.Method) ? SendUnsafeAsync(request, cache, uri, cancellationToken) : base.SendAsync(request, cancellationToken);
    }

    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken) =>
        throw new NotSupportedException("Pipeline is async-only; use SendAsync.");

    private async Task<HttpResponseMessage> SendCacheableAsync(CacheCall call, CancellationToken cancellationToken)
    {
        var mode = call.Context?.CacheMode ?? CacheMode.Default;
        if (mode == CacheMode.Bypass || ValidationRules.IsCallerConditional(call.Request.Headers))
        {
            Trace(call, "bypassed", mode == CacheMode.Bypass ? "CacheMode.Bypass" : "the request is conditional or partial");
            return await base.SendAsync(call.Request, cancellationToken).ConfigureAwait(false);
        }

        var directives = CacheControlRules.ForRequest(call.Request.Headers, call.Context?.CacheControl);
        directives.OnlyIfCached |= mode == CacheMode.OnlyIfCached;
        var variants = await call.Cache.LoadAsync(call.Key, _logger, cancellationToken).ConfigureAwait(false);
        var entry = CacheKeyRules.Select(variants, call.Request);
        if (entry is null)
        {
            var why = variants is null ? "nothing stored" : "no stored response matches the request's Vary fields";
            if (directives.OnlyIfCached)
            {
                return GatewayTimeout(call, why);
            }

            CacheMetrics.Misses.Add(1, call.Cache.Tags);
            Trace(call, "miss", why);
            return await FetchAsync(call, variants, directives, cancellationToken).ConfigureAwait(false);
        }

        var lifetime = FreshnessRules.FreshnessLifetime(entry, call.Cache.IsShared, call.Cache.Options);
        var age = FreshnessRules.CurrentAge(entry, call.Cache.Time.GetUtcNow());
        var (reuse, reason) = FreshnessRules.Decide(entry, directives, mode, lifetime, age, call.Cache.IsShared);
        if (directives.OnlyIfCached && reuse is not (FreshnessRules.Reuse.Fresh or FreshnessRules.Reuse.Stale))
        {
            return GatewayTimeout(call, "the stored response may not be used without the origin: " + reason);
        }

        switch (reuse)
        {
            case FreshnessRules.Reuse.Fresh:
            case FreshnessRules.Reuse.Stale:
                return Hit(call, entry, age, reason);
            case FreshnessRules.Reuse.StaleWhileRevalidate:
                StartBackgroundRefresh(call, variants!, entry);
                return Hit(call, entry, age, reason);
            default:
                return await ValidateAsync(call, variants!, entry, directives, reason, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Sends the request and stores the answer when RFC 9111 §3 allows, as the caller reads its body to the end.</summary>
    private async Task<HttpResponseMessage> FetchAsync(CacheCall call, List<CacheEntry>? variants, CacheDirectives directives, CancellationToken cancellationToken)
    {
        var requestTime = call.Cache.Time.GetUtcNow();
        var response = await base.SendAsync(call.Request, cancellationToken).ConfigureAwait(false);
        StoreOnRead(call, variants, directives, response, requestTime, call.Cache.Time.GetUtcNow());
        return response;
    }

    private void StoreOnRead(CacheCall call, List<CacheEntry>? variants, CacheDirectives directives, HttpResponseMessage response, DateTimeOffset requestTime, DateTimeOffset responseTime)
    {
        var cache = call.Cache;
        var entry = CacheEntryBuilder.Create(response, call.Request, cache.IsShared, requestTime, responseTime, []);
        var hasAuthorization = call.Request.Headers.NonValidated.Contains("Authorization");
        var why = StorageRules.WhyNotStored(entry, directives, cache.IsShared, hasAuthorization, cache.Options);
        if (why is null && response.Content.Headers.ContentLength > cache.Options.MaxEntrySize)
        {
            why = "larger than MaxEntrySize";
        }

        if (why is not null)
        {
            Trace(call, "not stored", why);
            return;
        }

        // The body as received (still compressed) is stored; a hit decodes it as the transport did.
        var raw = response.Content is DecodingContent decoding ? decoding.Inner : response.Content;
        var tee = new CachingContent(raw, cache.Options.MaxEntrySize, async (body, _) =>
        {
            if (body is null)
            {
                Trace(call, "not stored", "larger than MaxEntrySize");
                return;
            }

            // The body has been read by then: the store's latency is the reader's, never the response head's.
            if (await cache.SaveAsync(call.Key, CacheKeyRules.Replace(variants, CacheEntryBuilder.WithBody(entry, body)), _logger, CancellationToken.None).ConfigureAwait(false))
            {
                Trace(call, "stored", $"status {entry.Status}");
            }
        });
        response.Content = entry.Decoded && DecodingContent.Decodable(tee) is { } encodings ? new DecodingContent(tee, encodings) : tee;
    }

    private CachedResponseMessage Hit(CacheCall call, CacheEntry entry, TimeSpan age, string reason)
    {
        CacheMetrics.Hits.Add(1, call.Cache.Tags);
        Trace(call, "hit", reason);
        return CachedResponseMessage.Create(entry, call.Request, age);
    }

    /// <summary>RFC 9111 §5.2.1.7: only-if-cached with nothing usable is a 504, a response rather than an exception.</summary>
    private HttpResponseMessage GatewayTimeout(CacheCall call, string reason)
    {
        CacheMetrics.Misses.Add(1, call.Cache.Tags);
        Trace(call, "miss", "only-if-cached: " + reason + "; answered 504");
        return new HttpResponseMessage(HttpStatusCode.GatewayTimeout)
        {
            ReasonPhrase = "Gateway Timeout",
            RequestMessage = call.Request,
            Content = new ByteArrayContent([]),
        };
    }

    /// <summary>§4.4: a successful unsafe request invalidates its target and the same-origin Location and Content-Location.</summary>
    private async Task<HttpResponseMessage> SendUnsafeAsync(HttpRequestMessage request, HttpCache cache, Uri uri, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if ((int)response.StatusCode is >= 200 and < 400)
        {
            await cache.InvalidateAsync(uri, _logger, cancellationToken).ConfigureAwait(false);
            if (RelatedUri(response, "Location", uri) is { } location)
            {
                await cache.InvalidateAsync(location, _logger, cancellationToken).ConfigureAwait(false);
            }

            if (RelatedUri(response, "Content-Location", uri) is { } contentLocation)
            {
                await cache.InvalidateAsync(contentLocation, _logger, cancellationToken).ConfigureAwait(false);
            }

            if (_logger.IsEnabled(LogLevel.Debug))
            {
                var url = Describe(uri);
                var reason = $"{request.Method.Method} answered {(int)response.StatusCode}";
                Log.Decision(_logger, request.Method.Method, url, "invalidated", reason);
            }
        }

        return response;
    }

    // Only a URI of the same origin: another origin's entries are not this response's to invalidate (§4.4).
    private static Uri? RelatedUri(HttpResponseMessage response, string name, Uri target)
    {
        var found = response.Headers.NonValidated.TryGetValues(name, out var values) || response.Content.Headers.NonValidated.TryGetValues(name, out values);
        if (!found || !Uri.TryCreate(target, values.ToString(), out var related))
        {
            return null;
        }

        return related.Scheme == target.Scheme && related.IdnHost.Equals(target.IdnHost, StringComparison.OrdinalIgnoreCase) && related.Port == target.Port
            ? related
            : null;
    }

    private void Trace(CacheCall call, string decision, string reason)
    {
        if (_logger.IsEnabled(LogLevel.Debug))
        {
            var url = Describe(call.Uri);
            Log.Decision(_logger, call.Request.Method.Method, url, decision, reason);
        }
    }

    // The URL without its query, credentials never (as the RetryStage logs it).
    private static string Describe(Uri uri) => Redaction.RedactUrl(uri.GetLeftPart(UriPartial.Path));

    private static partial class Log
    {
        [LoggerMessage(EventId = 30, EventName = "CacheDecision", Level = LogLevel.Debug, Message = "HTTP cache: {Method} {Url} {Decision}: {Reason}.")]
        public static partial void Decision(ILogger logger, string method, string url, string decision, string reason);

        [LoggerMessage(EventId = 31, EventName = "CacheBackgroundRefreshFailed", Level = LogLevel.Debug,
            Message = "HTTP cache: the background revalidation of {Method} {Url} failed: {Error}")]
        public static partial void RefreshFailed(ILogger logger, string method, string url, string error);
    }

    /// <summary>What one cacheable hop works with.</summary>
    private sealed class CacheCall(HttpRequestMessage request, RequestContext? context, HttpCache cache, Uri uri)
    {
        public HttpRequestMessage Request { get; } = request;

        public RequestContext? Context { get; } = context;

        public HttpCache Cache { get; } = cache;

        public Uri Uri { get; } = uri;

        public string Key { get; } = CacheKeyRules.PrimaryKey(request.Method, uri);
    }
}
