using System.Net;

namespace Pipeline.Tests.Redirects;

public sealed class RedirectRulesTests
{
    [Theory]
    [InlineData(301)]
    [InlineData(302)]
    [InlineData(303)]
    [InlineData(307)]
    [InlineData(308)]
    public void GetRedirectTarget_RedirectStatiWithLocation_ReturnsLocation(int status)
    {
        var target = RedirectRules.GetRedirectTarget((HttpStatusCode)status, "/next?q=1");

        Assert.Equal("/next?q=1", target);
    }

    [Theory]
    [InlineData(300, "/next")]
    [InlineData(304, "/next")]
    [InlineData(305, "/next")]
    [InlineData(200, "/next")]
    [InlineData(201, "/next")]
    [InlineData(301, null)]
    [InlineData(302, null)]
    [InlineData(307, null)]
    public void GetRedirectTarget_NotInRedirectStatiOrNoLocation_ReturnsNull(int status, string? location)
    {
        var target = RedirectRules.GetRedirectTarget((HttpStatusCode)status, location);

        Assert.Null(target);
    }

    [Fact]
    public void GetRedirectTarget_EmptyLocation_ReturnsNull_AsResolveRedirectsWhileUrl()
    {
        // requests' resolve_redirects loops `while url:`, so an empty Location ends the chain at the 3xx.
        var target = RedirectRules.GetRedirectTarget(HttpStatusCode.Found, string.Empty);

        Assert.Null(target);
    }

    [Fact]
    public void GetRedirectTarget_Utf8BytesReadAsLatin1_ReturnsUtf8Text()
    {
        var target = RedirectRules.GetRedirectTarget(HttpStatusCode.Found, "/echo/caf\u00C3\u00A9?x=\u00C3\u00BC");

        Assert.Equal("/echo/caf\u00E9?x=\u00FC", target);
    }

    [Theory]
    [InlineData(303, "POST", "GET")]
    [InlineData(303, "PUT", "GET")]
    [InlineData(303, "DELETE", "GET")]
    [InlineData(303, "GET", "GET")]
    [InlineData(303, "HEAD", "HEAD")]
    [InlineData(302, "POST", "GET")]
    [InlineData(302, "PUT", "GET")]
    [InlineData(302, "PATCH", "GET")]
    [InlineData(302, "HEAD", "HEAD")]
    [InlineData(301, "POST", "GET")]
    [InlineData(301, "PUT", "PUT")]
    [InlineData(301, "DELETE", "DELETE")]
    [InlineData(301, "HEAD", "HEAD")]
    [InlineData(301, "GET", "GET")]
    [InlineData(307, "POST", "POST")]
    [InlineData(307, "PUT", "PUT")]
    [InlineData(307, "HEAD", "HEAD")]
    [InlineData(308, "POST", "POST")]
    [InlineData(308, "DELETE", "DELETE")]
    public void RebuildMethod_RequestsRebuildMethodTable_ReturnsExpectedMethod(int status, string method, string expected)
    {
        var rebuilt = RedirectRules.RebuildMethod((HttpStatusCode)status, method);

        Assert.Equal(expected, rebuilt);
    }

    [Fact]
    public void RebuildMethod_303_ChangesPostToGet()
    {
        Assert.Equal("GET", RedirectRules.RebuildMethod(HttpStatusCode.SeeOther, "POST"));
    }

    [Fact]
    public void RebuildMethod_301_KeepsPut_OnlyPostBecomesGet()
    {
        Assert.Equal("PUT", RedirectRules.RebuildMethod(HttpStatusCode.MovedPermanently, "PUT"));
    }

    [Theory]
    [InlineData(307, true)]
    [InlineData(308, true)]
    [InlineData(301, false)]
    [InlineData(302, false)]
    [InlineData(303, false)]
    public void KeepsBody_OnlyTemporaryAndPermanentRedirect_KeepBody(int status, bool expected)
    {
        Assert.Equal(expected, RedirectRules.KeepsBody((HttpStatusCode)status));
    }

    // Every row was checked against requests 2.34's Session.should_strip_auth.
    [Theory]
    [InlineData("http://h/", "https://h/", false)]
    [InlineData("http://h/", "https://h:8443/", true)]
    [InlineData("https://h/", "http://h/", true)]
    [InlineData("http://h:8080/", "https://h:8080/", true)]
    [InlineData("http://127.0.0.1:5000/", "http://localhost:5000/", true)]
    [InlineData("http://h:5000/", "http://h:5001/", true)]
    [InlineData("http://h/a", "http://h/b", false)]
    [InlineData("http://H/a", "http://h/b", false)]
    [InlineData("http://h:80/", "https://h:443/", false)]
    [InlineData("http://h/", "http://h:80/", false)]
    [InlineData("https://h/", "https://h:443/x", false)]
    [InlineData("http://h/", "http://other/", true)]
    [InlineData("http://h:443/", "https://h/", true)]
    [InlineData("https://h:443/", "http://h:80/", true)]
    public void ShouldStripAuth_RequestsShouldStripAuthTable_MatchesRequests(string oldUrl, string newUrl, bool expected)
    {
        var strip = RedirectRules.ShouldStripAuth(new Uri(oldUrl), new Uri(newUrl));

        Assert.Equal(expected, strip);
    }

    // Expected values are what requests' resolve_redirects builds (urljoin/requote_uri), except the last row, where
    // Pipeline encodes only the invalid escape's '%' (a documented departure from requote_uri's double-encoding).
    [Theory]
    [InlineData("http://h/a/b", "echo/x", "http://h/a/echo/x")]
    [InlineData("http://h/a/b", "/abs", "http://h/abs")]
    [InlineData("http://h/a/b/c", "../d", "http://h/a/d")]
    [InlineData("http://h/a/b?x=1", "?q=2", "http://h/a/b?q=2")]
    [InlineData("http://h:8080/a", "b", "http://h:8080/b")]
    [InlineData("https://h/a", "//other:8443/p", "https://other:8443/p")]
    [InlineData("http://h/a", "//other/p", "http://other/p")]
    [InlineData("http://h/a", "https://h/", "https://h/")]
    [InlineData("http://h/a", "http://o/a b", "http://o/a%20b")]
    [InlineData("http://h/a", "/p?a=b c&d=%41", "http://h/p?a=b%20c&d=A")]
    [InlineData("http://h/a", "/caf\u00E9 x?q=\u00FC", "http://h/caf%C3%A9%20x?q=%C3%BC")]
    [InlineData("http://h/a", "/%7Efoo%zz", "http://h/~foo%25zz")]
    public void ResolveLocation_RequestsResolveRedirects_JoinsAndRequotes(string previous, string location, string expected)
    {
        var url = RedirectRules.ResolveLocation(new Uri(previous), location);

        Assert.Equal(expected, url);
    }

    [Theory]
    [InlineData("http://h/a#orig", "/b", "http://h/b#orig")]
    [InlineData("http://h/a#orig", "http://o/c", "http://o/c#orig")]
    [InlineData("http://h/a#orig", "//o/c", "http://o/c#orig")]
    [InlineData("http://h/a#orig", "/b#", "http://h/b#orig")]
    [InlineData("http://h/a#orig", "/b#new", "http://h/b#new")]
    [InlineData("http://h/a", "/b#new", "http://h/b#new")]
    [InlineData("http://h/a", "/b#", "http://h/b")]
    [InlineData("http://h/a", "http://o/c#", "http://o/c")]
    [InlineData("http://h/a", "/b", "http://h/b")]
    public void ResolveLocation_Fragment_InheritedWhenLocationHasNone_AsRfc7231(string previous, string location, string expected)
    {
        var url = RedirectRules.ResolveLocation(new Uri(previous), location);

        Assert.Equal(expected, url);
    }

    [Theory]
    [InlineData("/caf\u00C3\u00A9", "/caf\u00E9")]
    [InlineData("/echo/caf\u00C3\u00A9?x=\u00C3\u00BC", "/echo/caf\u00E9?x=\u00FC")]
    [InlineData("/\u00E2\u0082\u00AC", "/\u20AC")]
    [InlineData("/caf\u00E9", "/caf\u00E9")]
    [InlineData("/\u00FF\u00FE", "/\u00FF\u00FE")]
    [InlineData("/plain?a=1", "/plain?a=1")]
    [InlineData("/\u20AC", "/\u20AC")]
    [InlineData("", "")]
    public void FixLatin1_Latin1DecodedUtf8_IsRecovered_RealLatin1Stays(string value, string expected)
    {
        Assert.Equal(expected, RedirectRules.FixLatin1(value));
    }
}
