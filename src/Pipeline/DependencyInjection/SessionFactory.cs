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
        return new Session(settings.Get(name), () => handlers.CreateHandler(name), registry.GetAdapter(name), registry.GetRetryAfterHolds(name));
    }
}
