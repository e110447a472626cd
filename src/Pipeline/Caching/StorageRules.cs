namespace Pipeline;

/// <summary>RFC 9111 §3 (and §3.5 for Authorization): whether a response may be stored, and why not.</summary>
internal static class StorageRules
{
    /// <summary>Header fields never stored (§3.1): hop-by-hop fields, which describe one connection.</summary>
    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Proxy-Connection", "TE", "Transfer-Encoding", "Upgrade", "Trailer",
    };

    /// <summary>Header fields a 304 never replaces in the stored response (§3.2): what describes the stored body itself.</summary>
    private static readonly HashSet<string> KeptOnUpdate = new(StringComparer.OrdinalIgnoreCase)
    {
        "Content-Length", "Content-Encoding", "Content-Range",
    };

    public static bool IsCacheableMethod(HttpMethod method) => method == HttpMethod.Get || method == HttpMethod.Head;

    /// <summary>RFC 9110 §9.2.1: the safe methods; any other invalidates what the cache holds for its target (§4.4).</summary>
    public static bool IsUnsafe(HttpMethod method) =>
        method != HttpMethod.Get && method != HttpMethod.Head && method != HttpMethod.Options && method != HttpMethod.Trace;

    /// <summary>Returns null when the response may be stored, else the reason it may not (logged at Debug).</summary>
    /// <param name="entry">The response as it would be stored.</param>
    /// <param name="request">The request's cache directives.</param>
    /// <param name="shared">Whether the store is shared (§3.5's rules and private).</param>
    /// <param name="hasAuthorization">Whether the request carried Authorization.</param>
    /// <param name="options">The heuristic freshness settings.</param>
    public static string? WhyNotStored(CacheEntry entry, CacheDirectives request, bool shared, bool hasAuthorization, HttpCacheOptions options)
    {
        var response = entry.Directives;
        var status = entry.Status;
        if (status < 200)
        {
            return "not a final status";
        }

        if (status == 206)
        {
            return "206 Partial Content is not stored";
        }

        if (status == 304)
        {
            return "a 304 is not stored";
        }

        // §5.2.2.3: must-understand with a status the cache understands overrides no-store; with another, nothing is stored.
        if (response.MustUnderstand && !IsUnderstood(status))
        {
            return "must-understand with a status this cache does not implement";
        }

        if (request.NoStore)
        {
            return "no-store in the request";
        }

        if (response.NoStore && !response.MustUnderstand)
        {
            return "no-store";
        }

        if (shared && response.Private)
        {
            return "private (a shared cache)";
        }

        if (shared && hasAuthorization && !(response.Public || response.MustRevalidate || response.SharedMaxAge is not null))
        {
            return "Authorization in the request without public, must-revalidate or s-maxage (a shared cache)";
        }

        if (CacheKeyRules.VariesOnEverything(entry))
        {
            return "Vary: *";
        }

        if (!(response.Public || (!shared && response.Private) || FreshnessRules.HasExplicitLifetime(entry, shared)
            || FreshnessRules.IsHeuristicallyCacheable(status)))
        {
            return $"no explicit lifetime and status {status} is not heuristically cacheable";
        }

        // Storable, but of no use: it could never be served, nor revalidated.
        if (FreshnessRules.FreshnessLifetime(entry, shared, options) <= TimeSpan.Zero && !entry.HasValidator
            && entry.Directives.StaleIfError is null && entry.Directives.StaleWhileRevalidate is null)
        {
            return "no freshness lifetime and no validator";
        }

        return null;
    }

    /// <summary>Whether a header field is stored: hop-by-hop fields and those the Connection field lists are not (§3.1).</summary>
    public static bool IsStoredHeader(string name, ICollection<string>? connectionListed) =>
        !HopByHop.Contains(name) && (connectionListed is null || !connectionListed.Contains(name));

    /// <summary>Whether a 304's header field replaces the stored one (§3.2, §4.3.4).</summary>
    public static bool IsUpdatedBy304(string name) => !KeptOnUpdate.Contains(name) && !HopByHop.Contains(name);

    /// <summary>The final statuses whose caching semantics this cache implements, for must-understand (§5.2.2.3).</summary>
    private static bool IsUnderstood(int status) =>
        status is 200 or 203 or 204 or 300 or 301 or 302 or 303 or 307 or 308 or 404 or 405 or 410 or 414 or 501;
}
