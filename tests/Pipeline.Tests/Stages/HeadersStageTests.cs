using Pipeline.Tests.Infrastructure;

namespace Pipeline.Tests.Stages;

public sealed class HeadersStageTests
{
    [Fact]
    public async Task SendAsync_MergedHeaders_WrittenInOrderWithContentHeadersOnContent()
    {
        var stub = new StubHandler();
        using var invoker = new HttpMessageInvoker(new HeadersStage { InnerHandler = stub });
        using var request = new HttpRequestMessage(HttpMethod.Post, "http://h/") { Content = new ByteArrayContent([1]) };
        var merged = new HeaderMap { ["X-B"] = "2", ["X-A"] = "1", ["Content-Type"] = "application/x-custom" };
        request.Options.Set(RequestContext.Key, Contexts.With(headers: merged));

        using var response = await invoker.SendAsync(request, CancellationToken.None);

        var sent = Assert.Single(stub.Requests);
        Assert.Equal(["X-B", "X-A"], sent.Headers.Select(h => h.Key));
        Assert.Equal("application/x-custom", sent.Content!.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task SendAsync_NoContext_DefaultsDoNotOverwriteTheRequestsOwnHeaders()
    {
        var stub = new StubHandler();
        using var invoker = new HttpMessageInvoker(new HeadersStage(new HeaderMap { ["X-A"] = "default", ["X-B"] = "default" }) { InnerHandler = stub });
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://h/");
        request.Headers.Add("X-A", "own");

        using var response = await invoker.SendAsync(request, CancellationToken.None);

        Assert.Equal("own", stub.Requests[0].Headers.GetValues("X-A").Single());
        Assert.Equal("default", stub.Requests[0].Headers.GetValues("X-B").Single());
    }

    [Fact]
    public async Task SendAsync_HeaderNameDotNetCannotSend_IsInvalidHeader()
    {
        using var invoker = new HttpMessageInvoker(new HeadersStage { InnerHandler = new StubHandler() });
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://h/");
        request.Options.Set(RequestContext.Key, Contexts.With(headers: new HeaderMap { ["Bad Name"] = "x" }));

        await Assert.ThrowsAsync<InvalidHeaderException>(() => invoker.SendAsync(request, CancellationToken.None));
    }
}
