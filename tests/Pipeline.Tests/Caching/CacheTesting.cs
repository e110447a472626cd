using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Time.Testing;

namespace Pipeline.Tests.Caching;

/// <summary>Caches on a fake clock set to now (so the origin's Date header agrees with it), private or shared.</summary>
public static class CacheTesting
{
    public static FakeTimeProvider Clock() => new(DateTimeOffset.UtcNow);

    public static HttpCache Private(TimeProvider clock, Action<HttpCacheOptions>? configure = null) => new(Options(clock, configure));

    /// <summary>A shared cache over Microsoft.Extensions.Caching.Memory's MemoryDistributedCache (a real IDistributedCache).</summary>
    public static HttpCache Shared(TimeProvider clock, Action<HttpCacheOptions>? configure = null) =>
        new(DistributedMemory(), Options(clock, configure));

    public static IDistributedCache DistributedMemory() =>
        new MemoryDistributedCache(Microsoft.Extensions.Options.Options.Create(new MemoryDistributedCacheOptions()));

    public static HttpCacheOptions Options(TimeProvider clock, Action<HttpCacheOptions>? configure = null)
    {
        var options = new HttpCacheOptions { TimeProvider = clock, Name = "test-" + Guid.NewGuid().ToString("N") };
        configure?.Invoke(options);
        return options;
    }
}
