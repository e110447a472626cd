using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Pipeline;

internal sealed class SessionFactory(
    IHttpMessageHandlerFactory handlers,
    IOptionsMonitor<SessionSettings> settings,
    SessionRegistry registry) : ISessionFactory
{
    public Session Create(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!registry.Contains(name))
        {
            throw new InvalidOperationException(
                $"No session named '{name}' is registered. Call services.AddSession(\"{name}\", ...) first.");
        }

        // CreateHandler per request follows IHttpClientFactory's handler rotation; the adapter (connection pools) is
        // the name's own singleton, so rotation never disposes a pool under a live session.
        return new Session(settings.Get(name), () => handlers.CreateHandler(name), registry.GetAdapter(name));
    }
}

/// <summary>The registered session names and each name's shared transport adapter (one connection pool per name).</summary>
internal sealed class SessionRegistry(IEnumerable<SessionName> names, Microsoft.Extensions.Logging.ILoggerFactory? loggerFactory = null) : IDisposable
{
    private readonly HashSet<string> _names = new(names.Select(n => n.Name), StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<HttpAdapter>> _adapters = new(StringComparer.Ordinal);

    public bool Contains(string name) => _names.Contains(name);

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

/// <summary>Marks a registered session name.</summary>
internal sealed record SessionName(string Name);
