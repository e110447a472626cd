using Pipeline.Tests.Infrastructure;
using RichardSzalay.MockHttp;

namespace Pipeline.Tests.Stages;

public sealed class ParamsStageTests
{
    [Fact]
    public async Task SendAsync_DefaultParams_AppendedToExistingQuery()
    {
        var mock = new MockHttpMessageHandler();
        mock.Expect(HttpMethod.Get, "http://h/p").WithExactQueryString("q=0&a=1&b=x y").Respond("text/plain", "ok");
        using var invoker = new HttpMessageInvoker(new ParamsStage(new QueryParams { ["a"] = "1", ["b"] = "x y" }) { InnerHandler = mock });
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://h/p?q=0");

        using var response = await invoker.SendAsync(request, CancellationToken.None);

        mock.VerifyNoOutstandingExpectation();
        Assert.Equal("http://h/p?q=0&a=1&b=x+y", request.RequestUri!.OriginalString);
    }

    [Fact]
    public async Task SendAsync_UrlWithFragment_ParamsGoBeforeTheFragment()
    {
        var stub = new StubHandler();
        using var invoker = new HttpMessageInvoker(new ParamsStage(new QueryParams { ["a"] = "1" }) { InnerHandler = stub });
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://h/p#frag");

        using var response = await invoker.SendAsync(request, CancellationToken.None);

        Assert.Equal("http://h/p?a=1#frag", stub.Requests[0].RequestUri!.OriginalString);
    }

    [Fact]
    public async Task SendAsync_NoContext_UsesConfiguredDefaultsForPlainHttpClient()
    {
        var stub = new StubHandler();
        using var invoker = new HttpMessageInvoker(new ParamsStage(new QueryParams { ["api"] = "v2" }) { InnerHandler = stub });

        using var response = await invoker.SendAsync(new HttpRequestMessage(HttpMethod.Get, "http://h/p"), CancellationToken.None);

        Assert.Equal("http://h/p?api=v2", Assert.Single(stub.Requests).RequestUri!.OriginalString);
    }

    [Fact]
    public async Task SendAsync_SessionRequest_LeavesUrlAlone_ItsParamsWereAppendedAtPreparation()
    {
        var stub = new StubHandler();
        using var invoker = new HttpMessageInvoker(new ParamsStage(new QueryParams { ["api"] = "v2" }) { InnerHandler = stub });
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://h/p?x=1");
        request.Options.Set(RequestContext.Key, Contexts.With());

        using var response = await invoker.SendAsync(request, CancellationToken.None);

        Assert.Equal("http://h/p?x=1", stub.Requests[0].RequestUri!.OriginalString);
    }

    [Fact]
    public void Send_Synchronous_IsNotSupported()
    {
        using var invoker = new HttpMessageInvoker(new ParamsStage { InnerHandler = new StubHandler() });

        Assert.Throws<NotSupportedException>(() => invoker.Send(new HttpRequestMessage(HttpMethod.Get, "http://h/"), CancellationToken.None));
    }

    [Theory]
    [InlineData("http://h/?a=1?", "http://h/?a=1?&b=2")]
    [InlineData("http://h/?", "http://h/?b=2")]
    [InlineData("http://h/p?#f", "http://h/p?b=2#f")]
    [InlineData("http://h/?a=1#f", "http://h/?a=1&b=2#f")]
    public async Task SendAsync_DefaultParams_JoinAsRequestsPrepareUrl(string url, string expected)
    {
        // requests joins with '&' only when the query after the first '?' is not empty.
        var stub = new StubHandler();
        using var invoker = new HttpMessageInvoker(new ParamsStage(new QueryParams { ["b"] = "2" }) { InnerHandler = stub });

        using var response = await invoker.SendAsync(new HttpRequestMessage(HttpMethod.Get, url), CancellationToken.None);

        Assert.Equal(expected, stub.Requests[0].RequestUri!.OriginalString);
    }
}
