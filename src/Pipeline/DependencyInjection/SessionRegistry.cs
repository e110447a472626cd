using System.Collections.Concurrent;

namespace Pipeline;

/// <summary>The registered session names, each name's shared transport adapter (one connection pool per name) and its hosts held by a Retry-After.</summary>
internal sealed class SessionRegistry(IEnumerable<SessionName> names, Microsoft.Extensions.Logging.ILoggerFactory? loggerFactory = null) : IDisposable
{
    private readonly HashSet<string> _names = new(names.Select(n => n.Name), StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<HttpAdapter>> _adapters = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, RetryAfterHolds> _holds = new(StringComparer.Ordinal);

    public bool Contains(string name) => _names.Contains(name);

    /// <summary>The hosts held by a Retry-After for every session of <paramref name="name"/>.</summary>
    public RetryAfterHolds GetRetryAfterHolds(string name) => _holds.GetOrAdd(name, static _ => new RetryAfterHolds());

    public HttpAdapter GetAdapter(string name) =>
        _adapters.GetOrAdd(name, _ => new Lazy<HttpAdapter>(
            () => new HttpAdapter(loggerFactory is null ? null : Microsoft.Extensions.Logging.LoggerFactoryExtensions.CreateLogger<HttpAdapter>(loggerFactory)),
            LazyThreadSafetyMode.ExecutionAndPublication)).Value;

    public void Dispose()
    {
        foreach (var adapter in _adapters.Values)
        {
            if (adapter.IsValueCreated)
            {
                adapter.Value.Dispose();
            }
        }
    }
}
