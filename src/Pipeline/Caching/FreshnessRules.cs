using System.Globalization;

namespace Pipeline;

/// <summary>RFC 9111 §4.2: how long a stored response is fresh, how old it is, and whether a request may reuse it.</summary>
internal static class FreshnessRules
{
    /// <summary>The fraction of the time since Last-Modified a heuristic lifetime takes (§4.2.2's "typical setting").</summary>
    public const double HeuristicFraction = 0.1;

    private static readonly string[] HttpDateFormats =
    [
        "r",                                 // IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT
        "dddd, dd-MMM-yy HH:mm:ss 'GMT'",    // obsolete RFC 850
        "ddd MMM d HH:mm:ss yyyy",           // obsolete asctime
        "ddd MMM  d HH:mm:ss yyyy",
    ];

    /// <summary>Status codes heuristically cacheable (RFC 9110 §15.1), 206 left out: partial content is not stored.</summary>
    public static bool IsHeuristicallyCacheable(int status) =>
        status is 200 or 203 or 204 or 300 or 301 or 308 or 404 or 405 or 410 or 414 or 501;

    /// <summary>Whether the response states its own lifetime: max-age, s-maxage (shared caches) or Expires.</summary>
    public static bool HasExplicitLifetime(CacheEntry entry, bool shared) =>
        entry.Directives.MaxAge is not null || (shared && entry.Directives.SharedMaxAge is not null) || entry.Header("Expires") is not null;

    /// <summary>§4.2.1: s-maxage (shared only), then max-age, then Expires − Date, then the heuristic of §4.2.2.</summary>
    public static TimeSpan FreshnessLifetime(CacheEntry entry, bool shared, HttpCacheOptions options)
    {
        var directives = entry.Directives;
        if (shared && directives.SharedMaxAge is { } sharedMaxAge)
        {
            return sharedMaxAge;
        }

        if (directives.MaxAge is { } maxAge)
        {
            return maxAge;
        }

        var date = DateValue(entry);
        if (entry.Header("Expires") is { } expires)
        {
            // An invalid Expires, such as "0", means already expired.
            return TryParseHttpDate(expires, out var at) && at > date ? at - date : TimeSpan.Zero;
        }

        return HeuristicLifetime(entry, date, options);
    }

    /// <summary>
    /// §4.2.2: with no explicit lifetime, a heuristically cacheable status (or <c>public</c>) and a Last-Modified, 10 % of
    /// the time since it was modified, capped at <see cref="HttpCacheOptions.MaxHeuristicLifetime"/>.
    /// </summary>
    public static TimeSpan HeuristicLifetime(CacheEntry entry, DateTimeOffset date, HttpCacheOptions options)
    {
        if (!options.HeuristicFreshness
            || !(IsHeuristicallyCacheable(entry.Status) || entry.Directives.Public)
            || entry.Header("Last-Modified") is not { } lastModified
            || !TryParseHttpDate(lastModified, out var modified)
            || modified >= date)
        {
            return TimeSpan.Zero;
        }

        var lifetime = (date - modified) * HeuristicFraction;
        return lifetime < options.MaxHeuristicLifetime ? lifetime : options.MaxHeuristicLifetime;
    }

    /// <summary>§4.2.3: the corrected initial age (Age header, the response delay, Date) plus the time the entry has been stored.</summary>
    public static TimeSpan CurrentAge(CacheEntry entry, DateTimeOffset now)
    {
        var apparentAge = Max(TimeSpan.Zero, entry.ResponseTime - DateValue(entry));
        var responseDelay = Max(TimeSpan.Zero, entry.ResponseTime - entry.RequestTime);
        var ageValue = entry.Header("Age") is { } age && long.TryParse(age.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            ? TimeSpan.FromSeconds(Math.Min(seconds, 2147483648L))
            : TimeSpan.Zero;
        var correctedInitialAge = Max(apparentAge, ageValue + responseDelay);
        var residentTime = Max(TimeSpan.Zero, now - entry.ResponseTime);
        return correctedInitialAge + residentTime;
    }

    /// <summary>§4.2.4 and §5.2.2: must-revalidate, and for a shared cache proxy-revalidate and s-maxage, forbid serving the entry stale.</summary>
    public static bool StaleForbidden(CacheEntry entry, bool shared)
    {
        var directives = entry.Directives;
        return directives.MustRevalidate || (shared && (directives.ProxyRevalidate || directives.SharedMaxAge is not null));
    }

    /// <summary>
    /// §4 and RFC 5861: whether the stored response can be served as it is, served stale while a background request
    /// revalidates it, or must be validated first; the reason is logged.
    /// </summary>
    public static (Reuse Reuse, string Reason) Decide(CacheEntry entry, CacheDirectives request, CacheMode mode, TimeSpan lifetime, TimeSpan age, bool shared)
    {
        if (mode == CacheMode.Refresh)
        {
            return (Reuse.Validate, "refresh requested");
        }

        if (request.NoCache)
        {
            return (Reuse.Validate, "no-cache in the request");
        }

        if (entry.Directives.NoCache)
        {
            return (Reuse.Validate, "no-cache in the response");
        }

        if (request.MaxAge is { } maxAge && age > maxAge)
        {
            return (Reuse.Validate, "older than the request's max-age");
        }

        if (lifetime > age)
        {
            return request.MinFresh is { } minFresh && lifetime - age < minFresh
                ? (Reuse.Validate, "fresh for less than the request's min-fresh")
                : (Reuse.Fresh, "fresh");
        }

        if (StaleForbidden(entry, shared))
        {
            return (Reuse.Validate, "stale, and must-revalidate forbids serving it stale");
        }

        var staleness = age - lifetime;
        if (request.MaxStale is { } maxStale && staleness <= maxStale)
        {
            return (Reuse.Stale, "stale within the request's max-stale");
        }

        if (entry.Directives.StaleWhileRevalidate is { } window && staleness <= window)
        {
            return (Reuse.StaleWhileRevalidate, "stale within stale-while-revalidate");
        }

        return (Reuse.Validate, "stale");
    }

    /// <summary>RFC 5861 §4: whether an error may be answered with the stale entry (the response's or the request's stale-if-error).</summary>
    public static bool MayServeStaleOnError(CacheEntry entry, CacheDirectives request, TimeSpan lifetime, TimeSpan age, bool shared)
    {
        if (StaleForbidden(entry, shared))
        {
            return false;
        }

        var staleness = age - lifetime;
        return (entry.Directives.StaleIfError is { } window && staleness <= window)
            || (request.StaleIfError is { } asked && staleness <= asked);
    }

    /// <summary>The Date of the response, or when it was received when it has none (RFC 9110 §6.6.1).</summary>
    public static DateTimeOffset DateValue(CacheEntry entry) =>
        entry.Header("Date") is { } date && TryParseHttpDate(date, out var value) ? value : entry.ResponseTime;

    /// <summary>An HTTP-date in any of the three formats recipients must accept (RFC 9110 §5.6.7).</summary>
    public static bool TryParseHttpDate(string value, out DateTimeOffset date) =>
        DateTimeOffset.TryParseExact(value.Trim(), HttpDateFormats, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out date);

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    /// <summary>What a request may do with a stored response.</summary>
    public enum Reuse
    {
        /// <summary>Serve it: it is fresh enough.</summary>
        Fresh,

        /// <summary>Serve it stale: the request's max-stale allows it.</summary>
        Stale,

        /// <summary>Serve it stale and revalidate in the background (RFC 5861 §3).</summary>
        StaleWhileRevalidate,

        /// <summary>Validate it with the origin first (or fetch again when it has no validator).</summary>
        Validate,
    }
}
