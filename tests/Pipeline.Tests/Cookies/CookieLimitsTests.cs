using System.Net;
using Microsoft.Extensions.Time.Testing;
using Pipeline.Tests.Infrastructure;

namespace Pipeline.Tests.Cookies;

/// <summary>The jar's limits (<see cref="CookieJarLimits"/>): curl's and browsers' defaults, configurable per jar.</summary>
public sealed class CookieLimitsTests
{
    private static readonly FakeTimeProvider Clock = new(DateTimeOffset.UtcNow);

    [Fact]
    public void Default_IsCurlsAndBrowsersLimits()
    {
        var limits = CookieJarLimits.Default;

        Assert.Equal(4096, limits.MaxCookieSize);
        Assert.Equal(180, limits.MaxCookiesPerDomain);
        Assert.Equal(3000, limits.MaxCookies);
        Assert.Equal(150, limits.MaxCookiesPerHeader);
        Assert.Equal(8190, limits.MaxCookieHeaderLength);
        Assert.Same(limits, new CookieJar().Limits);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Limits_LessThanOne_ThrowArgumentOutOfRangeException(int value)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new CookieJarLimits { MaxCookieSize = value });
        Assert.Throws<ArgumentOutOfRangeException>(() => new CookieJarLimits { MaxCookiesPerDomain = value });
        Assert.Throws<ArgumentOutOfRangeException>(() => new CookieJarLimits { MaxCookies = value });
        Assert.Throws<ArgumentOutOfRangeException>(() => new CookieJarLimits { MaxCookiesPerHeader = value });
        Assert.Throws<ArgumentOutOfRangeException>(() => new CookieJarLimits { MaxCookieHeaderLength = value });
    }

    [Fact]
    public void Limits_SetToNull_ThrowsArgumentNullException()
    {
        var jar = new CookieJar();

        Assert.Throws<ArgumentNullException>(() => jar.Limits = null!);
    }

    [Fact]
    public void Store_NameAndValueOver4096Bytes_IsIgnored_AndTheStoredCookieStays()
    {
        var jar = new CookieJar();
        Store(jar, "k=small");

        var fits = jar.Store(Parse("f=" + new string('x', 4095)));
        var refused = jar.Store(Parse("k=" + new string('x', 4096)));

        Assert.True(fits);
        Assert.False(refused);
        Assert.Equal("small", jar.Get("k"));
        Assert.Equal(4095, jar.Get("f")!.Length);
    }

    [Fact]
    public void Store_OverTheSizeLimit_RaisesTheRefusedHookOnce_ForBothJarsItIsOfferedTo()
    {
        var host = "big-" + Guid.NewGuid().ToString("N") + ".example";
        var entry = CookieRules.ParseSetCookie("k=" + new string('x', 5000), new Uri($"http://{host}/"), DateTime.UtcNow)!;
        var reasons = new List<CookieRefusal>();
        void OnRefused(CookieRefusal reason, string where)
        {
            if (where == host)
            {
                lock (reasons)
                {
                    reasons.Add(reason);
                }
            }
        }

        CookieRules.Refused += OnRefused;
        try
        {
            new CookieJar().Store(entry);
            new CookieJar().Store(entry);
        }
        finally
        {
            CookieRules.Refused -= OnRefused;
        }

        Assert.Equal([CookieRefusal.TooLarge], reasons);
    }

    [Fact]
    public void Store_PastTheDomainLimit_EvictsTheLeastRecentlySet()
    {
        var jar = new CookieJar { Limits = new CookieJarLimits { MaxCookiesPerDomain = 3 } };
        Store(jar, "a=1");
        Store(jar, "b=2");
        Store(jar, "c=3");
        Store(jar, "a=10");

        Store(jar, "d=4");

        Assert.Equal(["a", "c", "d"], jar.Select(c => c.Name));
    }

    [Fact]
    public void Store_DomainLimit_CountsTheRegistrableDomain_AcrossItsHosts()
    {
        var jar = new CookieJar { Limits = new CookieJarLimits { MaxCookiesPerDomain = 3 } };
        Store(jar, "a=1", "http://a.example.co.uk/");
        Store(jar, "b=2; Domain=example.co.uk", "http://b.example.co.uk/");
        Store(jar, "c=3", "http://c.example.co.uk/");
        Store(jar, "other=1", "http://other.co.uk/");

        Store(jar, "d=4", "http://d.example.co.uk/");

        Assert.Equal(["b", "c", "other", "d"], jar.Select(c => c.Name));
    }

    [Fact]
    public void Store_PastTheJarLimit_EvictsTheLeastRecentlySetOfAnyDomain()
    {
        var jar = new CookieJar { Limits = new CookieJarLimits { MaxCookies = 3 } };
        Store(jar, "a=1", "http://one.example/");
        Store(jar, "b=2", "http://two.example/");
        Store(jar, "c=3", "http://three.example/");
        Store(jar, "a=10", "http://one.example/");

        Store(jar, "d=4", "http://four.example/");

        Assert.Equal(["a", "c", "d"], jar.Select(c => c.Name));
    }

    [Fact]
    public void Store_PastALimit_EvictsExpiredCookiesFirst()
    {
        var jar = new CookieJar { Limits = new CookieJarLimits { MaxCookiesPerDomain = 2 } };
        jar.ReplaceAll(
        [
            new CookieEntry(new Cookie("live", "1", "/", "h"), null),
            new CookieEntry(new Cookie("gone", "2", "/", "h") { Expires = DateTime.UtcNow.AddHours(-1) }, null),
        ]);

        Store(jar, "new=3");

        Assert.Equal(2, jar.Snapshot.Length);
        Assert.Equal(["live", "new"], jar.Select(c => c.Name));
    }

    [Fact]
    public void SetAndAdd_AreNotLimited()
    {
        var jar = new CookieJar { Limits = new CookieJarLimits { MaxCookieSize = 10, MaxCookiesPerDomain = 2, MaxCookies = 2 } };

        for (var i = 0; i < 5; i++)
        {
            jar.Set("n" + i, new string('v', 100), domain: "h");
        }

        jar.Add(new Cookie("added", "x", "/", "h"));

        Assert.Equal(6, jar.Count);
    }

    [Fact]
    public async Task Session_OneResponseSetting10000Cookies_KeepsTheDomainLimit_AndTheNextRequestStaysSendable()
    {
        // Arrange: the first answer sets 10,000 cookies and a 1 MB one, the second records what is sent.
        var sent = new List<string?>();
        var first = true;
        var stub = new StubHandler(request =>
        {
            sent.Add(request.Headers.TryGetValues("Cookie", out var values) ? string.Join("; ", values) : null);
            var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("ok") };
            if (first)
            {
                first = false;
                response.Headers.TryAddWithoutValidation("Set-Cookie", "huge=" + new string('x', 1 << 20));
                for (var i = 0; i < 10_000; i++)
                {
                    response.Headers.TryAddWithoutValidation("Set-Cookie", $"c{i}=value-{i}; Path=/");
                }
            }

            return response;
        });
        using var session = new Session { TrustEnv = false };
        session.Mount("http://", stub);

        // Act
        await session.GetAsync("http://many.example/set");
        await session.GetAsync("http://many.example/next");

        // Assert: the newest 180 are kept, 150 of them sent, well under 8 KB.
        Assert.Equal(180, session.Cookies.Count);
        Assert.Null(session.Cookies.Get("huge"));
        Assert.Equal("value-9999", session.Cookies["c9999"]);
        Assert.Null(session.Cookies.Get("c9819"));
        var header = sent[1]!;
        Assert.Equal(150, header.Split("; ").Length);
        Assert.StartsWith("c9820=value-9820; ", header, StringComparison.Ordinal);
        Assert.True(header.Length <= 8190);
    }

    [Fact]
    public void BuildCookieHeader_MoreThan150Cookies_SendsTheFirst150InOrder()
    {
        var jar = new CookieJar();
        for (var i = 0; i < 200; i++)
        {
            jar.Set("c" + i, "v");
        }

        var header = CookieRules.BuildCookieHeader(jar, null, new Uri("http://h/"), Clock);

        Assert.Equal(string.Join("; ", Enumerable.Range(0, 150).Select(i => $"c{i}=v")), header);
    }

    [Fact]
    public void BuildCookieHeader_Past8190Bytes_StopsBeforeTheCookieThatWouldPassIt()
    {
        var jar = new CookieJar();
        var value = new string('v', 2998);
        jar.Set("a", value);
        jar.Set("b", value);
        jar.Set("c", value);
        jar.Set("d", "1");

        var header = CookieRules.BuildCookieHeader(jar, null, new Uri("http://h/"), Clock);

        Assert.Equal($"a={value}; b={value}", header);
    }

    [Fact]
    public void BuildCookieHeader_FirstCookieAloneTooLong_SendsNoHeader()
    {
        var jar = new CookieJar();
        jar.Set("a", new string('v', 9000));

        Assert.Null(CookieRules.BuildCookieHeader(jar, null, new Uri("http://h/"), Clock));
    }

    [Fact]
    public void BuildCookieHeader_ConfiguredHeaderLimits_Apply_RequestCookiesCountToo()
    {
        var jar = new CookieJar { Limits = new CookieJarLimits { MaxCookiesPerHeader = 2 } };
        jar.Set("a", "1");
        jar.Set("b", "2");
        jar.Set("c", "3");
        var narrow = new CookieJar { Limits = new CookieJarLimits { MaxCookieHeaderLength = 8 } };
        narrow.Set("a", "1");

        Assert.Equal("a=1; b=2", CookieRules.BuildCookieHeader(jar, null, new Uri("http://h/"), Clock));
        Assert.Equal("a=1; r=2", CookieRules.BuildCookieHeader(narrow, new Dictionary<string, string> { ["r"] = "2", ["s"] = "3" }, new Uri("http://h/"), Clock));
    }

    private static CookieEntry Parse(string setCookie, string url = "http://h/") =>
        CookieRules.ParseSetCookie(setCookie, new Uri(url), DateTime.UtcNow) ?? throw new InvalidOperationException("refused: " + setCookie);

    private static void Store(CookieJar jar, string setCookie, string url = "http://h/") => Assert.True(jar.Store(Parse(setCookie, url)));
}
