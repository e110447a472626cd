using Microsoft.Extensions.Time.Testing;
using Pipeline.Tests.Infrastructure;

namespace Pipeline.Tests.Cookies;

/// <summary>RFC 6265 §5.2: a cookie's name is everything before the first '=', trimmed, so it may hold a space.</summary>
[Collection(LoopbackCollection.Name)]
public sealed class CookieNameTests(HttpbinFixture httpbin)
{
    private static readonly DateTime Now = new(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    public static TheoryData<string> Kinds => TestSessions.Kinds;

    [Theory]
    [InlineData("a b=x", "a b", "x")]
    [InlineData("  a b  = x ; Path=/", "a b", "x")]
    [InlineData("a  b=x", "a  b", "x")]
    public void ParseSetCookie_NameWithASpace_IsStoredTrimmed_AsRfc6265Section52(string header, string name, string value)
    {
        var entry = CookieRules.ParseSetCookie(header, new Uri("http://h/"), Now);

        Assert.Equal(name, entry?.Cookie.Name);
        Assert.Equal(value, entry?.Cookie.Value);
    }

    [Fact]
    public void BuildCookieHeader_NameWithASpace_IsSentBack()
    {
        var jar = new CookieJar();
        jar.Store(CookieRules.ParseSetCookie("a b=x", new Uri("http://h/"), Now)!);

        var header = CookieRules.BuildCookieHeader(jar, null, new Uri("http://h/"), new FakeTimeProvider(Now));

        Assert.Equal("a b=x", header);
        Assert.Equal("x", jar["a b"]);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task SetCookie_NameWithASpace_IsStoredAndSentBack_AsRequests(string kind)
    {
        // requests 2.34 against httpbin: the jar holds ('127.0.0.1', '/', 'a b', 'x') and /headers shows "a b=x".
        using var handle = TestSessions.Create(kind);

        await handle.Session.GetAsync(httpbin.Url("/response-headers?Set-Cookie=" + Uri.EscapeDataString("a b=x")));
        var response = await handle.Session.GetAsync(httpbin.Url("/headers"));

        Assert.Equal("x", handle.Session.Cookies["a b"]);
        Assert.Equal("a b=x", response.Json().GetProperty("headers").GetProperty("Cookie").GetString());
    }
}
