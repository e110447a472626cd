namespace Pipeline.Tests.Preparation;

// Expected URLs come from requests 2.34: requests.Request('GET', url, params=...).prepare().url.
public sealed class UrlRulesTests
{
    [Theory]
    [InlineData("http://ñandú.com/a b?x=ü", "http://xn--and-6ma2c.com/a%20b?x=%C3%BC")]
    [InlineData("http://ÑANDÚ.com/", "http://xn--and-6ma2c.com/")]
    [InlineData("http://münchen.de/", "http://xn--mnchen-3ya.de/")]
    [InlineData("http://Bücher.example/", "http://xn--bcher-kva.example/")]
    [InlineData("http://xn--and-6ma2c.com/", "http://xn--and-6ma2c.com/")]
    public void PrepareUrl_NonAsciiHost_IsIdnaEncoded(string url, string expected)
    {
        var prepared = UrlRules.PrepareUrl(url);

        Assert.Equal(expected, prepared.Url);
    }

    [Theory]
    [InlineData("http://h:080/", "http://h:80/")]
    [InlineData("http://h:00080/x", "http://h:80/x")]
    [InlineData("http://h:0/", "http://h/")]
    [InlineData("http://h:65535/", "http://h:65535/")]
    public void PrepareUrl_Port_IsWrittenAsANumber_AndZeroIsDropped(string url, string expected)
    {
        // urllib3's parse_url reads the port as an int; requests' prepare_url appends it only when truthy.
        Assert.Equal(expected, UrlRules.PrepareUrl(url).Url);
    }

    [Theory]
    [InlineData("HTTP://EXAMPLE.com", "http://example.com/")]
    [InlineData("HTTPS://H/", "https://h/")]
    [InlineData("http://[::FFFF:1.2.3.4]/", "http://[::ffff:1.2.3.4]/")]
    public void PrepareUrl_UpperCaseSchemeAndHost_AreLowerCased(string url, string expected)
    {
        var prepared = UrlRules.PrepareUrl(url);

        Assert.Equal(expected, prepared.Url);
    }

    [Theory]
    [InlineData("http://example.com", "http://example.com/")]
    [InlineData("http://example.com?a=1", "http://example.com/?a=1")]
    [InlineData("http://example.com#frag", "http://example.com/#frag")]
    [InlineData("http://example.com:8080", "http://example.com:8080/")]
    public void PrepareUrl_EmptyPath_BecomesSlash(string url, string expected)
    {
        var prepared = UrlRules.PrepareUrl(url);

        Assert.Equal(expected, prepared.Url);
    }

    [Theory]
    [InlineData("  http://example.com/x", "http://example.com/x")]
    [InlineData("\t\nhttp://example.com/x", "http://example.com/x")]
    public void PrepareUrl_LeadingWhitespace_IsStripped(string url, string expected)
    {
        var prepared = UrlRules.PrepareUrl(url);

        Assert.Equal(expected, prepared.Url);
    }

    [Theory]
    [InlineData("http://example.com:8080/p", "http://example.com:8080/p")]
    [InlineData("http://h:65535/", "http://h:65535/")]
    [InlineData("http://h:/p", "http://h/p")]
    [InlineData("http://[::1]:8080/x", "http://[::1]:8080/x")]
    [InlineData("http://[::1]/", "http://[::1]/")]
    [InlineData("http://[fe80::1%25eth0]/", "http://[fe80::1%25eth0]/")]
    public void PrepareUrl_Port_IsKeptAndEmptyPortDropped(string url, string expected)
    {
        var prepared = UrlRules.PrepareUrl(url);

        Assert.Equal(expected, prepared.Url);
    }

    [Theory]
    [InlineData("http://h/%7Efoo", "http://h/~foo")]
    [InlineData("http://h/%41%2F%2f%7e", "http://h/A%2F%2F~")]
    [InlineData("http://h/a%20b", "http://h/a%20b")]
    [InlineData("http://h/%e2%82%ac", "http://h/%E2%82%AC")]
    [InlineData("http://h/a%2fb", "http://h/a%2Fb")]
    [InlineData("http://h/p?q=%20%2B+", "http://h/p?q=%20%2B+")]
    public void PrepareUrl_PercentEscapes_UnreservedDecodedOthersUpperCased(string url, string expected)
    {
        var prepared = UrlRules.PrepareUrl(url);

        Assert.Equal(expected, prepared.Url);
    }

    [Theory]
    [InlineData("http://h/ü", "http://h/%C3%BC")]
    [InlineData("http://h/😀", "http://h/%F0%9F%98%80")]
    [InlineData("http://h/p?q=a b&c=d#f g", "http://h/p?q=a%20b&c=d#f%20g")]
    [InlineData("http://h?x=a b", "http://h/?x=a%20b")]
    [InlineData("http://h/<>\"{}|\\^`", "http://h/%3C%3E%22%7B%7D%7C%5C%5E%60")]
    [InlineData("http://h/p;x=1?y", "http://h/p;x=1?y")]
    [InlineData("http://h/p#a?b", "http://h/p#a?b")]
    [InlineData("http://h/!$&'()*+,;=:@~", "http://h/!$&'()*+,;=:@~")]
    public void PrepareUrl_CharactersOutsideSafeSet_ArePercentEncodedAsUtf8(string url, string expected)
    {
        var prepared = UrlRules.PrepareUrl(url);

        Assert.Equal(expected, prepared.Url);
    }

    [Theory]
    [InlineData("http://h/a[b]?x=[1]#[f]", "http://h/a%5Bb%5D?x=%5B1%5D#%5Bf%5D")]
    [InlineData("http://h/#a#b", "http://h/#a%23b")]
    public void PrepareUrl_DelimitersInsideComponents_AreEncodedAsUrllib3ParseUrl(string url, string expected)
    {
        var prepared = UrlRules.PrepareUrl(url);

        Assert.Equal(expected, prepared.Url);
    }

    [Theory]
    [InlineData("https://h/a/../b", "https://h/b")]
    [InlineData("http://h/a/./b/../c", "http://h/a/c")]
    [InlineData("http://h/a/..", "http://h/")]
    [InlineData("http://h/../../x", "http://h/x")]
    [InlineData("http://h/.", "http://h/")]
    [InlineData("http://h/a/b/.", "http://h/a/b/")]
    [InlineData("http://h/a//b/../c", "http://h/a//c")]
    [InlineData("http://h/a/b/..?q=../x#../f", "http://h/a/?q=../x#../f")]
    [InlineData("http://h/..a/b", "http://h/..a/b")]
    [InlineData("http://h/a/.../b", "http://h/a/.../b")]
    public void PrepareUrl_DotSegments_AreRemovedAsUrllib3ParseUrl(string url, string expected)
    {
        var prepared = UrlRules.PrepareUrl(url);

        Assert.Equal(expected, prepared.Url);
    }

    [Fact]
    public void PrepareUrl_OtherSchemeStartingWithHttp_IsRequotedButNotNormalized()
    {
        // urllib3 normalises only http and https; requests still requotes the rest.
        var prepared = UrlRules.PrepareUrl("httpx://h/a[b]/../c d#x#y");

        Assert.Equal("httpx://h/a[b]/../c%20d#x#y", prepared.Url);
    }

    [Theory]
    [InlineData("http://h/?", "http://h/")]
    [InlineData("http://h/#", "http://h/")]
    [InlineData("http://h/?#", "http://h/")]
    public void PrepareUrl_EmptyQueryOrFragment_IsDropped(string url, string expected)
    {
        var prepared = UrlRules.PrepareUrl(url);

        Assert.Equal(expected, prepared.Url);
    }

    [Theory]
    [InlineData("example.com", "Invalid URL 'example.com': No scheme supplied. Perhaps you meant https://example.com?")]
    [InlineData("example.com/path", "Invalid URL 'example.com/path': No scheme supplied. Perhaps you meant https://example.com/path?")]
    [InlineData("//h/p", "Invalid URL '//h/p': No scheme supplied. Perhaps you meant https:////h/p?")]
    [InlineData("/p", "Invalid URL '/p': No scheme supplied. Perhaps you meant https:///p?")]
    public void PrepareUrl_NoScheme_ThrowsMissingSchemaWithRequestsWording(string url, string message)
    {
        var exception = Assert.Throws<MissingSchemaException>(() => UrlRules.PrepareUrl(url));

        Assert.Equal(message, exception.Message);
    }

    [Theory]
    [InlineData("http://", "Invalid URL 'http://': No host supplied")]
    [InlineData("http:///path", "Invalid URL 'http:///path': No host supplied")]
    public void PrepareUrl_NoHost_ThrowsInvalidUrlWithRequestsWording(string url, string message)
    {
        var exception = Assert.Throws<InvalidUrlException>(() => UrlRules.PrepareUrl(url));

        Assert.Equal(message, exception.Message);
    }

    [Theory]
    [InlineData("http://*.example.com")]
    [InlineData("http://.example.com")]
    public void PrepareUrl_HostStartingWithStarOrDot_ThrowsInvalidLabel(string url)
    {
        var exception = Assert.Throws<InvalidUrlException>(() => UrlRules.PrepareUrl(url));

        Assert.Equal("URL has an invalid label.", exception.Message);
    }

    // Each row checked against requests 2.34 with idna 3.13 (urllib3's parse_url applies IDNA 2008 to the host).
    [Theory]
    [InlineData("http://☃.net/")]
    [InlineData("http://♥.com/")]
    [InlineData("http://😀.com/")]
    [InlineData("http://ａｂｃ.com/")]
    [InlineData("http://a\u0301.com/")]
    [InlineData("http://\u0301a.com/")]
    [InlineData("http://Ⅻ.com/")]
    [InlineData("http://ﬀ.com/")]
    [InlineData("http://Ꭰ.com/")]
    [InlineData("http://ᾀ.gr/")]
    [InlineData("http://a·l.com/")]
    [InlineData("http://x\u0660\u06F0.com/")]
    [InlineData("http://\u200D.com/")]
    [InlineData("http://a\u200Db.com/")]
    [InlineData("http://ab\u200C.com/")]
    [InlineData("http://-日本.jp/")]
    [InlineData("http://日本-.jp/")]
    [InlineData("http://ab--日本.jp/")]
    [InlineData("http://日本。jp/")]
    public void PrepareUrl_HostNotIdna2008_ThrowsInvalidUrl_AsIdnaPackage(string url)
    {
        var exception = Assert.Throws<InvalidUrlException>(() => UrlRules.PrepareUrl(url));

        Assert.Equal($"Failed to parse: {url}", exception.Message);
    }

    [Theory]
    [InlineData("http://straße.de/", "http://xn--strae-oqa.de/")]
    [InlineData("http://ÉXAMPLE.com/", "http://xn--xample-9ua.com/")]
    [InlineData("http://café.com/", "http://xn--caf-dma.com/")]
    [InlineData("http://İstanbul.tr/", "http://xn--istanbul-o0e.tr/")]
    [InlineData("http://ابج.com/", "http://xn--mgbcm.com/")]
    [InlineData("http://l·l.com/", "http://xn--ll-0ea.com/")]
    [InlineData("http://ß.de/", "http://xn--zca.de/")]
    [InlineData("http://ς.gr/", "http://xn--3xa.gr/")]
    [InlineData("http://क्\u200Dष.in/", "http://xn--11b2ezcw70k.in/")]
    [InlineData("http://می\u200Cخواهم.ir/", "http://xn--mgbn2ecje63gr19l.ir/")]
    [InlineData("http://ア・イ.jp/", "http://xn--ccke4x.jp/")]
    [InlineData("http://\u0375α.gr/", "http://xn--wva4j.gr/")]
    [InlineData("http://א\u05F3.il/", "http://xn--4db4e.il/")]
    [InlineData("http://xn--n3h.日本/", "http://xn--n3h.xn--wgv71a/")]
    [InlineData("http://a_b.日本.jp/", "http://a_b.xn--wgv71a.jp/")]
    [InlineData("http://ab.ДОМ.рф/", "http://ab.xn--d1aqf.xn--p1ai/")]
    public void PrepareUrl_Idna2008Host_IsPunycoded_AsIdnaPackage(string url, string expected)
    {
        var prepared = UrlRules.PrepareUrl(url);

        Assert.Equal(expected, prepared.Url);
    }

    [Theory]
    [InlineData("http://host:80:/path")]
    [InlineData("http://host::80/")]
    [InlineData("http://user:pass@host:80:/")]
    public void PrepareUrl_SecondColonInAuthority_ThrowsFailedToParse_AsUrllib3(string url)
    {
        var exception = Assert.Throws<InvalidUrlException>(() => UrlRules.PrepareUrl(url));

        Assert.Equal($"Failed to parse: {url}", exception.Message);
    }

    [Fact]
    public void Classify_MatchesRfc5892ForSampleCodePoints()
    {
        Assert.Equal(IdnaRules.Class.Disallowed, IdnaRules.Classify(0x2603));
        Assert.Equal(IdnaRules.Class.Pvalid, IdnaRules.Classify(0x00DF));
        Assert.Equal(IdnaRules.Class.ContextJ, IdnaRules.Classify(0x200D));
        Assert.Equal(IdnaRules.Class.ContextO, IdnaRules.Classify(0x00B7));
        Assert.Equal(IdnaRules.Class.Pvalid, IdnaRules.Classify(0x13A0));
        Assert.Equal(IdnaRules.Class.Disallowed, IdnaRules.Classify(0xAB70));
        Assert.Equal(IdnaRules.Class.Disallowed, IdnaRules.Classify(0x1100));
    }

    [Theory]
    [InlineData("http://h:99999/")]
    [InlineData("http://h:65536/")]
    [InlineData("http://h:abc/")]
    public void PrepareUrl_InvalidPort_ThrowsFailedToParse(string url)
    {
        var exception = Assert.Throws<InvalidUrlException>(() => UrlRules.PrepareUrl(url));

        Assert.Equal($"Failed to parse: {url}", exception.Message);
    }

    [Theory]
    [InlineData("mailto:a@b.c")]
    [InlineData("localhost:8080")]
    [InlineData("ftp://x/y z")]
    [InlineData("data:text/plain,a b")]
    public void PrepareUrl_ColonWithoutHttpPrefix_PassesThroughUntouched(string url)
    {
        var prepared = UrlRules.PrepareUrl(url);

        Assert.Equal(url, prepared.Url);
        Assert.False(prepared.IsHttp);
        Assert.Null(prepared.User);
    }

    [Fact]
    public void PrepareUrl_HttpUrl_IsMarkedHttp()
    {
        var prepared = UrlRules.PrepareUrl("https://h/");

        Assert.True(prepared.IsHttp);
    }

    [Theory]
    [InlineData("http://user:p%40ss@h/", "user", "p@ss")]
    [InlineData("http://a%3Ab:c%3Ad@h/", "a:b", "c:d")]
    [InlineData("http://u:p@ss@h/", "u", "p@ss")]
    [InlineData("http://u:@h/", "u", "")]
    [InlineData("http://:pw@h/", "", "pw")]
    [InlineData("http://%C3%BC:p%C3%A4ss@h/", "ü", "päss")]
    public void PrepareUrl_UserInfo_IsPercentDecodedIntoUserAndPassword(string url, string user, string password)
    {
        var prepared = UrlRules.PrepareUrl(url);

        Assert.Equal(user, prepared.User);
        Assert.Equal(password, prepared.Password);
    }

    [Theory]
    [InlineData("http://user@h/")]
    [InlineData("http://:@h/")]
    [InlineData("http://@h/")]
    public void PrepareUrl_UserInfoWithoutPassword_CarriesNoCredentials_AsGetAuthFromUrl(string url)
    {
        // requests: get_auth_from_url gives ("", "") without a ':' and prepare_auth ignores it (checked with 2.34).
        var prepared = UrlRules.PrepareUrl(url);

        Assert.Null(prepared.User);
        Assert.Null(prepared.Password);
        Assert.Equal("http://h/", prepared.Url);
    }

    [Theory]
    [InlineData("http://user:p%40ss@h/", "http://h/")]
    [InlineData("http://u:p@ss@h:8080/x?q#f", "http://h:8080/x?q#f")]
    public void PrepareUrl_UserInfo_IsStrippedFromUrlBecauseItBecomesBasicAuth(string url, string expected)
    {
        var prepared = UrlRules.PrepareUrl(url);

        Assert.Equal(expected, prepared.Url);
    }

    [Fact]
    public void PrepareUrl_NoUserInfo_UserAndPasswordAreNull()
    {
        var prepared = UrlRules.PrepareUrl("http://h/p");

        Assert.Null(prepared.User);
        Assert.Null(prepared.Password);
    }

    [Theory]
    [InlineData("http://h/?q=0", "http://h/?q=0&a=1&b=2&b=3")]
    [InlineData("http://h/", "http://h/?a=1&b=2&b=3")]
    [InlineData("http://h/?", "http://h/?a=1&b=2&b=3")]
    [InlineData("http://h/#f", "http://h/?a=1&b=2&b=3#f")]
    [InlineData("http://h/?x=1#f", "http://h/?x=1&a=1&b=2&b=3#f")]
    public void PrepareUrl_Params_AreAppendedToQueryWithAmpersandBeforeFragment(string url, string expected)
    {
        var parameters = new QueryParams { { "a", "1" }, { "b", "2" }, { "b", "3" }, { "n", null } };

        var prepared = UrlRules.PrepareUrl(url, parameters);

        Assert.Equal(expected, prepared.Url);
    }

    [Fact]
    public void PrepareUrl_OnlyNullParams_LeavesUrlWithoutQuery()
    {
        var prepared = UrlRules.PrepareUrl("http://h/", new QueryParams { { "n", null } });

        Assert.Equal("http://h/", prepared.Url);
    }

    [Fact]
    public void PrepareUrl_PercentInParamValue_IsEncodedOnce()
    {
        var prepared = UrlRules.PrepareUrl("http://h/", new QueryParams { ["a"] = "%41", ["b"] = "%zz" });

        Assert.Equal("http://h/?a=%2541&b=%25zz", prepared.Url);
    }

    [Fact]
    public void PrepareUrl_NullUrl_ThrowsArgumentNull()
    {
        Assert.Throws<ArgumentNullException>(() => UrlRules.PrepareUrl(null!));
    }

    [Theory]
    [InlineData("http://h/%7Efoo%zz", "http://h/~foo%25zz")]
    [InlineData("http://h/%zz%41", "http://h/%25zzA")]
    [InlineData("http://h/p?%zz=1&b=%20", "http://h/p?%25zz=1&b=%20")]
    [InlineData("http://h/%", "http://h/%25")]
    [InlineData("http://h/%4", "http://h/%254")]
    public void RequoteUri_InvalidPercentEscape_EncodesOnlyThatPercent(string uri, string expected)
    {
        // requests encodes every '%' once one escape is invalid (http://h/%257Efoo%25zz); Pipeline departs.
        var requoted = UrlRules.RequoteUri(uri);

        Assert.Equal(expected, requoted);
    }

    [Fact]
    public void PrepareUrl_InvalidPercentEscape_EncodesOnlyThatPercent()
    {
        var prepared = UrlRules.PrepareUrl("http://h/%7Efoo%zz");

        Assert.Equal("http://h/~foo%25zz", prepared.Url);
    }

    [Theory]
    [InlineData("http://h/a b", "http://h/a%20b")]
    [InlineData("http://h/!#$%25&'()*+,/:;=?@[]~", "http://h/!#$%25&'()*+,/:;=?@[]~")]
    [InlineData("http://h/%7e%5b", "http://h/~%5B")]
    [InlineData("http://h/é", "http://h/%C3%A9")]
    public void RequoteUri_SafeSetKeptOthersQuoted_AsRequestsRequoteUri(string uri, string expected)
    {
        var requoted = UrlRules.RequoteUri(uri);

        Assert.Equal(expected, requoted);
    }

        private static readonly (string Input, string Expected)[] LoneSurrogateUriCases =
    [
        ("/" + (char)0xDC00 + "a", "/%EF%BF%BDa"),
        ("/" + (char)0xD800 + "a", "/%EF%BF%BDa"),
        ("/a" + (char)0xD800, "/a%EF%BF%BD"),
        ("/\uD83D\uDE00a", "/%F0%9F%98%80a"),
    ];

    private static readonly (string Input, string Expected)[] LoneSurrogateParamCases =
    [
        ((char)0xD800 + "x", "a=%EF%BF%BDx"),
        ("x" + (char)0xDC00 + "y", "a=x%EF%BF%BDy"),
        ("x" + (char)0xD800, "a=x%EF%BF%BD"),
    ];

    // Lone surrogates cannot be serialized into distinct test-case IDs, so the cases are passed by index.
    public static TheoryData<int> LoneSurrogateUris => [.. Enumerable.Range(0, LoneSurrogateUriCases.Length)];

    public static TheoryData<int> LoneSurrogateParams => [.. Enumerable.Range(0, LoneSurrogateParamCases.Length)];

    [Theory]
    [MemberData(nameof(LoneSurrogateUris))]
    public void RequoteUri_LoneSurrogate_EncodesReplacementCharacterAndKeepsNextCharacter(int index)
    {
        var (uri, expected) = LoneSurrogateUriCases[index];

        var requoted = UrlRules.RequoteUri(uri);

        Assert.Equal(expected, requoted);
    }

    [Theory]
    [InlineData("q", "a b", "q=a+b")]
    [InlineData("k", "ü", "k=%C3%BC")]
    [InlineData("ü", "😀", "%C3%BC=%F0%9F%98%80")]
    [InlineData("a", "x&y=z", "a=x%26y%3Dz")]
    [InlineData("a", "~._-*", "a=~._-%2A")]
    [InlineData("a", "!'()/:?#[]@+,;$", "a=%21%27%28%29%2F%3A%3F%23%5B%5D%40%2B%2C%3B%24")]
    [InlineData("a", "", "a=")]
    [InlineData("a b", "1", "a+b=1")]
    public void EncodeParams_Value_IsQuotedAsUrlencode(string key, string value, string expected)
    {
        var encoded = UrlRules.EncodeParams(new QueryParams { [key] = value });

        Assert.Equal(expected, encoded);
    }

    [Fact]
    public void EncodeParams_RepeatedKey_RepeatsInOrder()
    {
        var parameters = new QueryParams { { "b", "2" }, { "a", "1" }, { "b", "3" } };

        var encoded = UrlRules.EncodeParams(parameters);

        Assert.Equal("b=2&a=1&b=3", encoded);
    }

    [Fact]
    public void EncodeParams_NullValue_IsDropped()
    {
        var parameters = new QueryParams { { "n", null }, { "a", "1" }, { "m", null } };

        var encoded = UrlRules.EncodeParams(parameters);

        Assert.Equal("a=1", encoded);
    }

    [Fact]
    public void EncodeParams_Empty_ReturnsEmptyString()
    {
        var encoded = UrlRules.EncodeParams(new QueryParams());

        Assert.Equal(string.Empty, encoded);
    }

    [Theory]
    [MemberData(nameof(LoneSurrogateParams))]
    public void EncodeParams_LoneSurrogate_EncodesReplacementCharacterAndKeepsNeighbours(int index)
    {
        var (value, expected) = LoneSurrogateParamCases[index];

        var encoded = UrlRules.EncodeParams(new QueryParams { ["a"] = value });

        Assert.Equal(expected, encoded);
    }

    [Fact]
    public void EncodeForm_Fields_SpaceIsPlusNullDroppedRepeatedKept()
    {
        KeyValuePair<string, string?>[] fields = [new("a", "1"), new("b", "x y"), new("n", null), new("a", "ü")];

        var encoded = UrlRules.EncodeForm(fields);

        Assert.Equal("a=1&b=x+y&a=%C3%BC", encoded);
    }

    [Theory]
    [InlineData("http://h/", "http://h/?a=1")]
    [InlineData("http://h/?", "http://h/?a=1")]
    [InlineData("http://h/?q=0", "http://h/?q=0&a=1")]
    [InlineData("http://h/#f", "http://h/?a=1#f")]
    [InlineData("http://h/?x=1#f?g", "http://h/?x=1&a=1#f?g")]
    public void AppendParams_PreparedUrl_AddsToQueryBeforeFragment(string url, string expected)
    {
        var appended = UrlRules.AppendParams(url, new QueryParams { ["a"] = "1" });

        Assert.Equal(expected, appended);
    }

    [Fact]
    public void AppendParams_NothingToEncode_ReturnsUrlUnchanged()
    {
        var appended = UrlRules.AppendParams("http://h/?q", new QueryParams { ["n"] = null });

        Assert.Equal("http://h/?q", appended);
    }
}
