namespace Pipeline;

/// <summary>
/// Where an <see cref="HttpCache"/> keeps its serialized entries: the bounded in-memory store of a private cache, or an
/// <see cref="Microsoft.Extensions.Caching.Distributed.IDistributedCache"/> shared by every instance. A failing store
/// throws; <see cref="HttpCache"/> turns the failure into a miss.
/// </summary>
internal interface ICacheStore
{
    /// <summary>Gets the store's kind for metrics: <c>memory</c> or <c>distributed</c>.</summary>
    string Kind { get; }

    ValueTask<byte[]?> GetAsync(string key, CancellationToken cancellationToken);

    /// <summary>Stores <paramref name="value"/> under <paramref name="key"/> until <paramref name="expires"/>.</summary>
    ValueTask SetAsync(string key, byte[] value, DateTimeOffset expires, CancellationToken cancellationToken);

    ValueTask RemoveAsync(string key, CancellationToken cancellationToken);
}
