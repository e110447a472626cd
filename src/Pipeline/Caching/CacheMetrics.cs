using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Pipeline;

/// <summary>The cache's instruments on the <c>Pipeline</c> meter, tagged with the store's kind and the cache's name.</summary>
internal static class CacheMetrics
{
    public const string StoreTag = "pipeline.cache.store";
    public const string NameTag = "pipeline.cache.name";

    /// <summary>Responses served from storage without contacting the origin (fresh, max-stale, stale-while-revalidate, stale-if-error).</summary>
    public static readonly Counter<long> Hits = PipelineTelemetry.Meter.CreateCounter<long>(
        "pipeline.cache.hits", "{response}", "Responses served from the HTTP cache without contacting the origin.");

    /// <summary>Cacheable requests sent to the origin without a usable stored response.</summary>
    public static readonly Counter<long> Misses = PipelineTelemetry.Meter.CreateCounter<long>(
        "pipeline.cache.misses", "{request}", "Cacheable requests sent to the origin with no usable stored response.");

    /// <summary>Conditional requests sent to revalidate a stored response, in the foreground or the background.</summary>
    public static readonly Counter<long> Revalidations = PipelineTelemetry.Meter.CreateCounter<long>(
        "pipeline.cache.revalidations", "{request}", "Conditional requests sent to revalidate a stored response.");

    /// <summary>Responses written to the store (new ones and those a 304 freshened).</summary>
    public static readonly Counter<long> Stores = PipelineTelemetry.Meter.CreateCounter<long>(
        "pipeline.cache.stores", "{response}", "Responses written to the HTTP cache's store.");

    /// <summary>Entries the in-memory store dropped to stay within its size limit.</summary>
    public static readonly Counter<long> Evictions = PipelineTelemetry.Meter.CreateCounter<long>(
        "pipeline.cache.evictions", "{entry}", "Entries evicted from the in-memory HTTP cache to stay within its size limit.");

    /// <summary>Store operations that failed and were treated as misses.</summary>
    public static readonly Counter<long> StoreErrors = PipelineTelemetry.Meter.CreateCounter<long>(
        "pipeline.cache.store.errors", "{error}", "Failed store operations of the HTTP cache, treated as misses.");

    public static TagList Tags(string store, string? name)
    {
        var tags = new TagList { { StoreTag, store } };
        if (name is not null)
        {
            tags.Add(NameTag, name);
        }

        return tags;
    }
}
