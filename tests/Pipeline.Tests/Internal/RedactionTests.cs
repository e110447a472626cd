namespace Pipeline.Tests.Internal;

public sealed class RedactionTests
{
    [Theory]
    [InlineData("Authorization", true)]
    [InlineData("authorization", true)]
    [InlineData("Proxy-Authorization", true)]
    [InlineData("COOKIE", true)]
    [InlineData("Set-Cookie", true)]
    [InlineData("X-Authorization-Hint", false)]
    [InlineData("Cookie2", false)]
    [InlineData("Accept", false)]
    public void IsSensitive_HeaderName_OnlyCredentialHeadersIgnoringCase(string name, bool expected)
    {
        var sensitive = Redaction.IsSensitive(name);

        Assert.Equal(expected, sensitive);
    }

    [Theory]
    [InlineData("Authorization", "Basic dXNlcjpwQHNz", "***")]
    [InlineData("cookie", "session=abc", "***")]
    [InlineData("X-Request-Id", "42", "42")]
    public void RedactHeaderValue_SensitiveHeader_IsMasked(string name, string value, string expected)
    {
        var redacted = Redaction.RedactHeaderValue(name, value);

        Assert.Equal(expected, redacted);
    }

    [Fact]
    public void FormatHeaders_MixedHeaders_MasksCredentialsAndMarksRemovals()
    {
        KeyValuePair<string, string?>[] headers =
            [new("Authorization", "Bearer t0ken"), new("X-A", "v"), new("Cookie", "s=1"), new("X-Gone", null)];

        var text = Redaction.FormatHeaders(headers);

        Assert.Equal("Authorization: ***\nX-A: v\nCookie: ***\nX-Gone: (removed)", text);
    }

    [Theory]
    [InlineData("http://u:p@h/x", "http://***@h/x")]
    [InlineData("https://user@h", "https://***@h")]
    [InlineData("http://u:p@ss@h:8080/x?q#f", "http://***@h:8080/x?q#f")]
    [InlineData("http://u:p@h?q=a@b", "http://***@h?q=a@b")]
    [InlineData("socks5://u:p@proxy:1080", "socks5://***@proxy:1080")]
    public void RedactUrl_UserInfo_IsReplacedWithMask(string url, string expected)
    {
        var redacted = Redaction.RedactUrl(url);

        Assert.Equal(expected, redacted);
    }

    [Theory]
    [InlineData("u:p@proxy:3128", "***@proxy:3128")]
    [InlineData("http://u:p@proxy:3128", "http://***@proxy:3128")]
    [InlineData("proxy:3128", "proxy:3128")]
    public void RedactProxyUrl_SchemeLessUserInfo_IsReplacedWithMask(string url, string expected)
    {
        var redacted = Redaction.RedactProxyUrl(url);

        Assert.Equal(expected, redacted);
    }

    [Theory]
    [InlineData("http://h/x")]
    [InlineData("http://h/p@x")]
    [InlineData("http://h/?a=b@c")]
    [InlineData("http://h#me@x")]
    [InlineData("http://")]
    [InlineData("")]
    [InlineData("/relative/path")]
    [InlineData("mailto:user@example.org")]
    [InlineData("xmpp:user@example.org/resource")]
    public void RedactUrl_NoUserInfo_IsUnchanged(string url)
    {
        var redacted = Redaction.RedactUrl(url);

        Assert.Equal(url, redacted);
    }

    [Fact]
    public void HeaderMap_ToString_RedactsCredentials()
    {
        var headers = new HeaderMap { ["Authorization"] = "Basic c2VjcmV0", ["Accept"] = "*/*" };

        var text = headers.ToString();

        Assert.Equal("Authorization: ***\nAccept: */*", text);
    }

    [Fact]
    public void ProxyMap_ToString_RedactsProxyCredentials()
    {
        var proxies = new ProxyMap { ["http"] = "http://u:secret@p:3128", ["https"] = null };

        var text = proxies.ToString();

        Assert.Equal("http=http://***@p:3128, https=null", text);
    }

    [Fact]
    public void CookieJar_ToString_NeverShowsValues()
    {
        var jar = new CookieJar();
        jar.Set("sid", "secret-value");
        jar.Set("pref", "dark", domain: "example.com", path: "/app");

        var text = jar.ToString();

        Assert.Equal("<CookieJar[<Cookie sid=*** for */>, <Cookie pref=*** for example.com/app>]>", text);
        Assert.DoesNotContain("secret-value", text);
    }
}
