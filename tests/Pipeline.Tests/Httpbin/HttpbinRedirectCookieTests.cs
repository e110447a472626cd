using System.Net;
using Pipeline.Tests.Infrastructure;

namespace Pipeline.Tests.Httpbin;

/// <summary>Redirects and cookies against Debian's httpbin.</summary>
[Collection(LoopbackCollection.Name)]
public sealed class HttpbinRedirectCookieTests(HttpbinFixture httpbin)
{
    public static TheoryData<string> Kinds => TestSessions.Kinds;

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task CookiesSet_RedirectsToCookies_AndTheSessionKeepsThem(string kind)
    {
        using var handle = TestSessions.Create(kind);

        var response = await handle.Session.GetAsync(httpbin.Url("/cookies/set?flavour=oat&size=big"));
        var later = await handle.Session.GetAsync(httpbin.Url("/cookies"));

        Assert.Equal(httpbin.Url("/cookies"), response.Url);
        Assert.Single(response.History);
        Assert.Equal("oat", response.Json().GetProperty("cookies").GetProperty("flavour").GetString());
        Assert.Equal("big", later.Json().GetProperty("cookies").GetProperty("size").GetString());
        Assert.Equal("oat", handle.Session.Cookies["flavour"]);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Redirect_N_FollowsEveryHop(string kind)
    {
        using var handle = TestSessions.Create(kind);

        var response = await handle.Session.GetAsync(httpbin.Url("/redirect/4"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(4, response.History.Count);
        Assert.Equal(httpbin.Url("/get"), response.Url);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task RedirectTo_307_KeepsPostAndBody_303_BecomesGet(string kind)
    {
        using var handle = TestSessions.Create(kind);
        var to = Uri.EscapeDataString(httpbin.Url("/anything"));

        var kept = await handle.Session.PostAsync(httpbin.Url($"/redirect-to?url={to}&status_code=307"), new() { Json = new { a = 1 } });
        var changed = await handle.Session.PostAsync(httpbin.Url($"/redirect-to?url={to}&status_code=303"), new() { Json = new { a = 1 } });

        Assert.Equal("POST", kept.Json().GetProperty("method").GetString());
        Assert.Equal(1, kept.Json().GetProperty("json").GetProperty("a").GetInt32());
        Assert.Equal("GET", changed.Json().GetProperty("method").GetString());
        Assert.Equal(string.Empty, changed.Json().GetProperty("data").GetString());
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task ResponseHeadersSetCookie_LandsInTheJarAndResponseCookies(string kind)
    {
        using var handle = TestSessions.Create(kind);

        var response = await handle.Session.GetAsync(httpbin.Url("/response-headers?Set-Cookie=" + Uri.EscapeDataString("token=abc; Path=/")));

        Assert.Equal("abc", response.Cookies["token"]);
        Assert.Equal("abc", handle.Session.Cookies["token"]);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task AbsoluteRedirect_TooMany_IsTooManyRedirects(string kind)
    {
        using var handle = TestSessions.Create(kind, s => s.MaxRedirects = 3);

        var error = await Assert.ThrowsAsync<TooManyRedirectsException>(() => handle.Session.GetAsync(httpbin.Url("/absolute-redirect/5")));

        Assert.Equal("Exceeded 3 redirects.", error.Message);
        Assert.Equal(3, error.Response!.History.Count);
    }
}
