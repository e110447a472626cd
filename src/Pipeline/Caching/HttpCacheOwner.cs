using System.Collections.Concurrent;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.DependencyInjection;

namespace Pipeline;

/// <summary>
/// The caches dependency injection created for named sessions, disposed with the container (which stops their background
/// revalidations); and the rule that gives a cache the container's <see cref="IDistributedCache"/> when one is registered.
/// </summary>
internal sealed class HttpCacheOwner : IDisposable
{
    private readonly ConcurrentBag<HttpCache> _caches = [];

    /// <summary>A cache for a named session: over the container's IDistributedCache when one is registered, else in memory.</summary>
    public static HttpCache Create(IServiceProvider services, HttpCacheOptions options)
    {
        var cache = services.GetService<IDistributedCache>() is { } store ? new HttpCache(store, options) : new HttpCache(options);
        services.GetRequiredService<HttpCacheOwner>()._caches.Add(cache);
        return cache;
    }

    /// <summary>A cache bound from configuration gets the container's store, and its name defaults to the session's.</summary>
    public static void UseServiceStore(SessionSettings settings, IServiceProvider services, string name)
    {
        if (settings.Cache is { FromConfiguration: true } configured)
        {
            var options = configured.Options.Clone();
            options.Name ??= name;
            settings.Cache = Create(services, options);
            configured.Dispose();
        }
    }

    public void Dispose()
    {
        foreach (var cache in _caches)
        {
            cache.Dispose();
        }
    }
}
