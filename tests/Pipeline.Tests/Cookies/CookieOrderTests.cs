using Microsoft.Extensions.Time.Testing;
using Pipeline.Tests.Infrastructure;

namespace Pipeline.Tests.Cookies;

/// <summary>
/// The Cookie header's order, as requests sends it: http.cookiejar's <c>_cookies_for_request</c> (by domain in the order
/// each entered the call's jar, then by path and name as stored) and <c>_cookie_attrs</c> (a stable sort by path length,
/// longest first), over the jar requests merges per call (session, then request cookies, then this call's Set-Cookie).
/// The expected headers were measured with requests 2.34 against Debian's httpbin.
/// </summary>
[Collection(LoopbackCollection.Name)]
public sealed class CookieOrderTests(HttpbinFixture httpbin)
{
    private static readonly DateTime Now = new(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc);
    private static readonly FakeTimeProvider Clock = new(Now);

    public static TheoryData<string> Kinds => TestSessions.Kinds;

    [Fact]
    public void CookiesForRequest_GroupsByDomainInTheOrderEachEnteredTheJar()
    {
        // http.cookiejar keeps _cookies[domain][path][name]: c joins a's domain, ahead of the later domain's b.
        var jar = new CookieJar();
        Store(jar, "a=1", "http://www.example.com/");
        Store(jar, "b=2; Domain=example.com", "http://www.example.com/");
        Store(jar, "c=3", "http://www.example.com/");

        var header = CookieRules.BuildCookieHeader(jar, null, new Uri("http://www.example.com/"), Clock);

        Assert.Equal("a=1; c=3; b=2", header);
    }

    [Fact]
    public void Enumeration_ByDomainThenPathThenName_AsHttpCookiejar()
    {
        // requests 2.34: list(jar) after a (/ab), b (/cd), c (/ab) from one host, then d from a domain that entered
        // between: a, c, b, d; jar.set('e') first would come first.
        var jar = new CookieJar();
        Store(jar, "a=1; Path=/ab", "http://www.h.example/");
        Store(jar, "d=4; Domain=h.example", "http://www.h.example/");
        Store(jar, "b=2; Path=/cd", "http://www.h.example/");
        Store(jar, "c=3; Path=/ab", "http://www.h.example/");

        Assert.Equal(["a", "c", "b", "d"], jar.Select(c => c.Name));
    }

    [Fact]
    public void CookieAttrs_StableSortByPathLength_AcrossDomains()
    {
        var jar = new CookieJar();
        Store(jar, "root=1; Path=/", "http://www.example.com/");
        Store(jar, "deep=2; Domain=example.com; Path=/a/b", "http://www.example.com/");
        Store(jar, "mid=3; Path=/a", "http://www.example.com/");

        var header = CookieRules.BuildCookieHeader(jar, null, new Uri("http://www.example.com/a/b/c"), Clock);

        Assert.Equal("deep=2; mid=3; root=1", header);
    }

    [Fact]
    public void CookiesForRequest_RequestCookies_ComeWithTheSessionsCookiesForEveryHost()
    {
        // requests 2.34: jar.set('token'), then theme=dark from the host, then cookies={'theme': 'a=b'}:
        // "token=t; theme=a=b; theme=dark" (the request's cookie joins the domain "" group, which entered first).
        var jar = new CookieJar();
        jar.Set("token", "t");
        Store(jar, "theme=dark; Path=/", "http://127.0.0.1/cookies/set");
        var request = new Dictionary<string, string> { ["theme"] = "a=b" };

        var header = Build(jar, request, "http://127.0.0.1/cookies");

        Assert.Equal("token=t; theme=a=b; theme=dark", header);
    }

    [Fact]
    public void CookiesForRequest_RedirectHop_RequestCookiesComeBeforeTheDomainsThisCallAdded()
    {
        // requests 2.34, an empty jar: get('/cookies/set?multi=S', cookies={'multi': 'R'}) sends "multi=R", then, on the
        // redirect hop, "multi=R; multi=S": the call's jar took the request's cookie in before the redirect's.
        var jar = new CookieJar();
        var request = new Dictionary<string, string> { ["multi"] = "R" };
        using var first = new HttpRequestMessage(HttpMethod.Get, "http://127.0.0.1/cookies/set?multi=S");

        CookieRules.AddCookieHeader(first, jar, request, Clock);
        Store(jar, "multi=S; Path=/", "http://127.0.0.1/cookies/set?multi=S");
        using var second = NextHop(first, "http://127.0.0.1/cookies");
        CookieRules.AddCookieHeader(second, jar, request, Clock, redirected: true);

        Assert.Equal("multi=R", CookieHeader(first));
        Assert.Equal("multi=R; multi=S", CookieHeader(second));
    }

    [Fact]
    public void CookiesForRequest_RedirectHop_ADomainTheJarHeldBefore_ComesFirst()
    {
        // requests 2.34, the jar holding x for the host: "x=jar; multi=R", then "x=jar; multi=S; multi=R".
        var jar = new CookieJar();
        Store(jar, "x=jar; Path=/", "http://127.0.0.1/cookies/set?x=jar");
        var request = new Dictionary<string, string> { ["multi"] = "R" };
        using var first = new HttpRequestMessage(HttpMethod.Get, "http://127.0.0.1/cookies/set?multi=S");

        CookieRules.AddCookieHeader(first, jar, request, Clock);
        Store(jar, "multi=S; Path=/", "http://127.0.0.1/cookies/set?multi=S");
        using var second = NextHop(first, "http://127.0.0.1/cookies");
        CookieRules.AddCookieHeader(second, jar, request, Clock, redirected: true);

        Assert.Equal("x=jar; multi=R", CookieHeader(first));
        Assert.Equal("x=jar; multi=S; multi=R", CookieHeader(second));
    }

    [Fact]
    public void CookiesForRequest_RequestCookiesInTheirOwnOrder()
    {
        // requests 2.34: cookies={'z': '1', 'a': '2'} sends "z=1; a=2".
        var request = new Dictionary<string, string> { ["z"] = "1", ["a"] = "2" };

        Assert.Equal("z=1; a=2", Build(new CookieJar(), request, "http://h/"));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task CookiesForRequest_SessionCookieThenRequestCookies_OnHttpbin(string kind)
    {
        using var handle = TestSessions.Create(kind);
        await handle.Session.GetAsync(httpbin.Url("/cookies/set?same=session"));
        var hops = RecordCookieHeaders(handle.Session);

        var response = await handle.Session.GetAsync(httpbin.Url("/cookies"), new() { Cookies = new Dictionary<string, string> { ["once"] = "1", ["same"] = "request" } });

        Assert.Equal(["same=session; once=1; same=request"], hops);
        Assert.Equal("session", response.Json().GetProperty("cookies").GetProperty("same").GetString());
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task CookiesForRequest_EmptyJar_RedirectHopSendsTheRequestCookieFirst_OnHttpbin(string kind)
    {
        using var handle = TestSessions.Create(kind);
        var hops = RecordCookieHeaders(handle.Session);

        var response = await handle.Session.GetAsync(httpbin.Url("/cookies/set?multi=S"), new() { Cookies = new Dictionary<string, string> { ["multi"] = "R" } });

        Assert.Equal(["multi=R", "multi=R; multi=S"], hops);
        Assert.Equal("R", response.Json().GetProperty("cookies").GetProperty("multi").GetString());
        Assert.Equal("S", handle.Session.Cookies["multi"]);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task CookiesForRequest_JarHoldsTheHost_RedirectHopKeepsItsDomainFirst_OnHttpbin(string kind)
    {
        using var handle = TestSessions.Create(kind);
        await handle.Session.GetAsync(httpbin.Url("/cookies/set?x=jar"));
        var hops = RecordCookieHeaders(handle.Session);

        await handle.Session.GetAsync(httpbin.Url("/cookies/set?multi=S"), new() { Cookies = new Dictionary<string, string> { ["multi"] = "R" } });

        Assert.Equal(["x=jar; multi=R", "x=jar; multi=S; multi=R"], hops);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task CookiesForRequest_CookieForEveryHostEnteredFirst_RequestCookieJoinsIt_OnHttpbin(string kind)
    {
        using var handle = TestSessions.Create(kind);
        handle.Session.Cookies.Set("token", "t");
        await handle.Session.GetAsync(httpbin.Url("/cookies/set?theme=dark"));
        var hops = RecordCookieHeaders(handle.Session);

        await handle.Session.GetAsync(httpbin.Url("/cookies"), new() { Cookies = new Dictionary<string, string> { ["theme"] = "a=b" } });

        Assert.Equal(["token=t; theme=a=b; theme=dark"], hops);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task CookieAttrs_LongerPathFirst_ThenTheRequestCookie_OnHttpbin(string kind)
    {
        using var handle = TestSessions.Create(kind);
        await handle.Session.GetAsync(httpbin.Url("/response-headers?Set-Cookie=" + Uri.EscapeDataString("p=root; Path=/")));
        await handle.Session.GetAsync(httpbin.Url("/response-headers?Set-Cookie=" + Uri.EscapeDataString("p=deep; Path=/headers")));

        var response = await handle.Session.GetAsync(httpbin.Url("/headers"), new() { Cookies = new Dictionary<string, string> { ["p"] = "req" } });

        Assert.Equal("p=deep; p=root; p=req", response.Json().GetProperty("headers").GetProperty("Cookie").GetString());
    }

    private static List<string?> RecordCookieHeaders(Session session)
    {
        var hops = new List<string?>();
        session.Hooks.Response.Add(r => hops.Add(r.Request.Headers["Cookie"]));
        return hops;
    }

    private static void Store(CookieJar jar, string setCookie, string url) =>
        jar.Store(CookieRules.ParseSetCookie(setCookie, new Uri(url), Now) ?? throw new InvalidOperationException("refused: " + setCookie));

    private static string? Build(CookieJar jar, Dictionary<string, string> request, string url)
    {
        using var message = new HttpRequestMessage(HttpMethod.Get, url);
        CookieRules.AddCookieHeader(message, jar, request, Clock);
        return CookieHeader(message);
    }

    private static string? CookieHeader(HttpRequestMessage message) =>
        message.Headers.TryGetValues("Cookie", out var values) ? string.Join("; ", values) : null;

    // The next hop carries the previous hop's options, as the redirect stage copies them.
    private static HttpRequestMessage NextHop(HttpRequestMessage previous, string url)
    {
        var next = new HttpRequestMessage(HttpMethod.Get, url);
        foreach (var option in previous.Options)
        {
            ((IDictionary<string, object?>)next.Options)[option.Key] = option.Value;
        }

        return next;
    }
}
