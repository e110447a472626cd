using Pipeline.Tests.Infrastructure;

namespace Pipeline.Tests.Stages;

public sealed class AdapterRouterTests
{
    [Fact]
    public async Task SendAsync_NoContext_RoutesHttpToDefaultAdapter()
    {
        var adapter = new StubHandler();
        using var invoker = new HttpMessageInvoker(new AdapterRouter(adapter));

        using var response = await invoker.SendAsync(new HttpRequestMessage(HttpMethod.Get, "http://h/"), CancellationToken.None);

        Assert.Single(adapter.Requests);
    }

    [Fact]
    public async Task SendAsync_NoMatchingPrefix_ThrowsInvalidSchemaWithRequestsWording()
    {
        using var invoker = new HttpMessageInvoker(new AdapterRouter(new StubHandler()));

        var error = await Assert.ThrowsAsync<InvalidSchemaException>(
            () => invoker.SendAsync(new HttpRequestMessage(HttpMethod.Get, "ftp://h/file"), CancellationToken.None));

        Assert.Equal("No connection adapters were found for 'ftp://h/file'", error.Message);
    }

    [Fact]
    public async Task SendAsync_Context_UsesTheSessionsMountedAdapters()
    {
        var fallback = new StubHandler();
        var mounted = new StubHandler();
        using var invoker = new HttpMessageInvoker(new AdapterRouter(fallback));
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://h/");
        request.Options.Set(RequestContext.Key, Contexts.With(adapter: mounted));

        using var response = await invoker.SendAsync(request, CancellationToken.None);

        Assert.Single(mounted.Requests);
        Assert.Empty(fallback.Requests);
    }
}
