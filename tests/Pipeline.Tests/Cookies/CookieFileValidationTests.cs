using Microsoft.Extensions.Time.Testing;

namespace Pipeline.Tests.Cookies;

/// <summary>Cookie files are checked as Set-Cookie headers are: public suffixes and oversized cookies are skipped and counted.</summary>
public sealed class CookieFileValidationTests
{
    private static readonly FakeTimeProvider Clock = new(DateTimeOffset.UtcNow);

    [Fact]
    public async Task LoadAsync_Netscape_PublicSuffixDomains_AreSkippedAndCounted()
    {
        var path = TempFile();
        await File.WriteAllTextAsync(path, string.Join('\n',
            "# Netscape HTTP Cookie File",
            ".com\tTRUE\t/\tFALSE\t0\tdotcom\t1",
            "co.uk\tFALSE\t/\tFALSE\t0\tcouk\t2",
            ".co.uk\tTRUE\t/\tFALSE\t0\tdotcouk\t3",
            ".github.io\tTRUE\t/\tFALSE\t0\tpages\t4",
            ".example.co.uk\tTRUE\t/\tFALSE\t0\tsite\t5",
            "www.example.com\tFALSE\t/\tFALSE\t0\thost\t6",
            "localhost\tFALSE\t/\tFALSE\t0\tlocal\t7",
            "127.0.0.1\tFALSE\t/\tFALSE\t0\tip\t8",
            "\tFALSE\t/\tFALSE\t0\tany\t9",
            string.Empty));
        var jar = new CookieJar();

        var result = await jar.LoadAsync(path, CookieFileFormat.Netscape);

        Assert.Equal(4, result.Skipped);
        Assert.Equal(5, result.Loaded);
        Assert.Equal(["site", "host", "local", "ip", "any"], jar.Select(c => c.Name));
        Assert.Equal("any=9", CookieRules.BuildCookieHeader(jar, null, new Uri("http://bank.co.uk/"), Clock));
        Assert.Equal("site=5; any=9", CookieRules.BuildCookieHeader(jar, null, new Uri("http://www.example.co.uk/"), Clock));
    }

    [Fact]
    public async Task LoadAsync_Json_PublicSuffixDomains_AreSkippedAndCounted_AnEmptyDomainIsForEveryHost()
    {
        using var stream = new MemoryStream("""
            [
              {"name": "dotcom", "value": "1", "domain": ".com"},
              {"name": "couk", "value": "2", "domain": "CO.UK"},
              {"name": "site", "value": "3", "domain": ".Example.co.uk"},
              {"name": "any", "value": "4", "domain": ""},
              {"name": "nodomain", "value": "5"}
            ]
            """u8.ToArray());
        var jar = new CookieJar();

        var result = await jar.LoadAsync(stream, CookieFileFormat.Json);

        Assert.Equal(2, result.Skipped);
        Assert.Equal(3, result.Loaded);
        Assert.Equal("site=3; any=4; nodomain=5", CookieRules.BuildCookieHeader(jar, null, new Uri("http://www.example.co.uk/"), Clock));
        Assert.Equal("any=4; nodomain=5", CookieRules.BuildCookieHeader(jar, null, new Uri("http://shop.com/"), Clock));
    }

    [Fact]
    public async Task LoadAsync_OverTheSizeLimit_IsSkippedAndCounted()
    {
        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(
            $$"""[{"name": "big", "value": "{{new string('x', 5000)}}", "domain": "h"}, {"name": "ok", "value": "1", "domain": "h"}]"""));
        var jar = new CookieJar();

        var result = await jar.LoadAsync(stream);

        Assert.Equal(1, result.Skipped);
        Assert.Equal("ok", Assert.Single(jar).Name);
    }

    [Fact]
    public async Task LoadAsync_PastTheCountLimits_DropsTheEarlierCookiesOfTheFile_AndCountsThem()
    {
        using var stream = new MemoryStream("""
            [
              {"name": "a", "value": "1", "domain": "h"},
              {"name": "b", "value": "2", "domain": "h"},
              {"name": "c", "value": "3", "domain": "other"}
            ]
            """u8.ToArray());
        var jar = new CookieJar { Limits = new CookieJarLimits { MaxCookies = 2 } };

        var result = await jar.LoadAsync(stream);

        Assert.Equal(1, result.Skipped);
        Assert.Equal(2, result.Loaded);
        Assert.Equal(["b", "c"], jar.Select(c => c.Name));
    }

    [Theory]
    [InlineData(CookieFileFormat.Json)]
    [InlineData(CookieFileFormat.Netscape)]
    public async Task SaveAsyncThenLoadAsync_ServerCookieWithASpaceInItsName_RoundTrips(CookieFileFormat format)
    {
        var jar = new CookieJar();
        jar.Store(CookieRules.ParseSetCookie("a b=x", new Uri("http://h/"), DateTime.UtcNow)!);
        using var stream = new MemoryStream();
        await jar.SaveAsync(stream, format);
        stream.Position = 0;
        var loaded = new CookieJar();

        var result = await loaded.LoadAsync(stream, format);

        Assert.Equal(0, result.Skipped);
        Assert.Equal("x", loaded["a b"]);
    }

    [Fact]
    public async Task LoadAsync_PublicSuffix_RaisesTheRefusedHook()
    {
        var domain = ".com";
        var count = 0;
        void OnRefused(CookieRefusal reason, string where)
        {
            if (reason == CookieRefusal.PublicSuffix && where == domain)
            {
                Interlocked.Increment(ref count);
            }
        }

        using var stream = new MemoryStream("""[{"name": "marker-for-the-refused-hook", "value": "1", "domain": ".com"}]"""u8.ToArray());
        CookieRules.Refused += OnRefused;
        try
        {
            await new CookieJar().LoadAsync(stream);
        }
        finally
        {
            CookieRules.Refused -= OnRefused;
        }

        Assert.True(count >= 1);
    }

    private static string TempFile() => Path.Combine(Path.GetTempPath(), "pipeline-cookies-" + Guid.NewGuid().ToString("N") + ".txt");
}
