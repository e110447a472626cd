using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace Pipeline.Benchmarks;

/// <summary>
/// The cost of choosing a request's cookies as the jar grows: building the Cookie header alone (<c>Header</c>), and a
/// whole in-memory GET through a session (<c>Request</c>), with an empty jar, the host's 10 cookies, and 10,000
/// cookies over 1,000 other domains, with and without the host's 10 among them.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class CookieJarBenchmark
{
    private static readonly Uri Target = new("https://www.shop.example/cart/items");

    private CookieJar _empty = null!;
    private CookieJar _host = null!;
    private CookieJar _others = null!;
    private CookieJar _hostAmongOthers = null!;
    private Session _emptySession = null!;
    private Session _othersSession = null!;

    [GlobalSetup]
    public void Setup()
    {
        _empty = new CookieJar();
        _host = new CookieJar();
        AddHostCookies(_host);
        _others = new CookieJar();
        AddOtherDomains(_others);
        _hostAmongOthers = new CookieJar();
        AddOtherDomains(_hostAmongOthers);
        AddHostCookies(_hostAmongOthers);

        _emptySession = CreateSession(new CookieJar());
        var others = new CookieJar();
        AddOtherDomains(others);
        _othersSession = CreateSession(others);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _emptySession.Dispose();
        _othersSession.Dispose();
    }

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Header")]
    public string? EmptyJar() => CookieRules.BuildCookieHeader(_empty, null, Target, TimeProvider.System);

    [Benchmark]
    [BenchmarkCategory("Header")]
    public string? TenCookiesForTheHost() => CookieRules.BuildCookieHeader(_host, null, Target, TimeProvider.System);

    [Benchmark]
    [BenchmarkCategory("Header")]
    public string? TenThousandCookiesOverThousandOtherDomains() => CookieRules.BuildCookieHeader(_others, null, Target, TimeProvider.System);

    [Benchmark]
    [BenchmarkCategory("Header")]
    public string? TenForTheHostAmongTenThousand() => CookieRules.BuildCookieHeader(_hostAmongOthers, null, Target, TimeProvider.System);

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Request")]
    public async Task<int> SessionGet_EmptyJar()
    {
        using var response = await _emptySession.GetAsync(Target.AbsoluteUri);
        return response.Content.Length;
    }

    [Benchmark]
    [BenchmarkCategory("Request")]
    public async Task<int> SessionGet_TenThousandCookiesOverThousandOtherDomains()
    {
        using var response = await _othersSession.GetAsync(Target.AbsoluteUri);
        return response.Content.Length;
    }

    // Five host-only and five domain cookies, at "/" and at "/cart", as a site's login and preferences would set them.
    private static void AddHostCookies(CookieJar jar)
    {
        for (var i = 0; i < 5; i++)
        {
            jar.Set("host" + i, "value-" + i, domain: "www.shop.example", path: i % 2 == 0 ? "/" : "/cart");
            jar.Set("site" + i, "value-" + i, domain: ".shop.example");
        }
    }

    private static void AddOtherDomains(CookieJar jar)
    {
        for (var d = 0; d < 1_000; d++)
        {
            for (var i = 0; i < 10; i++)
            {
                jar.Set("c" + i, "value-" + i, domain: i % 2 == 0 ? $".site{d}.example" : $"www.site{d}.example");
            }
        }
    }

    private static Session CreateSession(CookieJar jar)
    {
        var session = new Session { TrustEnv = false, Cookies = jar };
        session.Mount("https://", new InMemoryHandler());
        return session;
    }
}
