namespace Pipeline;

/// <summary>Holds the limits and rules of an <see cref="HttpCache"/>; the cache copies them when it is created.</summary>
public sealed class HttpCacheOptions
{
    /// <summary>Gets or sets the largest response, in bytes of the body as received (still compressed), that is stored.</summary>
    /// <value>The default value is 4 MiB.</value>
    public long MaxEntrySize { get; set; } = 4 * 1024 * 1024;

    /// <summary>Gets or sets the most bytes the in-memory store holds; the least recently used entries are evicted beyond it.</summary>
    /// <value>The default value is 64 MiB. A shared store (<see cref="Microsoft.Extensions.Caching.Distributed.IDistributedCache"/>) has its own limits.</value>
    public long MaxTotalSize { get; set; } = 64 * 1024 * 1024;

    /// <summary>Gets or sets the prefix of every key written to a shared store, so that several applications can share one Redis.</summary>
    /// <value>The default value is <c>pipeline:http:</c>.</value>
    public string KeyPrefix { get; set; } = "pipeline:http:";

    /// <summary>Gets or sets whether a response with <c>Last-Modified</c> and no explicit lifetime is fresh for 10 % of its age (RFC 9111 §4.2.2).</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool HeuristicFreshness { get; set; } = true;

    /// <summary>Gets or sets the cap of a heuristic freshness lifetime.</summary>
    /// <value>The default value is one day.</value>
    public TimeSpan MaxHeuristicLifetime { get; set; } = TimeSpan.FromDays(1);

    /// <summary>
    /// Gets or sets how long an entry is kept after it went stale, for revalidation (<c>If-None-Match</c>), <c>max-stale</c>
    /// and <c>stale-if-error</c>; a longer <c>stale-while-revalidate</c> or <c>stale-if-error</c> window of the response wins.
    /// </summary>
    /// <value>The default value is one day.</value>
    public TimeSpan StaleRetention { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Gets or sets how long the store is left alone after it failed (Redis down): requests meanwhile are misses that cost no store call.</summary>
    /// <value>The default value is 10 seconds.</value>
    public TimeSpan StoreFailureBackoff { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets or sets the name reported with the cache's metrics (tag <c>pipeline.cache.name</c>); a named session's cache defaults to the session name.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? Name { get; set; }

    /// <summary>Gets or sets the clock freshness and ages are computed with; tests can pass a fake one.</summary>
    /// <value>The default value is <see cref="TimeProvider.System"/>.</value>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    internal HttpCacheOptions Clone() => (HttpCacheOptions)MemberwiseClone();
}
