using System.Net;
using Pipeline.Tests.Infrastructure;

namespace Pipeline.Tests.Stages;

public sealed class HooksStageTests
{
    [Fact]
    public async Task SendAsync_NoContext_PassesThrough_WithoutResponseOrBuffering()
    {
        var stub = new StubHandler();
        using var invoker = new HttpMessageInvoker(new HooksStage { InnerHandler = stub });
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://h/");

        using var message = await invoker.SendAsync(request, CancellationToken.None);

        Assert.Null(HopState.FindResponse(request));
        Assert.Equal("ok", await message.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task SendAsync_NoHooks_LeavesTheResponseToTheStagesThatNeedOne()
    {
        var stub = new StubHandler();
        using var invoker = new HttpMessageInvoker(new HooksStage { InnerHandler = stub });
        using var request = Get("http://h/", Contexts.With());

        using var message = await invoker.SendAsync(request, CancellationToken.None);

        Assert.Null(HopState.FindResponse(request));
        Assert.Equal("ok", await message.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task SendAsync_HooksOverTwoRedirects_RunOncePerHopInOrder_AsDispatchHook()
    {
        // Arrange
        var stub = new StubHandler(r => r.RequestUri!.AbsolutePath switch
        {
            "/a" => Redirect("/b"),
            "/b" => Redirect("/c"),
            _ => new HttpResponseMessage(HttpStatusCode.OK),
        });
        var calls = new List<string>();
        var hooks = new HookMap();
        hooks.Response.Add(r => calls.Add("first " + new Uri(r.Url).AbsolutePath + " " + (int)r.StatusCode));
        hooks.Response.Add(r => calls.Add("second " + new Uri(r.Url).AbsolutePath));
        using var invoker = new HttpMessageInvoker(new RedirectStage { InnerHandler = new CookieStage { InnerHandler = new HooksStage { InnerHandler = stub } } });
        using var request = Get("http://h/a", Contexts.With(mounts: ["http://"], hooks: hooks));

        // Act
        using var message = await invoker.SendAsync(request, CancellationToken.None);

        // Assert
        Assert.Equal(
            ["first /a 302", "second /a", "first /b 302", "second /b", "first /c 200", "second /c"],
            calls);
    }

    [Fact]
    public async Task SendAsync_HookReturnsOtherResponse_ReplacesItForLaterHooksAndCaller()
    {
        // Arrange: a first request through the same chain supplies a second Response to substitute.
        var stub = new StubHandler(r => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(r.RequestUri!.AbsolutePath) });
        using var invoker = new HttpMessageInvoker(new HooksStage { InnerHandler = stub });
        var other = await BuildResponseAsync(invoker, "http://h/other");

        var seen = new List<Response>();
        var hooks = new HookMap();
        hooks.Response.Add(r => seen.Add(r));
        hooks.Response.Add(r => other);
        hooks.Response.Add(r => seen.Add(r));
        hooks.Response.Add(r => (Response?)null);
        using var request = Get("http://h/real", Contexts.With(hooks: hooks));

        // Act
        using var message = await invoker.SendAsync(request, CancellationToken.None);

        // Assert
        Assert.Equal(2, seen.Count);
        Assert.Equal("/real", seen[0].Text);
        Assert.Same(other, seen[1]);
        Assert.Same(other, HopState.FindResponse(request));
    }

    [Fact]
    public async Task SendAsync_HookReplacesRedirect_WithFinalResponse_RedirectIsNotFollowed()
    {
        // requests' resolve_redirects looks at the response the hooks returned.
        var stub = new StubHandler(r => r.RequestUri!.AbsolutePath == "/a" ? Redirect("/b") : new HttpResponseMessage(HttpStatusCode.OK));
        using var invoker = new HttpMessageInvoker(new RedirectStage { InnerHandler = new HooksStage { InnerHandler = stub } });
        using var first = Get("http://h/final", Contexts.With(mounts: ["http://"]));
        (await invoker.SendAsync(first, CancellationToken.None)).Dispose();
        var final = HopState.FindResponse(first)!;
        var hooks = new HookMap();
        hooks.Response.Add(r => r.StatusCode == HttpStatusCode.Found ? final : null);
        using var request = Get("http://h/a", Contexts.With(mounts: ["http://"], hooks: hooks));

        using var message = await invoker.SendAsync(request, CancellationToken.None);

        Assert.Equal(2, stub.Requests.Count);
        Assert.Same(final, HopState.FindResponse(request));
    }

    [Fact]
    public async Task SendAsync_AddAsyncHooks_AreAwaitedInOrder_AndCanReplace()
    {
        // Arrange
        var stub = new StubHandler(r => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(r.RequestUri!.AbsolutePath) });
        using var invoker = new HttpMessageInvoker(new HooksStage { InnerHandler = stub });
        var replacement = await BuildResponseAsync(invoker, "http://h/replacement");

        var calls = new List<string>();
        using var cts = new CancellationTokenSource();
        var hooks = new HookMap();
        hooks.Response.AddAsync(async (r, ct) =>
        {
            await Task.Yield();
            Assert.Equal(cts.Token, ct);
            calls.Add("observe " + r.Text);
        });
        hooks.Response.AddAsync(async (r, ct) =>
        {
            await Task.Yield();
            return replacement;
        });
        hooks.Response.Add(r => calls.Add("sync " + r.Text));
        using var request = Get("http://h/original", Contexts.With(hooks: hooks));

        // Act
        using var message = await invoker.SendAsync(request, cts.Token);

        // Assert
        Assert.Equal(["observe /original", "sync /replacement"], calls);
        Assert.Same(replacement, HopState.FindResponse(request));
    }

    [Fact]
    public async Task SendAsync_HookThrows_ExceptionPropagates()
    {
        var hooks = new HookMap();
        hooks.Response.Add(r => throw new InvalidOperationException("hook failed"));
        using var invoker = new HttpMessageInvoker(new HooksStage { InnerHandler = new StubHandler() });
        using var request = Get("http://h/", Contexts.With(hooks: hooks));

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => invoker.SendAsync(request, CancellationToken.None));

        Assert.Equal("hook failed", ex.Message);
    }

    // A Response from another call through the same chain, for a hook to substitute.
    private static async Task<Response> BuildResponseAsync(HttpMessageInvoker invoker, string url)
    {
        var context = Contexts.With();
        using var request = Get(url, context);
        var message = await invoker.SendAsync(request, CancellationToken.None);
        return await ResponseBuilder.ForHopAsync(request, message, context, CancellationToken.None);
    }

    private static HttpRequestMessage Get(string url, RequestContext context)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Options.Set(RequestContext.Key, context);
        return request;
    }

    private static HttpResponseMessage Redirect(string location)
    {
        var message = new HttpResponseMessage(HttpStatusCode.Found);
        message.Headers.TryAddWithoutValidation("Location", location);
        return message;
    }
}
