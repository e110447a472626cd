using Pipeline.Testing;

namespace Pipeline.Tests.Infrastructure;

/// <summary>One Kestrel httpbin-like app on 127.0.0.1 shared by a test collection.</summary>
public sealed class LoopbackServerFixture : IAsyncLifetime
{
    private LoopbackServer? _app;

    public LoopbackServer App => _app ?? throw new InvalidOperationException("The loopback server is not started.");

    public string Url(string pathAndQuery) => App.Url(pathAndQuery);

    public async Task InitializeAsync() => _app = await LoopbackServer.StartAsync();

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class LoopbackCollection : ICollectionFixture<LoopbackServerFixture>, ICollectionFixture<HttpbinFixture>
{
    public const string Name = "loopback";
}
