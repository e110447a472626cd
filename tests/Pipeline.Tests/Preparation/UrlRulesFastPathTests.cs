namespace Pipeline.Tests.Preparation;

// PrepareUrl returns URLs that are already in the form requests' prepare_url produces without running the full
// preparation. These tests hold it to the full preparation (PrepareUrlSlow), which UrlRulesTests compares to requests.
public sealed class UrlRulesFastPathTests
{
    // URLs requests' prepare_url leaves as they are, and that the shortcut accepts.
    public static TheoryData<string> CanonicalUrls =>
    [
        "http://h/",
        "https://h/",
        "http://example.com/",
        "https://httpbin.org/get",
        "http://127.0.0.1:5000/anything",
        "http://localhost:8080/x",
        "http://h:1/",
        "http://h:80/",
        "https://h:443/p",
        "http://h:65535/x",
        "http://h:9999/x",
        "https://api.example.com/v1/users/42/orders?page=2&per_page=50",
        "http://a-b.c-d.example/",
        "http://xn--and-6ma2c.com/",
        "http://h./trailing-dot-host",
        "http://h/p?q#f",
        "http://h/a?b?c#d?e",
        "http://h/#a?b",
        "http://h/p#f",
        "http://h/p?q",
        "http://h/!$&'()*+,;=:@~_-.",
        "http://h/a.b/c.d/",
        "http://h/a..b/c.",
        "http://h//x",
        "http://h/a/",
        "http://h/A/B?C=D#E",
        "http://h/p?a=/./b#/../c",
        "http://h/p?next=http://other/x&y=1",
        "http://h/@x",
        "http://h/a:b@c",
        "http://h/~user/file_name-1.txt",
        "https://h/search?q=a+b&lang=en#results",
    ];

    // URLs the shortcut must leave to the full preparation: they change, throw, are not http, or are close to one that does.
    public static TheoryData<string> NearMisses =>
    [
        "HTTP://h/",
        "Http://h/",
        "HTTPS://H/",
        "http://H/",
        "http://Example.com/",
        "http://h:080/",
        "http://h:0/",
        "http://h:00000/",
        "http://h:65536/",
        "http://h:99999/",
        "http://h:123456/",
        "http://h:/",
        "http://h:/p",
        "http://h:",
        "http://h:8080",
        "http://h:8a/",
        "http://h::80/",
        "http://:80/",
        "http://u:p@h/",
        "http://u@h/",
        "http://u:p%40ss@h:8080/x?q#f",
        "http://[::1]/",
        "http://[::1]:8080/x",
        "http://[::FFFF:1.2.3.4]/",
        "http://ünicode.example/",
        "http://*.h/",
        "http://.h/",
        "http://h_x/",
        "http://h!/",
        "http://h/%7e",
        "http://h/%7Efoo",
        "http://h/%41",
        "http://h/%zz",
        "http://h/%2F",
        "http://h/%2f",
        "http://h/%",
        "http://h/p?q=%20",
        "http://h/p#%41",
        "http://h/a[b]",
        "http://h/?x=[1]",
        "http://h/#[f]",
        "http://h/./",
        "http://h/a/./b",
        "http://h/../x",
        "http://h/a/..",
        "http://h/.",
        "http://h/..a/b",
        "http://h/.well-known/x",
        "http://h/?",
        "http://h/p?",
        "http://h/?#",
        "http://h/?#f",
        "http://h/#",
        "http://h/p?q#",
        "http://h/#a#b",
        "http://h/#a#",
        "http://h/a b",
        "http://h/a\tb",
        "http://h/a\\b",
        "http://h\\x/",
        "http://h/x\r\n",
        "http://h/\u007f",
        "http://h/<>\"{}|^`",
        "http://h/ü",
        "http://h/€?x=ü",
        "http://h/p#ä",
        "http://h",
        "http://h?x=1",
        "http://h#f",
        "https://h?x=1#f",
        "  http://h/x",
        "\t\nhttp://h/x",
        "\u00a0http://h/x",
        "http://h/x ",
        "mailto:x",
        "mailto:a@b.c",
        "localhost:8080",
        "ftp://h/x",
        "httpx://h/x",
        "https:/h/x",
        "http:h/x",
        "http:///x",
        "http://",
        "https://",
        "http:",
        "h/x",
        "//h/x",
        "/x",
        "",
        " ",
    ];

    [Theory]
    [MemberData(nameof(CanonicalUrls))]
    [MemberData(nameof(NearMisses))]
    public void PrepareUrl_AnyUrl_AgreesWithFullPreparation_AsRequestsPrepareUrl(string url)
    {
        AssertAgreesWithFullPreparation(url, parameters: null);
    }

    [Theory]
    [MemberData(nameof(CanonicalUrls))]
    public void PrepareUrl_CanonicalUrl_IsUnchanged_AsRequestsPrepareUrl(string url)
    {
        var prepared = UrlRules.PrepareUrl(url);

        // The very same instance: nothing was parsed or rebuilt.
        Assert.Same(url, prepared.Url);
        Assert.Null(prepared.User);
        Assert.Null(prepared.Password);
        Assert.True(prepared.IsHttp);
    }

    [Fact]
    public void PrepareUrl_CanonicalUrlWithEmptyParams_IsUnchanged_AsRequestsPrepareUrl()
    {
        const string Url = "https://h/p?q=1#f";

        var prepared = UrlRules.PrepareUrl(Url, new QueryParams());

        Assert.Same(Url, prepared.Url);
    }

    [Theory]
    [InlineData("  http://h/x", "http://h/x")]
    [InlineData("\t\nhttps://h:8443/a?b#c", "https://h:8443/a?b#c")]
    public void PrepareUrl_CanonicalUrlAfterLeadingWhitespace_IsStrippedOnly_AsRequestsPrepareUrl(string url, string expected)
    {
        var prepared = UrlRules.PrepareUrl(url);

        Assert.Equal(expected, prepared.Url);
        Assert.Equal(UrlRules.PrepareUrlSlow(url), prepared);
    }

    // Expected URLs come from requests 2.34: requests.Request('GET', url).prepare().url.
    [Theory]
    [InlineData("HTTP://Example.COM/a", "http://example.com/a")]
    [InlineData("http://h/%7efoo", "http://h/~foo")]
    [InlineData("http://h/%41", "http://h/A")]
    [InlineData("http://h/%2f", "http://h/%2F")]
    [InlineData("http://h/a/./b/../c", "http://h/a/c")]
    [InlineData("http://h", "http://h/")]
    [InlineData("http://h?x=1", "http://h/?x=1")]
    [InlineData("http://h/?", "http://h/")]
    [InlineData("http://h/?#f", "http://h/#f")]
    [InlineData("http://h/#", "http://h/")]
    [InlineData("http://h/#a#b", "http://h/#a%23b")]
    [InlineData("http://h/a b", "http://h/a%20b")]
    [InlineData("http://h/a\\b", "http://h/a%5Cb")]
    [InlineData("http://h/a[b]", "http://h/a%5Bb%5D")]
    [InlineData("http://h/ü", "http://h/%C3%BC")]
    [InlineData("http://h:/p", "http://h/p")]
    [InlineData("http://ünicode.example/", "http://xn--nicode-2ya.example/")]
    public void PrepareUrl_NearMissThatRequestsChanges_IsRewritten_AsRequestsPrepareUrl(string url, string expected)
    {
        var prepared = UrlRules.PrepareUrl(url);

        Assert.NotEqual(url, prepared.Url);
        Assert.Equal(expected, prepared.Url);
    }

    [Theory]
    [InlineData("http://h/.well-known/x")]
    [InlineData("http://h/..a/b")]
    [InlineData("http://h/a/.b")]
    public void PrepareUrl_UnusualButUnchangedUrl_TakesFullPreparation(string url)
    {
        // A segment starting with '.' is left to the full preparation, which decides.
        var prepared = UrlRules.PrepareUrl(url);

        Assert.NotSame(url, prepared.Url);
        Assert.Equal(UrlRules.PrepareUrlSlow(url), prepared);
    }

    [Theory]
    [InlineData("http://h/")]
    [InlineData("http://h/?q=0#f")]
    [InlineData("http://h/?")]
    public void PrepareUrl_WithParams_AgreesWithFullPreparation_AsRequestsPrepareUrl(string url)
    {
        AssertAgreesWithFullPreparation(url, new QueryParams { { "a", "1" }, { "b", "x y" } });
        AssertAgreesWithFullPreparation(url, new QueryParams { { "n", null } });
        AssertAgreesWithFullPreparation(url, new QueryParams());
    }

    [Fact]
    public void PrepareUrl_CombinationsOfUrlParts_AgreeWithFullPreparation_AsRequestsPrepareUrl()
    {
        string[] schemes = ["http://", "https://", "HTTP://", "ftp://"];
        string[] hosts = ["h", "example.com", "10.0.0.1", "Ex.com", "a_b", ".h", "u@h", "[::1]", "ü.de", ""];
        string[] ports = ["", ":1", ":8080", ":65535", ":65536", ":080", ":0", ":", ":x"];
        string[] paths = ["", "/", "/a/b", "/a/./b", "/a/../b", "/.x", "/a.b", "/%7e", "/%zz", "/a b", "/a[1]", "/ü", "/a;b=c", "//"];
        string[] queries = ["", "?", "?q", "?a=1&b=/./c", "?q?r", "?%41", "?a b", "?[x]"];
        string[] fragments = ["", "#", "#f", "#a#b", "#f?g", "#%7e", "#[x]"];

        // Every authority with a few tails, and every tail with a few authorities.
        var authorities = schemes.SelectMany(_ => hosts, (scheme, host) => scheme + host)
            .SelectMany(_ => ports, (schemeAndHost, port) => schemeAndHost + port)
            .ToList();
        var tails = paths.SelectMany(_ => queries, (path, query) => path + query)
            .SelectMany(_ => fragments, (pathAndQuery, fragment) => pathAndQuery + fragment)
            .ToList();
        var urls = authorities.SelectMany(_ => (string[])["", "/", "/a?q#f"], (authority, tail) => authority + tail)
            .Concat(tails.SelectMany(_ => (string[])["http://h", "https://example.com:8080", "HTTP://H"], (tail, authority) => authority + tail));

        var mismatches = urls.Where(url => Describe(() => UrlRules.PrepareUrl(url)) != Describe(() => UrlRules.PrepareUrlSlow(url))).ToList();

        Assert.Empty(mismatches);
    }

    private static void AssertAgreesWithFullPreparation(string url, QueryParams? parameters)
    {
        var expected = Describe(() => UrlRules.PrepareUrlSlow(url, parameters));

        var actual = Describe(() => UrlRules.PrepareUrl(url, parameters));

        Assert.Equal(expected, actual);
    }

    // The prepared URL's fields, or the exception's type and message: what a caller can observe.
    private static string Describe(Func<PreparedUrl> prepare)
    {
        try
        {
            var prepared = prepare();
            return $"Url={prepared.Url} User={prepared.User ?? "<null>"} Password={prepared.Password ?? "<null>"} IsHttp={prepared.IsHttp}";
        }
        catch (Exception ex)
        {
            return $"{ex.GetType().FullName}: {ex.Message}";
        }
    }

    [Theory]
    [InlineData("/next/page?x=1&y=a+b#f", "/next/page?x=1&y=a+b#f")]
    [InlineData("/a%7eb", "/a~b")]
    [InlineData("/a b", "/a%20b")]
    [InlineData("/[x]", "/[x]")]
    public void RequoteUri_OnlyKeptCharacters_ReturnsTheSameString_AsRequestsRequoteUri(string uri, string expected)
    {
        var requoted = UrlRules.RequoteUri(uri);

        Assert.Equal(expected, requoted);
        if (uri == expected && !uri.Contains('['))
        {
            Assert.Same(uri, requoted);
        }
    }
}
