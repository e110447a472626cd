using Pipeline.Tests.Infrastructure;

namespace Pipeline.Tests.Reliability;

/// <summary>
/// A Set-Cookie whose name or value holds a control character is ignored (RFC 6265bis section 5.6), found by
/// <see cref="HostileInputPropertyTests"/>: a NUL value used to be stored and then fail every later request to the site
/// with InvalidHeaderException, and a NUL in a name was a CookieException from the response.
/// </summary>
[Trait("Category", "Reliability")]
public sealed class SetCookieControlCharacterTests
{
    private static readonly DateTime Now = new(2025, 6, 1, 0, 0, 0, DateTimeKind.Utc);

    [Theory]
    [InlineData("k=a\0b")]
    [InlineData("k\0=v")]
    [InlineData("\rf\0=t")]
    [InlineData("k=a\u0001")]
    [InlineData("k=a\u001fb")]
    [InlineData("k=a\u007f")]
    [InlineData("k\u0001=v")]
    public void ParseSetCookie_ControlCharacterInNameOrValue_IsIgnored(string header)
    {
        var entry = CookieRules.ParseSetCookie(header, new Uri("http://example.test/"), Now, out var refusal);

        Assert.Null(entry);
        Assert.Equal(CookieRefusal.InvalidSyntax, refusal);
    }

    [Fact]
    public void ParseSetCookie_TabInValue_IsKept()
    {
        var entry = CookieRules.ParseSetCookie("k=a\tb", new Uri("http://example.test/"), Now, out _);

        Assert.Equal("a\tb", entry?.Cookie.Value);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Session_ServerSetsCookiesWithControlCharacters_TheyAreIgnored_AndLaterRequestsSucceed(string kind)
    {
        await using var server = new RawHttpServer(request => request.Target == "/set"
            ? "HTTP/1.1 200 OK\r\nSet-Cookie: bad=a\u0001b\r\nSet-Cookie: worse\u001f=v\r\nSet-Cookie: good=1\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
            : RawRequest.Ok());
        using var handle = TestSessions.Create(kind, s => s.TrustEnv = false);

        using var set = await handle.Session.GetAsync(server.BaseUrl + "/set");
        using var next = await handle.Session.GetAsync(server.BaseUrl + "/next");

        Assert.Equal("good=1", server.Requests[1].Header("Cookie"));
        Assert.Equal(["good"], handle.Session.Cookies.Select(c => c.Name));
    }

    public static TheoryData<string> Kinds => TestSessions.Kinds;
}
