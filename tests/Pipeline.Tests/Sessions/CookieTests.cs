using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Tests.Infrastructure;

namespace Pipeline.Tests.Sessions;

/// <summary>requests' cookie behaviour across hops, for both pipelines.</summary>
[Collection(LoopbackCollection.Name)]
public sealed class CookieTests(LoopbackServerFixture server)
{
    public static TheoryData<string> Kinds => TestSessions.Kinds;

    private static string? SentCookie(Response response) =>
        response.Json().GetProperty("headers").TryGetProperty("Cookie", out var cookie) ? cookie.GetString() : null;

    private static string Q(string value) => Uri.EscapeDataString(value);

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task SetCookieOnRedirect_SentOnNextHop_StoredInSession_InHistoryCookiesOnly(string kind)
    {
        using var handle = TestSessions.Create(kind);

        var response = await handle.Session.GetAsync(server.Url($"/redirect-with?to=/anything&cookie={Q("hop=1; Path=/")}"));

        Assert.Equal("hop=1", SentCookie(response));
        Assert.Equal("1", handle.Session.Cookies["hop"]);
        Assert.Equal("1", response.History[0].Cookies["hop"]);
        Assert.Equal(0, response.Cookies.Count);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task RequestCookies_SentAlsoAfterRedirect_NeverPersisted(string kind)
    {
        using var handle = TestSessions.Create(kind);
        var once = new Dictionary<string, string> { ["once"] = "1" };

        var direct = await handle.Session.GetAsync(server.Url("/anything"), new() { Cookies = once });
        var redirected = await handle.Session.GetAsync(server.Url("/redirect-with?to=/anything"), new() { Cookies = once });

        Assert.Equal("once=1", SentCookie(direct));
        Assert.Equal("once=1", SentCookie(redirected));
        Assert.Equal(0, handle.Session.Cookies.Count);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task RequestCookie_OverridesSessionCookie_AsRequests(string kind)
    {
        using var handle = TestSessions.Create(kind);
        handle.Session.Cookies.Set("k", "session");
        handle.Session.Cookies.Set("other", "kept");

        var response = await handle.Session.GetAsync(server.Url("/anything"), new() { Cookies = new Dictionary<string, string> { ["k"] = "request" } });

        Assert.Equal("k=request; other=kept", SentCookie(response));
        Assert.Equal("session", handle.Session.Cookies["k"]);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task RequestCookie_SameNameAsSessionCookie_SessionWinsAfterARedirect_AsResolveRedirects(string kind)
    {
        // requests 2.34: hop one sends the request's value, the hop after the redirect the session's
        // (resolve_redirects merges the session jar over the request's cookies).
        using var handle = TestSessions.Create(kind);
        handle.Session.Cookies.Set("k", "session");
        var hops = new List<string?>();
        handle.Session.Hooks.Response.Add(r => hops.Add(r.Request.Headers["Cookie"]));

        await handle.Session.GetAsync(server.Url("/redirect-with?to=/anything"), new() { Cookies = new Dictionary<string, string> { ["k"] = "request" } });

        Assert.Equal(["k=request", "k=session"], hops);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task HandSetCookieHeader_SuppressesTheJar_DroppedAfterRedirect(string kind)
    {
        using var handle = TestSessions.Create(kind);
        handle.Session.Cookies.Set("jar", "j");
        var headers = new HeaderMap { ["Cookie"] = "hand=h" };

        var direct = await handle.Session.GetAsync(server.Url("/anything"), new() { Headers = headers });
        var redirected = await handle.Session.GetAsync(server.Url("/redirect-with?to=/anything"), new() { Headers = headers });

        Assert.Equal("hand=h", SentCookie(direct));
        Assert.Equal("jar=j", SentCookie(redirected));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task JarSetWithoutDomain_IsSentToEveryHost_ButServerCookiesAreHostOnly(string kind)
    {
        var port = new Uri(server.App.BaseUrl).Port;
        using var handle = TestSessions.Create(kind);
        handle.Session.Cookies.Set("sc", "s");
        await handle.Session.GetAsync(server.Url($"/set-cookie/x?h={Q("fromip=1; Path=/")}"));

        var viaLocalhost = await handle.Session.GetAsync($"http://localhost:{port}/anything");
        var viaIp = await handle.Session.GetAsync(server.Url("/anything"));

        Assert.Equal("sc=s", SentCookie(viaLocalhost));
        Assert.Equal("sc=s; fromip=1", SentCookie(viaIp));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task SetCookie_ForeignOrSingleLabelDomain_IsRefused(string kind)
    {
        using var handle = TestSessions.Create(kind);

        var response = await handle.Session.GetAsync(server.Url(
            $"/set-cookie/x?h={Q("foreign=1; Domain=example.com")}&h={Q("tld=1; Domain=com")}&h={Q("own=1; Domain=127.0.0.1")}"));

        Assert.Equal(["own"], handle.Session.Cookies.Select(c => c.Name));
        Assert.Equal(["own"], response.Cookies.Select(c => c.Name));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task SetCookie_DefaultPath_LimitsWhereItIsSent(string kind)
    {
        using var handle = TestSessions.Create(kind);
        await handle.Session.GetAsync(server.Url($"/set-cookie/a/b/set?h={Q("scoped=1")}"));

        var inside = await handle.Session.GetAsync(server.Url("/set-cookie/a/b/other"));
        var outside = await handle.Session.GetAsync(server.Url("/anything"));

        Assert.Equal("/set-cookie/a/b", handle.Session.Cookies.Single().Path);
        Assert.Equal("scoped=1", SentCookie(inside));
        Assert.Null(SentCookie(outside));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task SecureCookie_IsNotSentOverHttp(string kind)
    {
        using var handle = TestSessions.Create(kind);

        await handle.Session.GetAsync(server.Url($"/set-cookie/x?h={Q("s=1; Path=/; Secure")}&h={Q("p=1; Path=/")}"));
        var response = await handle.Session.GetAsync(server.Url("/anything"));

        Assert.Equal(2, handle.Session.Cookies.Count);
        Assert.Equal("p=1", SentCookie(response));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task ExpiredSetCookie_DeletesTheStoredCookie(string kind)
    {
        using var handle = TestSessions.Create(kind);
        await handle.Session.GetAsync(server.Url($"/set-cookie/x?h={Q("gone=1; Path=/")}&h={Q("stay=1; Path=/")}"));

        await handle.Session.GetAsync(server.Url($"/set-cookie/x?h={Q("gone=; Path=/; Max-Age=0")}"));
        await handle.Session.GetAsync(server.Url($"/set-cookie/x?h={Q("stay=2; Path=/; Expires=Wed, 21 Oct 2099 07:28:00 GMT")}"));

        Assert.Equal(["stay"], handle.Session.Cookies.Select(c => c.Name));
        Assert.Equal(2099, handle.Session.Cookies.Single().Expires.ToUniversalTime().Year);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task SetCookie_SeveralHeadersWithCommasInExpires_ParsedOneByOne(string kind)
    {
        using var handle = TestSessions.Create(kind);

        var response = await handle.Session.GetAsync(server.Url(
            $"/set-cookie/x?h={Q("a=1; Path=/; Expires=Wed, 21 Oct 2099 07:28:00 GMT; HttpOnly; SameSite=Lax")}&h={Q("b=\"quoted value\"; Path=/")}"));

        var a = response.Cookies.Single(c => c.Name == "a");
        Assert.True(a.HttpOnly);
        Assert.Equal("Lax", response.Cookies.GetSameSite(a));
        Assert.Equal("\"quoted value\"", handle.Session.Cookies["b"]);
        Assert.Contains("Expires=Wed, 21 Oct 2099", response.Headers["Set-Cookie"]);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task RequestCookie_WithNewline_IsRejectedBeforeSending(string kind)
    {
        await using var raw = new RawHttpServer();
        using var handle = TestSessions.Create(kind);

        await Assert.ThrowsAsync<InvalidHeaderException>(() => handle.Session.GetAsync(raw.BaseUrl + "/", new()
        {
            Cookies = new Dictionary<string, string> { ["evil"] = "a\r\nX-Injected: 1" },
        }));

        Assert.Empty(raw.Requests);
        Assert.Throws<ArgumentException>(() => handle.Session.Cookies.Set("k", "a;b"));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task CookieBeyondLatin1_IsRejectedBeforeSending_Latin1IsSent(string kind)
    {
        // The Cookie header is written as ISO-8859-1, as every header; requests fails on anything else when sending.
        await using var raw = new RawHttpServer();
        using var handle = TestSessions.Create(kind);

        await Assert.ThrowsAsync<InvalidHeaderException>(() => handle.Session.GetAsync(raw.BaseUrl + "/", new()
        {
            Cookies = new Dictionary<string, string> { ["k"] = "日本" },
        }));
        await handle.Session.GetAsync(raw.BaseUrl + "/", new() { Cookies = new Dictionary<string, string> { ["k"] = "café" } });

        Assert.Equal("k=café", Assert.Single(raw.Requests).Header("Cookie"));
        Assert.Throws<ArgumentException>(() => handle.Session.Cookies.Set("k", "日本"));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task ConcurrentRequests_SettingDifferentCookies_LoseNone(string kind)
    {
        using var handle = TestSessions.Create(kind);

        await Task.WhenAll(Enumerable.Range(0, 32).Select(i =>
            handle.Session.GetAsync(server.Url($"/set-cookie/x?h={Q($"c{i}={i}; Path=/")}"))));

        Assert.Equal(32, handle.Session.Cookies.Count);
        for (var i = 0; i < 32; i++)
        {
            Assert.Equal(i.ToString(System.Globalization.CultureInfo.InvariantCulture), handle.Session.Cookies[$"c{i}"]);
        }
    }

    [Fact]
    public async Task Cookies_SurviveHandlerRotation()
    {
        var services = new ServiceCollection();
        services.AddSession("rotating").SetSessionLifetime(ServiceLifetime.Singleton).SetHandlerLifetime(TimeSpan.FromSeconds(1));
        await using var provider = services.BuildServiceProvider();
        var handlers = provider.GetRequiredService<IHttpMessageHandlerFactory>();
        var session = provider.GetRequiredKeyedService<Session>("rotating");
        await session.GetAsync(server.Url($"/set-cookie/x?h={Q("sticky=1; Path=/")}"));
        var firstChain = handlers.CreateHandler("rotating");

        var sent = new List<string?>();
        for (var i = 0; i < 3; i++)
        {
            // The factory's shortest handler lifetime is one second; wait past it so the chain is rebuilt.
            await Task.Delay(TimeSpan.FromMilliseconds(1100));
            sent.Add(SentCookie(await session.GetAsync(server.Url("/anything"))));
        }

        Assert.NotSame(firstChain, handlers.CreateHandler("rotating"));
        Assert.All(sent, s => Assert.Equal("sticky=1", s));
        Assert.Same(provider.GetRequiredKeyedService<Session>("rotating"), session);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task PrepareRequest_IncludesTheCookieHeader(string kind)
    {
        using var handle = TestSessions.Create(kind);
        handle.Session.Cookies.Set("jar", "1");

        var prepared = handle.Session.PrepareRequest(new Request("GET", server.Url("/anything"))
        {
            Cookies = new Dictionary<string, string> { ["req"] = "2" },
        });

        Assert.Equal("jar=1; req=2", prepared.Headers["Cookie"]);
    }

    [Fact]
    public async Task TwoDiSessionsOfOneName_NeverShareCookies()
    {
        var services = new ServiceCollection();
        services.AddSession("shared-name");
        await using var provider = services.BuildServiceProvider();
        var first = provider.GetRequiredKeyedService<Session>("shared-name");
        var second = provider.GetRequiredKeyedService<Session>("shared-name");

        await first.GetAsync(server.Url($"/set-cookie/x?h={Q("mine=1; Path=/")}"));
        var fromSecond = await second.GetAsync(server.Url("/anything"));

        Assert.Equal(1, first.Cookies.Count);
        Assert.Null(SentCookie(fromSecond));
        Assert.Equal(HttpStatusCode.OK, fromSecond.StatusCode);
    }
}
