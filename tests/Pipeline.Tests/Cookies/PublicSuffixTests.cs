using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Time.Testing;

namespace Pipeline.Tests.Cookies;

/// <summary>RFC 6265 §5.3 step 5 with the embedded Public Suffix List, and the list's own test data (test_psl.txt).</summary>
public sealed partial class PublicSuffixTests
{
    private static readonly DateTime Now = new(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc);
    private static readonly FakeTimeProvider Clock = new(Now);

    public static TheoryData<string, string?> PslTestData()
    {
        // checkPublicSuffix('input', 'expected registrable domain' or null), one a line; null input is not a string here.
        var data = new TheoryData<string, string?>();
        foreach (var line in File.ReadLines(Path.Combine(AppContext.BaseDirectory, "Cookies", "test_psl.txt")))
        {
            var match = CheckLine().Match(line);
            if (match.Success)
            {
                data.Add(match.Groups["input"].Value, match.Groups["expected"].Success ? match.Groups["expected"].Value : null);
            }
        }

        return data;
    }

    [Fact]
    public void PslTestData_IsRead()
    {
        Assert.True(PslTestData().Count >= 70);
    }

    [Theory]
    [MemberData(nameof(PslTestData))]
    public void GetRegistrableDomain_PslTestData(string input, string? expected)
    {
        // The jar sees hosts as Uri.IdnHost gives them: lower-case punycode.
        var ascii = ToAscii(input);

        var registrable = PublicSuffixList.GetRegistrableDomain(ascii);

        Assert.Equal(expected is null ? null : ToAscii(expected), registrable);
    }

    [Theory]
    [InlineData("com", true)]
    [InlineData("uk", true)]
    [InlineData("co.uk", true)]
    [InlineData("github.io", true)]
    [InlineData("s3.amazonaws.com", true)]
    [InlineData("kawasaki.jp", true)] // the parent of the wildcard rule *.kawasaki.jp
    [InlineData("anything.kawasaki.jp", true)]
    [InlineData("city.kawasaki.jp", false)]
    [InlineData("xn--55qx5d.cn", true)]
    [InlineData("localhost", true)]
    [InlineData("example.com", false)]
    [InlineData("example.co.uk", false)]
    [InlineData("user.github.io", false)]
    [InlineData("unlisted.example", false)]
    public void IsPublicSuffix_IcannAndPrivateRules_WildcardsAndExceptions(string domain, bool expected)
    {
        Assert.Equal(expected, PublicSuffixList.IsPublicSuffix(domain));
    }

    [Fact]
    public void RuleCount_TheEmbeddedListIsLoadedWhole()
    {
        // Both sections of Debian's copy: about 9,500 ICANN and private rules, plain, wildcard and exception.
        Assert.InRange(PublicSuffixList.RuleCount, 9_000, 20_000);
    }

    [Theory]
    [InlineData("a=1; Domain=co.uk", "http://www.example.co.uk/")]
    [InlineData("a=1; Domain=.co.uk", "http://www.example.co.uk/")]
    [InlineData("a=1; Domain=github.io", "https://user.github.io/")]
    [InlineData("a=1; Domain=com", "http://www.example.com/")]
    [InlineData("a=1; Domain=x.kawasaki.jp", "http://www.x.kawasaki.jp/")]
    public void ParseSetCookie_DomainIsAPublicSuffix_IsIgnored_AsRfc6265Section53Step5(string header, string url)
    {
        Assert.Null(CookieRules.ParseSetCookie(header, new Uri(url), Now));
    }

    [Theory]
    [InlineData("a=1; Domain=example.co.uk", "http://www.example.co.uk/", ".example.co.uk")]
    [InlineData("a=1; Domain=user.github.io", "https://www.user.github.io/", ".user.github.io")]
    [InlineData("a=1; Domain=city.kawasaki.jp", "http://www.city.kawasaki.jp/", ".city.kawasaki.jp")]
    public void ParseSetCookie_DomainBelowAPublicSuffix_IsADomainCookie(string header, string url, string domain)
    {
        Assert.Equal(domain, CookieRules.ParseSetCookie(header, new Uri(url), Now)?.Cookie.Domain);
    }

    [Theory]
    [InlineData("a=1; Domain=github.io", "https://github.io/")]
    [InlineData("a=1; Domain=co.uk", "http://co.uk/")]
    public void ParseSetCookie_PublicSuffixEqualToTheHost_IsHostOnly(string header, string url)
    {
        var entry = CookieRules.ParseSetCookie(header, new Uri(url), Now);

        Assert.Equal(new Uri(url).Host, entry?.Cookie.Domain);
    }

    [Fact]
    public void SetCookie_DomainCoUk_FromOneSite_IsNotSentToAnother()
    {
        var jar = new CookieJar();
        var entry = CookieRules.ParseSetCookie("a=1; Domain=co.uk", new Uri("http://www.example.co.uk/"), Now);
        if (entry is not null)
        {
            jar.Store(entry);
        }

        Assert.Null(CookieRules.BuildCookieHeader(jar, null, new Uri("http://bank.co.uk/"), Clock));
        Assert.Empty(jar);
    }

    [Fact]
    public void ParseSetCookie_InternationalisedDomain_IsComparedInPunycode()
    {
        // 食狮.公司.cn is a registrable domain under the public suffix 公司.cn; the host arrives as punycode.
        var uri = new Uri("http://www.xn--85x722f.xn--55qx5d.cn/");

        var below = CookieRules.ParseSetCookie("a=1; Domain=食狮.公司.cn", uri, Now);
        var suffix = CookieRules.ParseSetCookie("b=2; Domain=公司.cn", uri, Now);

        Assert.Equal(".xn--85x722f.xn--55qx5d.cn", below?.Cookie.Domain);
        Assert.Null(suffix);
    }

    [Fact]
    public void ParseSetCookie_PublicSuffixDomain_RaisesTheRefusedHookWithItsReason()
    {
        var host = "www.refusal-" + Guid.NewGuid().ToString("N") + ".co.uk";
        var seen = new List<CookieRefusal>();
        void OnRefused(CookieRefusal reason, string where)
        {
            if (where == host)
            {
                lock (seen)
                {
                    seen.Add(reason);
                }
            }
        }

        CookieRules.Refused += OnRefused;
        try
        {
            CookieRules.ParseSetCookie("a=1; Domain=co.uk", new Uri($"http://{host}/"), Now);
            CookieRules.ParseSetCookie("b=1; Domain=other.example", new Uri($"http://{host}/"), Now);
        }
        finally
        {
            CookieRules.Refused -= OnRefused;
        }

        Assert.Equal([CookieRefusal.PublicSuffix, CookieRefusal.ForeignDomain], seen);
    }

    private static string ToAscii(string domain) =>
        domain.Any(c => c > 127) ? new IdnMapping().GetAscii(domain).ToLowerInvariant() : domain.ToLowerInvariant();

    [GeneratedRegex(@"^checkPublicSuffix\('(?<input>[^']*)', (?:'(?<expected>[^']*)'|null)\);")]
    private static partial Regex CheckLine();
}
