using System.Net;

namespace Pipeline;

internal sealed partial class CacheStage
{
    /// <summary>
    /// §4.3: revalidates a stored response (or fetches again when it has no validator). A 304 freshens it and the caller
    /// gets the stored response; a 5xx or a failed connection gets it stale when stale-if-error allows (RFC 5861 §4).
    /// </summary>
    private async Task<HttpResponseMessage> ValidateAsync(CacheCall call, List<CacheEntry> variants, CacheEntry entry, CacheDirectives directives, string reason, CancellationToken cancellationToken)
    {
        var cache = call.Cache;
        var request = call.Request;
        var conditional = entry.HasValidator;
        var unconditional = HeaderSnapshot.Capture(request.Headers);
        if (conditional)
        {
            ValidationRules.AddConditionals(request.Headers, entry);
            CacheMetrics.Revalidations.Add(1, cache.Tags);
            Trace(call, "revalidating", reason);
        }
        else
        {
            CacheMetrics.Misses.Add(1, cache.Tags);
            Trace(call, "miss", reason + ", and it has no validator");
        }

        var requestTime = cache.Time.GetUtcNow();
        HttpResponseMessage response;
        try
        {
            response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex) when (!cancellationToken.IsCancellationRequested && StaleOnError(call, entry, directives) is { } age)
        {
            return Hit(call, entry, age, "stale-if-error after " + ex.GetType().Name);
        }

        var responseTime = cache.Time.GetUtcNow();
        if ((int)response.StatusCode is 500 or 502 or 503 or 504 && StaleOnError(call, entry, directives) is { } staleAge)
        {
            var status = (int)response.StatusCode;
            response.Dispose();
            return Hit(call, entry, staleAge, $"stale-if-error after status {status}");
        }

        if (conditional && response.StatusCode == HttpStatusCode.NotModified)
        {
            var updates = CacheEntryBuilder.StoredHeaders(response, cache.IsShared);
            if (ValidationRules.Selects(entry, Find(updates, "ETag"), Find(updates, "Last-Modified")))
            {
                response.Dispose();
                var fresh = ValidationRules.Freshen(entry, updates, requestTime, responseTime);
                await cache.SaveAsync(call.Key, CacheKeyRules.Replace(variants, fresh), _logger, cancellationToken).ConfigureAwait(false);
                Trace(call, "revalidated", "304 Not Modified; the stored response is served with the new header fields");
                return CachedResponseMessage.Create(fresh, request, FreshnessRules.CurrentAge(fresh, cache.Time.GetUtcNow()));
            }

            // A 304 that selects no stored response cannot answer the caller's unconditional request: ask again (§4.3.4).
            response.Dispose();
            Trace(call, "miss", "the 304 does not match the stored validators; fetching again");
            var again = RequestCopy.Create(request, call.Context, unconditional);
            var retry = new CacheCall(again, call.Context, cache, call.Uri);
            requestTime = cache.Time.GetUtcNow();
            response = await base.SendAsync(again, cancellationToken).ConfigureAwait(false);
            StoreOnRead(retry, variants, directives, response, requestTime, cache.Time.GetUtcNow());
            return response;
        }

        StoreOnRead(call, variants, directives, response, requestTime, responseTime);
        return response;
    }

    /// <summary>The entry's age now, when stale-if-error lets it answer an error; else null.</summary>
    private static TimeSpan? StaleOnError(CacheCall call, CacheEntry entry, CacheDirectives directives)
    {
        var lifetime = FreshnessRules.FreshnessLifetime(entry, call.Cache.IsShared, call.Cache.Options);
        var age = FreshnessRules.CurrentAge(entry, call.Cache.Time.GetUtcNow());
        return FreshnessRules.MayServeStaleOnError(entry, directives, lifetime, age, call.Cache.IsShared) ? age : null;
    }

    /// <summary>
    /// RFC 5861 §3: the caller already has the stale response; a copy of its request revalidates it in the background,
    /// one at a time per entry. Nothing it does reaches the caller: failures are logged, and disposing the cache stops it.
    /// </summary>
    private void StartBackgroundRefresh(CacheCall call, List<CacheEntry> variants, CacheEntry entry)
    {
        var copy = RequestCopy.Create(call.Request, call.Context, HeaderSnapshot.Capture(call.Request.Headers));
        var refreshKey = call.Key + "\n" + string.Join("\n", entry.VaryValues);
        if (!call.Cache.TryStartRefresh(refreshKey, stopping => RefreshAsync(new CacheCall(copy, call.Context, call.Cache, call.Uri), variants, entry, stopping)))
        {
            copy.Dispose();
        }
    }

    private async Task RefreshAsync(CacheCall call, List<CacheEntry> variants, CacheEntry entry, CancellationToken stopping)
    {
        var cache = call.Cache;
        using var request = call.Request;
        try
        {
            ValidationRules.AddConditionals(request.Headers, entry);
            CacheMetrics.Revalidations.Add(1, cache.Tags);
            var requestTime = cache.Time.GetUtcNow();
            using var response = await base.SendAsync(request, stopping).ConfigureAwait(false);
            var responseTime = cache.Time.GetUtcNow();
            CacheEntry? fresh = null;
            if (response.StatusCode == HttpStatusCode.NotModified)
            {
                var updates = CacheEntryBuilder.StoredHeaders(response, cache.IsShared);
                if (ValidationRules.Selects(entry, Find(updates, "ETag"), Find(updates, "Last-Modified")))
                {
                    fresh = ValidationRules.Freshen(entry, updates, requestTime, responseTime);
                }
            }
            else
            {
                var received = CacheEntryBuilder.Create(response, request, cache.IsShared, requestTime, responseTime, []);
                var hasAuthorization = request.Headers.NonValidated.Contains("Authorization");
                var raw = response.Content is DecodingContent decoding ? decoding.Inner : response.Content;
                if (StorageRules.WhyNotStored(received, CacheDirectives.None, cache.IsShared, hasAuthorization, cache.Options) is null
                    && await CachingContent.ReadBoundedAsync(raw, cache.Options.MaxEntrySize, stopping).ConfigureAwait(false) is { } body)
                {
                    fresh = CacheEntryBuilder.WithBody(received, body);
                }
            }

            if (fresh is not null && await cache.SaveAsync(call.Key, CacheKeyRules.Replace(variants, fresh), _logger, stopping).ConfigureAwait(false))
            {
                Trace(call, "revalidated", $"in the background (status {(int)response.StatusCode})");
            }
            else
            {
                Trace(call, "not stored", $"the background revalidation answered {(int)response.StatusCode}");
            }
        }
        catch (Exception ex)
        {
            // Nothing escapes a background task: the caller has its answer already; a disposed cache or chain ends here too.
            if (_logger.IsEnabled(Microsoft.Extensions.Logging.LogLevel.Debug))
            {
                var url = Describe(call.Uri);
                var error = ex.GetType().Name + ": " + ex.Message;
                Log.RefreshFailed(_logger, request.Method.Method, url, error);
            }
        }
    }

    private static string? Find(List<KeyValuePair<string, string>> headers, string name)
    {
        foreach (var (key, value) in headers)
        {
            if (key.Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        return null;
    }
}
