using System.Collections.Concurrent;

namespace Pipeline;

/// <summary>
/// The rate limiters <c>AddRateLimiter(factory)</c> made: one per session name, however often its settings are built
/// again (a configuration reload), disposed with the container.
/// </summary>
internal sealed class RateLimiterOwner : IDisposable, IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<IAsyncDisposable>> _limiters = new(StringComparer.Ordinal);

    public T GetOrCreate<T>(string name, Func<T> create)
        where T : class, IDisposable, IAsyncDisposable =>
        (T)_limiters.GetOrAdd(typeof(T).Name + ":" + name, _ => new Lazy<IAsyncDisposable>(create, LazyThreadSafetyMode.ExecutionAndPublication)).Value;

    public void Dispose()
    {
        foreach (var limiter in _limiters.Values)
        {
            if (limiter.IsValueCreated)
            {
                ((IDisposable)limiter.Value).Dispose();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var limiter in _limiters.Values)
        {
            if (limiter.IsValueCreated)
            {
                await limiter.Value.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
