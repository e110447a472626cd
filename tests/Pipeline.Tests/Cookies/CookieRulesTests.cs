using Microsoft.Extensions.Time.Testing;

namespace Pipeline.Tests.Cookies;

public sealed class CookieRulesTests
{
    private static readonly DateTime Now = new(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc);
    private static readonly FakeTimeProvider Clock = new(Now);
    private static readonly DateTime June2030 = new(2030, 6, 9, 10, 18, 14, DateTimeKind.Utc);

    [Fact]
    public void ParseSetCookie_NoDomainAttribute_IsHostOnlyWithDefaultPath()
    {
        var entry = Parse("k=v", "http://www.example.com/a/b");

        Assert.NotNull(entry);
        Assert.Equal("k", entry.Cookie.Name);
        Assert.Equal("v", entry.Cookie.Value);
        Assert.Equal("www.example.com", entry.Cookie.Domain);
        Assert.Equal("/a", entry.Cookie.Path);
        Assert.Equal(DateTime.MinValue, entry.Cookie.Expires);
        Assert.False(entry.Cookie.Secure);
        Assert.False(entry.Cookie.HttpOnly);
        Assert.Null(entry.SameSite);
    }

    [Theory]
    [InlineData("k=v; Domain=example.com")]
    [InlineData("k=v; Domain=.example.com")]
    [InlineData("k=v; domain=EXAMPLE.com")]
    public void ParseSetCookie_DomainAttribute_WithOrWithoutDot_IsDomainCookie(string header)
    {
        var entry = Parse(header, "http://www.example.com/");

        Assert.Equal(".example.com", entry?.Cookie.Domain);
    }

    [Fact]
    public void ParseSetCookie_DomainEqualToMultiLabelHost_IsDomainCookie_AsHttpCookiejar()
    {
        var entry = Parse("k=v; Domain=www.example.com", "http://www.example.com/");

        Assert.Equal(".www.example.com", entry?.Cookie.Domain);
    }

    [Theory]
    [InlineData("k=v; Domain=example.com", "http://127.0.0.1/")]
    [InlineData("k=v; Domain=0.0.1", "http://127.0.0.1/")]
    [InlineData("k=v; Domain=com", "http://www.example.com/")]
    [InlineData("k=v; Domain=.com", "http://www.example.com/")]
    [InlineData("k=v; Domain=notexample.com", "http://www.example.com/")]
    [InlineData("k=v; Domain=ample.com", "http://www.example.com/")]
    [InlineData("k=v; Domain=sub.www.example.com", "http://www.example.com/")]
    public void ParseSetCookie_DomainNotDomainMatchingHost_IsIgnored_AsRfc6265Storage(string header, string url)
    {
        Assert.Null(Parse(header, url));
    }

    [Theory]
    [InlineData("k=v; Domain=localhost", "http://localhost/", "localhost")]
    [InlineData("k=v; Domain=127.0.0.1", "http://127.0.0.1/", "127.0.0.1")]
    public void ParseSetCookie_SingleLabelOrIpDomainEqualToHost_IsHostOnly(string header, string url, string expectedDomain)
    {
        var entry = Parse(header, url);

        Assert.Equal(expectedDomain, entry?.Cookie.Domain);
    }

    [Theory]
    [InlineData("k=v", "http://h/a/b/c", "/a/b")]
    [InlineData("k=v", "http://h/a", "/")]
    [InlineData("k=v", "http://h/", "/")]
    [InlineData("k=v", "http://h/a/", "/a")]
    [InlineData("k=v; Path=rel", "http://h/a/b", "/a")]
    [InlineData("k=v; Path=", "http://h/a/b", "/a")]
    [InlineData("k=v; Path=/x/y", "http://h/a/b", "/x/y")]
    [InlineData("k=v; Path=/", "http://h/a/b", "/")]
    public void ParseSetCookie_PathAbsentOrRelative_TakesDefaultPath_AsRfc6265(string header, string url, string expectedPath)
    {
        var entry = Parse(header, url);

        Assert.Equal(expectedPath, entry?.Cookie.Path);
    }

    [Theory]
    [InlineData("Sun, 09 Jun 2030 10:18:14 GMT")]
    [InlineData("Sunday, 09-Jun-30 10:18:14 GMT")]
    [InlineData("Sun, 09-Jun-2030 10:18:14 GMT")]
    [InlineData("Sun, 9 Jun 2030 10:18:14 GMT")]
    [InlineData("Sun Jun  9 10:18:14 2030")]
    [InlineData("Sun Jun 9 10:18:14 2030")]
    public void ParseSetCookie_ExpiresInCommonDateFormats_IsParsedAsUtc(string date)
    {
        var entry = Parse($"k=v; Expires={date}", "http://h/");

        Assert.Equal(June2030, entry?.Cookie.Expires.ToUniversalTime());
    }

    [Fact]
    public void ParseSetCookie_UnparsableExpires_IsSessionCookie()
    {
        var entry = Parse("k=v; Expires=next tuesday", "http://h/");

        Assert.Equal(DateTime.MinValue, entry?.Cookie.Expires);
    }

    [Theory]
    [InlineData("k=v; Max-Age=100; Expires=Sun, 09 Jun 2030 10:18:14 GMT")]
    [InlineData("k=v; Expires=Sun, 09 Jun 2030 10:18:14 GMT; Max-Age=100")]
    public void ParseSetCookie_MaxAgeAndExpires_MaxAgeWins_AsRfc6265(string header)
    {
        var entry = Parse(header, "http://h/");

        Assert.Equal(Now.AddSeconds(100), entry?.Cookie.Expires.ToUniversalTime());
    }

    [Theory]
    [InlineData("k=v; Max-Age=0")]
    [InlineData("k=v; Max-Age=-5")]
    [InlineData("k=v; Max-Age=0; Expires=Sun, 09 Jun 2030 10:18:14 GMT")]
    public void ParseSetCookie_MaxAgeZeroOrNegative_IsExpired(string header)
    {
        var entry = Parse(header, "http://h/");

        Assert.NotNull(entry);
        Assert.True(entry.IsExpired(Now));
    }

    [Fact]
    public void ParseSetCookie_SecureHttpOnlySameSite_AreCaptured()
    {
        var entry = Parse("k=v; Secure; HttpOnly; SameSite=Lax", "https://h/");

        Assert.NotNull(entry);
        Assert.True(entry.Cookie.Secure);
        Assert.True(entry.Cookie.HttpOnly);
        Assert.Equal("Lax", entry.SameSite);
    }

    [Theory]
    [InlineData("k=\"quoted v\"", "\"quoted v\"")]
    [InlineData("k=\"a,b\"", "\"a,b\"")]
    [InlineData("k=a,b", "a,b")]
    [InlineData("k=", "")]
    [InlineData("k = v ", "v")]
    [InlineData("k=a=b", "a=b")]
    public void ParseSetCookie_Value_IsKeptAsSent_QuotesIncluded_AsHttpCookiejar(string header, string expectedValue)
    {
        var entry = Parse(header, "http://h/");

        Assert.Equal(expectedValue, entry?.Cookie.Value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("noequals")]
    [InlineData("=v")]
    [InlineData(" =v")]
    [InlineData("; Path=/")]
    [InlineData("a,b=v")]
    [InlineData("a\tb=v")]
    [InlineData("$x=v")]
    public void ParseSetCookie_GarbageHeader_IsIgnored(string header)
    {
        Assert.Null(Parse(header, "http://h/"));
    }

    [Theory]
    [InlineData("", "example.com", true)]
    [InlineData("", "127.0.0.1", true)]
    [InlineData("example.com", "example.com", true)]
    [InlineData("example.com", "EXAMPLE.com", true)]
    [InlineData("example.com", "www.example.com", false)]
    [InlineData(".example.com", "example.com", true)]
    [InlineData(".example.com", "www.example.com", true)]
    [InlineData(".example.com", "a.b.example.com", true)]
    [InlineData(".example.com", "notexample.com", false)]
    [InlineData(".example.com", "example.org", false)]
    [InlineData(".0.0.1", "127.0.0.1", false)]
    [InlineData(".127.0.0.1", "127.0.0.1", true)]
    [InlineData("127.0.0.1", "127.0.0.1", true)]
    [InlineData("127.0.0.1", "localhost", false)]
    public void DomainMatches_Rfc6265DomainMatch_EmptyDomainMatchesEveryHost(string cookieDomain, string host, bool expected)
    {
        Assert.Equal(expected, CookieRules.DomainMatches(cookieDomain, host));
    }

    [Theory]
    [InlineData("/", "/", true)]
    [InlineData("/", "/anything/deep", true)]
    [InlineData("/", "", true)]
    [InlineData("/a", "/a", true)]
    [InlineData("/a", "/a/", true)]
    [InlineData("/a", "/a/b", true)]
    [InlineData("/a/", "/a/b", true)]
    [InlineData("/a", "/ab", false)]
    [InlineData("/a/", "/a", false)]
    [InlineData("/a/b", "/a", false)]
    [InlineData("/a", "/A", false)]
    [InlineData("/a", "", false)]
    public void PathMatches_Rfc6265PathMatch(string cookiePath, string requestPath, bool expected)
    {
        Assert.Equal(expected, CookieRules.PathMatches(cookiePath, requestPath));
    }

    [Theory]
    [InlineData("http://h/", "/")]
    [InlineData("http://h", "/")]
    [InlineData("http://h/a", "/")]
    [InlineData("http://h/a/", "/a")]
    [InlineData("http://h/a/b", "/a")]
    [InlineData("http://h/a/b/c?q=/x", "/a/b")]
    public void DefaultPath_Rfc6265DefaultPath_UpToLastSlash(string url, string expected)
    {
        Assert.Equal(expected, CookieRules.DefaultPath(new Uri(url)));
    }

    [Fact]
    public void BuildCookieHeader_SecureCookie_NotSentOverHttp()
    {
        var jar = new CookieJar();
        jar.Store(Parse("s=1; Secure", "https://h/")!);
        jar.Store(Parse("p=2", "https://h/")!);

        Assert.Equal("p=2", CookieRules.BuildCookieHeader(jar, null, new Uri("http://h/"), Clock));
        Assert.Equal("s=1; p=2", CookieRules.BuildCookieHeader(jar, null, new Uri("https://h/"), Clock));
    }

    [Fact]
    public void BuildCookieHeader_ExpiredCookie_NotSent()
    {
        var now = DateTime.UtcNow;
        var jar = new CookieJar();
        jar.Store(CookieRules.ParseSetCookie("fresh=1", new Uri("http://h/"), now)!);
        jar.Store(CookieRules.ParseSetCookie("old=2; Max-Age=60", new Uri("http://h/"), now)!);

        var before = CookieRules.BuildCookieHeader(jar, null, new Uri("http://h/"), new FakeTimeProvider(now));
        var after = CookieRules.BuildCookieHeader(jar, null, new Uri("http://h/"), new FakeTimeProvider(now.AddMinutes(2)));

        Assert.Equal("fresh=1; old=2", before);
        Assert.Equal("fresh=1", after);
    }

    [Fact]
    public void BuildCookieHeader_LongerPathFirst_AsRfc6265Section54()
    {
        var jar = new CookieJar();
        jar.Set("r", "1", path: "/");
        jar.Set("l", "2", path: "/a/b");
        jar.Set("m", "3", path: "/a");

        var header = CookieRules.BuildCookieHeader(jar, null, new Uri("http://h/a/b/c"), Clock);

        Assert.Equal("l=2; m=3; r=1", header);
    }

    [Fact]
    public void BuildCookieHeader_ReplacedCookie_KeepsItsPlace_AsRfc6265CreationTime()
    {
        // RFC 6265 §5.3 step 11.3 keeps the old cookie's creation-time; requests sends "a=3; b=2" too.
        var jar = new CookieJar();
        jar.Set("a", "1");
        jar.Set("b", "2");
        jar.Set("a", "3");

        var header = CookieRules.BuildCookieHeader(jar, null, new Uri("http://h/"), Clock);

        Assert.Equal("a=3; b=2", header);
    }

    [Fact]
    public void BuildCookieHeader_ManyCookiesSamePath_KeepJarOrder()
    {
        var jar = new CookieJar();
        var names = Enumerable.Range(0, 40).Select(i => "c" + i).ToList();
        foreach (var name in names)
        {
            jar.Set(name, "v");
        }

        var header = CookieRules.BuildCookieHeader(jar, null, new Uri("http://h/"), Clock);

        Assert.Equal(string.Join("; ", names.Select(n => n + "=v")), header);
    }

    [Fact]
    public void BuildCookieHeader_RequestCookies_ReplaceSameIdentityJarCookiesInPlace_NewOnesComeLast_AsMergeCookies()
    {
        // requests 2.34: jar.set('same'), jar.set('other'), cookies={'same': 'request', 'once': '1'}
        // sends "same=request; other=jar; once=1".
        var jar = new CookieJar();
        jar.Set("same", "jar");
        jar.Set("other", "jar");
        var requestCookies = new Dictionary<string, string> { ["same"] = "request", ["once"] = "1" };

        var header = CookieRules.BuildCookieHeader(jar, requestCookies, new Uri("http://h/"), Clock);

        Assert.Equal("same=request; other=jar; once=1", header);
    }

    [Fact]
    public void BuildCookieHeader_RedirectHop_SessionCookieBeatsTheRequestsOfItsIdentity_AsResolveRedirects()
    {
        // requests 2.34, the hop after a redirect: merge_cookies(prepared._cookies, session.cookies) lets the session win.
        var jar = new CookieJar();
        jar.Set("same", "jar");
        jar.Set("other", "jar");
        var requestCookies = new Dictionary<string, string> { ["same"] = "request", ["once"] = "1" };

        var header = CookieRules.BuildCookieHeader(jar, requestCookies, new Uri("http://h/"), Clock, redirected: true);

        Assert.Equal("same=jar; other=jar; once=1", header);
    }

    [Fact]
    public void BuildCookieHeader_ServerCookieOfTheSameName_IsSentToo_BeforeTheRequests_AsMergeCookies()
    {
        // requests 2.34: a cookie 127.0.0.1 set, then cookies={'a': 'req'}: "a=srv; a=req" on every hop (two identities).
        var jar = new CookieJar();
        jar.Store(CookieRules.ParseSetCookie("a=srv; Path=/", new Uri("http://127.0.0.1/set"), Now)!);
        var requestCookies = new Dictionary<string, string> { ["a"] = "req" };

        var first = CookieRules.BuildCookieHeader(jar, requestCookies, new Uri("http://127.0.0.1/r"), Clock);
        var redirected = CookieRules.BuildCookieHeader(jar, requestCookies, new Uri("http://127.0.0.1/end"), Clock, redirected: true);

        Assert.Equal("a=srv; a=req", first);
        Assert.Equal("a=srv; a=req", redirected);
    }

    [Fact]
    public void BuildCookieHeader_DomainAndHostOnlyCookies_MatchRfc6265()
    {
        var jar = new CookieJar();
        jar.Store(Parse("host=1", "http://example.com/")!);
        jar.Store(Parse("dom=2; Domain=example.com", "http://example.com/")!);
        jar.Set("any", "3");

        Assert.Equal("host=1; dom=2; any=3", CookieRules.BuildCookieHeader(jar, null, new Uri("http://example.com/"), Clock));
        Assert.Equal("dom=2; any=3", CookieRules.BuildCookieHeader(jar, null, new Uri("http://www.example.com/"), Clock));
        Assert.Equal("any=3", CookieRules.BuildCookieHeader(jar, null, new Uri("http://notexample.com/"), Clock));
    }

    [Fact]
    public void BuildCookieHeader_NothingMatches_ReturnsNull()
    {
        var jar = new CookieJar();
        jar.Set("k", "v", domain: "other.com");

        Assert.Null(CookieRules.BuildCookieHeader(jar, new Dictionary<string, string>(), new Uri("http://h/"), Clock));
    }

    [Theory]
    [InlineData("a\rb", "v")]
    [InlineData("a\nb", "v")]
    [InlineData("a;b", "v")]
    [InlineData("k", "a\rb")]
    [InlineData("k", "a\nb")]
    [InlineData("k", "a;b")]
    public void ValidateRequestCookies_CrLfOrSemicolon_ThrowsInvalidHeaderException(string name, string value)
    {
        var cookies = new Dictionary<string, string> { [name] = value };

        Assert.Throws<InvalidHeaderException>(() => CookieRules.ValidateRequestCookies(cookies));
    }

    [Fact]
    public void ValidateRequestCookies_PlainCookiesOrNull_DoNotThrow()
    {
        CookieRules.ValidateRequestCookies(null);
        CookieRules.ValidateRequestCookies(new Dictionary<string, string> { ["k"] = "v", ["e"] = string.Empty });
    }

    private static CookieEntry? Parse(string header, string url) => CookieRules.ParseSetCookie(header, new Uri(url), Now);
}
