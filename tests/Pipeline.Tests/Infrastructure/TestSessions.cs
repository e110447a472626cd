using Microsoft.Extensions.DependencyInjection;

namespace Pipeline.Tests.Infrastructure;

/// <summary>Creates the same session two ways: <c>new Session()</c> and <c>services.AddSession(...)</c>.</summary>
public static class TestSessions
{
    public const string Standalone = "new Session()";
    public const string DependencyInjection = "AddSession";

    public static TheoryData<string> Kinds => [Standalone, DependencyInjection];

    public static SessionHandle Create(string kind, Action<SessionSettings>? configure = null)
    {
        if (kind == Standalone)
        {
            var settings = new SessionSettings();
            configure?.Invoke(settings);
            var session = new Session(settings);
            return new SessionHandle(session, null);
        }

        var services = new ServiceCollection();
        services.AddSession("test", configure);
        var provider = services.BuildServiceProvider(validateScopes: true);
        var scope = provider.CreateAsyncScope();
        var injected = scope.ServiceProvider.GetRequiredKeyedService<Session>("test");
        return new SessionHandle(injected, new ProviderOwner(scope, provider));
    }

    private sealed class ProviderOwner(AsyncServiceScope scope, ServiceProvider provider) : IDisposable
    {
        public void Dispose()
        {
            scope.Dispose();
            provider.Dispose();
        }
    }
}

public sealed class SessionHandle(Session session, IDisposable? owner) : IDisposable
{
    public Session Session { get; } = session;

    public void Dispose()
    {
        Session.Dispose();
        owner?.Dispose();
    }
}
