using Microsoft.Extensions.Caching.Distributed;

namespace Pipeline;

/// <summary>A store over any <see cref="IDistributedCache"/> (Redis, SQL Server…), every key under the configured prefix.</summary>
internal sealed class DistributedCacheStore(IDistributedCache cache, string prefix, TimeProvider time) : ICacheStore
{
    public string Kind => "distributed";

    public async ValueTask<byte[]?> GetAsync(string key, CancellationToken cancellationToken) =>
        await cache.GetAsync(prefix + key, cancellationToken).ConfigureAwait(false);

    public async ValueTask SetAsync(string key, byte[] value, DateTimeOffset expires, CancellationToken cancellationToken)
    {
        // Relative, so the store's own clock decides; at least a second, as an absolute time in the past is refused.
        var lifetime = expires - time.GetUtcNow();
        var options = new DistributedCacheEntryOptions
        {
            AbsoluteExpirationRelativeToNow = lifetime > TimeSpan.FromSeconds(1) ? lifetime : TimeSpan.FromSeconds(1),
        };
        await cache.SetAsync(prefix + key, value, options, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask RemoveAsync(string key, CancellationToken cancellationToken) =>
        await cache.RemoveAsync(prefix + key, cancellationToken).ConfigureAwait(false);
}
