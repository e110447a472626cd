namespace Pipeline.Tests.Rules;

/// <summary>
/// <see cref="UrlRules.PrepareUrl"/> returns a URL that is already in prepared form as it is, without the full
/// preparation; requests' <c>prepare_url</c> leaves such a URL unchanged too. The shortcut must never change a result.
/// </summary>
public sealed class UrlRulesFastPathTests
{
    public static TheoryData<string> Urls =>
    [
        // Already prepared: the shortcut applies.
        "http://example.com/",
        "https://example.com/items",
        "http://127.0.0.1:5000/anything?v=1",
        "https://api.example.com:443/a/b/c?x=1&y=2#frag",
        "http://h:65535/",
        "http://h/a~b_c-d.e/f!g$h&i'j(k)l*m+n,o;p=q:r@s",
        "http://h/?a?b",
        "http://h/#a?b",
        "http://h/a.b/c.",
        "http://xn--and-6ma2c.com/",
        "http://a..b/",
        "http://h//double//slashes",
        "  http://leading.space/",

        // Near misses: the full preparation decides.
        "HTTP://example.com/",
        "http://EXAMPLE.com/",
        "Http://example.com/",
        "http://h:65536/",
        "http://h:080/",
        "http://h:0/",
        "http://h:/",
        "http://h:1:2/",
        "http://h:x/",
        "http://u:p@h/",
        "http://@h/",
        "http://[::1]:8080/",
        "http://ünicode.example/",
        "http://ñandú.com/a b?x=ü",
        "http://h/%7e",
        "http://h/%41",
        "http://h/%zz",
        "http://h/%2F",
        "http://h/%",
        "http://h/[x]",
        "http://h/?q=[1]",
        "http://h/#[f]",
        "http://h/./a",
        "http://h/a/../b",
        "http://h/a/.",
        "http://h/a/..",
        "http://h/.well-known/x",
        "http://h/?",
        "http://h/?#",
        "http://h/#",
        "http://h/#a#b",
        "http://h/a b",
        "http://h/a\tb",
        "http://h/a\\b",
        "http://h/ü",
        "http://h/a\"b",
        "http://h/a<b>",
        "http://h/a{b}|c^d`e",
        "http://h",
        "http://h?x=1",
        "http://h#f",
        "http:///path",
        "http://.h/",
        "http://*.h/",
        "http://-h/",
        "http://h_h/",
        "http://h/trailing ",
        "mailto:user@example.com",
        "localhost:8080",
        "ftp://example.com/",
        "example.com/path",
        "//example.com/",
    ];

    [Theory]
    [MemberData(nameof(Urls))]
    public void PrepareUrl_AgreesWithTheFullPreparation_AsRequestsPrepareUrl(string url)
    {
        var full = Outcome(() => UrlRules.PrepareUrlSlow(url));
        var fast = Outcome(() => UrlRules.PrepareUrl(url));

        Assert.Equal(full, fast);
    }

    [Theory]
    [InlineData("http://example.com/")]
    [InlineData("http://127.0.0.1:5000/anything?v=1")]
    [InlineData("https://api.example.com/a/b?x=1#f")]
    public void PrepareUrl_PreparedUrl_IsReturnedAsTheSameString(string url)
    {
        Assert.True(UrlRules.IsAlreadyPrepared(url));
        Assert.Same(url, UrlRules.PrepareUrl(url).Url);
    }

    [Theory]
    [InlineData("http://EXAMPLE.com/", "http://example.com/")]
    [InlineData("http://h", "http://h/")]
    [InlineData("http://h/a/../b", "http://h/b")]
    [InlineData("http://h/%7e", "http://h/~")]
    [InlineData("http://h/?", "http://h/")]
    public void PrepareUrl_UrlThatPreparationChanges_IsNotTakenAsPrepared(string url, string expected)
    {
        Assert.False(UrlRules.IsAlreadyPrepared(url));
        Assert.Equal(expected, UrlRules.PrepareUrl(url).Url);
    }

    [Fact]
    public void PrepareUrl_WithParams_AlwaysAppendsThem()
    {
        var prepared = UrlRules.PrepareUrl("http://example.com/", new QueryParams { { "a", "1" } });

        Assert.Equal("http://example.com/?a=1", prepared.Url);
    }

    private static string Outcome(Func<PreparedUrl> prepare)
    {
        try
        {
            var prepared = prepare();
            return $"{prepared.Url}|{prepared.User}|{prepared.Password}|{prepared.IsHttp}";
        }
        catch (Exception ex)
        {
            return $"{ex.GetType().Name}: {ex.Message}";
        }
    }
}
