using System.Net;
using Microsoft.Extensions.Time.Testing;

namespace Pipeline.Tests.Cookies;

/// <summary>The jar's index by domain: a request reads only the cookies that can match it, whatever else the jar holds.</summary>
public sealed class CookieIndexTests
{
    private static readonly Uri Target = new("https://www.shop.example/cart/items");

    [Fact]
    public void BuildCookieHeader_CookiesOfOtherDomains_AreNotExamined()
    {
        // Every other domain's cookie can expire, so examining any one of them reads the clock; the host's cannot.
        var jar = new CookieJar();
        var expires = DateTime.UtcNow.AddDays(1);
        for (var d = 0; d < 1_000; d++)
        {
            for (var i = 0; i < 10; i++)
            {
                jar.Add(new Cookie("c" + i, "v", "/", i % 2 == 0 ? $".site{d}.example" : $"www.site{d}.example") { Expires = expires });
            }
        }

        jar.Set("host", "1", domain: "www.shop.example");
        jar.Set("site", "2", domain: ".shop.example");
        var clock = new CountingTimeProvider();

        var header = CookieRules.BuildCookieHeader(jar, null, Target, clock);

        Assert.Equal("host=1; site=2", header);
        Assert.Equal(0, clock.Reads);
    }

    [Fact]
    public void BuildCookieHeader_HostAmongTenThousandCookies_SameAsAlone()
    {
        var alone = new CookieJar();
        var crowded = new CookieJar();
        for (var d = 0; d < 1_000; d++)
        {
            for (var i = 0; i < 10; i++)
            {
                crowded.Set("c" + i, "v", domain: $".site{d}.example");
            }
        }

        foreach (var jar in new[] { alone, crowded })
        {
            jar.Set("deep", "1", domain: "www.shop.example", path: "/cart");
            jar.Set("root", "2", domain: ".shop.example");
            jar.Set("any", "3");
            jar.Set("tld", "4", domain: ".example");
        }

        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);

        Assert.Equal("deep=1; root=2; any=3; tld=4", CookieRules.BuildCookieHeader(alone, null, Target, clock));
        Assert.Equal(CookieRules.BuildCookieHeader(alone, null, Target, clock), CookieRules.BuildCookieHeader(crowded, null, Target, clock));
    }

    [Theory]
    [InlineData("http://127.0.0.1/", "ip=1")]
    [InlineData("http://[::1]/", "ip6=2")]
    [InlineData("http://1.127.0.0.1.nip.example/", null)]
    public void BuildCookieHeader_IpHosts_MatchOnlyThemselves(string url, string? expected)
    {
        var jar = new CookieJar();
        jar.Store(CookieRules.ParseSetCookie("ip=1", new Uri("http://127.0.0.1/"), DateTime.UtcNow)!);
        jar.Store(CookieRules.ParseSetCookie("ip6=2", new Uri("http://[::1]/"), DateTime.UtcNow)!);
        jar.Set("dot", "3", domain: ".0.0.1");

        Assert.Equal(expected, CookieRules.BuildCookieHeader(jar, null, new Uri(url), new FakeTimeProvider(DateTimeOffset.UtcNow)));
    }

    [Fact]
    public async Task StoreAndRemove_FromManyTasksAcrossDomains_WhileOthersBuildHeaders_LoseNothing()
    {
        var jar = new CookieJar();
        using var stop = new CancellationTokenSource();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var readers = Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
        {
            var built = 0;
            while (!stop.IsCancellationRequested)
            {
                built += CookieRules.BuildCookieHeader(jar, null, new Uri("http://www.d1.example/"), clock)?.Length > 0 ? 1 : 0;
            }

            return built;
        })).ToArray();

        await Parallel.ForEachAsync(Enumerable.Range(0, 8), async (task, _) =>
        {
            for (var d = 0; d < 50; d++)
            {
                var uri = new Uri($"http://www.d{d}.example/");
                jar.Store(CookieRules.ParseSetCookie($"t{task}=1; Domain=d{d}.example", uri, DateTime.UtcNow)!);
                jar.Store(CookieRules.ParseSetCookie($"gone{task}=1", uri, DateTime.UtcNow)!);
                jar.Remove($"gone{task}", domain: $"www.d{d}.example");
                await Task.Yield();
            }
        });
        await stop.CancelAsync();
        await Task.WhenAll(readers);

        Assert.Equal(8 * 50, jar.Count);
        for (var d = 0; d < 50; d++)
        {
            var header = CookieRules.BuildCookieHeader(jar, null, new Uri($"http://www.d{d}.example/"), clock)!;
            Assert.Equal(Enumerable.Range(0, 8).Select(t => $"t{t}=1").Order(), header.Split("; ").Order());
        }
    }

    private sealed class CountingTimeProvider : TimeProvider
    {
        private int _reads;

        public int Reads => _reads;

        public override DateTimeOffset GetUtcNow()
        {
            Interlocked.Increment(ref _reads);
            return base.GetUtcNow();
        }
    }
}
