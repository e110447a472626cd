using Microsoft.Extensions.DependencyInjection;
using Pipeline.Tests.DependencyInjection;
using Pipeline.Tests.Infrastructure;

namespace Pipeline.Tests.Preparation;

/// <summary>
/// Control characters (RFC 9110 section 5.5: everything below 0x20 but HTAB, and DEL) never reach the wire, whichever
/// way a header is set: request, session, prepared request, cookie, multipart part, or a stage that runs later.
/// </summary>
public sealed class HeaderInjectionTests
{
    public static TheoryData<char> ControlCharacters => ['\0', '\x01', '\x08', '\x0B', '\x0C', '\x1F', '\x7F'];

    [Theory]
    [MemberData(nameof(ControlCharacters))]
    public async Task RequestHeaderValue_ControlCharacter_IsInvalidHeaderExceptionBeforeSending(char control)
    {
        await using var server = new RawHttpServer();
        using var session = new Session();

        await Assert.ThrowsAsync<InvalidHeaderException>(
            () => session.GetAsync(server.BaseUrl, new() { Headers = new() { ["X-Test"] = "a" + control + "b" } }));

        Assert.Empty(server.Requests);
    }

    [Theory]
    [MemberData(nameof(ControlCharacters))]
    public async Task SessionHeaderValue_ControlCharacter_IsInvalidHeaderExceptionBeforeSending(char control)
    {
        await using var server = new RawHttpServer();
        using var session = new Session();
        session.Headers["X-Test"] = "a" + control + "b";

        await Assert.ThrowsAsync<InvalidHeaderException>(() => session.GetAsync(server.BaseUrl));

        Assert.Empty(server.Requests);
    }

    [Theory]
    [MemberData(nameof(ControlCharacters))]
    public async Task HeaderName_ControlCharacter_IsInvalidHeaderException(char control)
    {
        await using var server = new RawHttpServer();
        using var session = new Session();

        await Assert.ThrowsAsync<InvalidHeaderException>(
            () => session.GetAsync(server.BaseUrl, new() { Headers = new() { ["X-" + control + "Test"] = "b" } }));

        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task PreparedRequest_NulInAHeader_IsInvalidHeaderExceptionBeforeSending()
    {
        await using var server = new RawHttpServer();
        using var session = new Session();
        var prepared = session.PrepareRequest(new Request("GET", server.BaseUrl));
        prepared.Headers["X-Test"] = "a\0b";

        await Assert.ThrowsAsync<InvalidHeaderException>(() => session.SendAsync(prepared));

        Assert.Empty(server.Requests);
    }

    [Fact]
    public void PrepareRequest_NulInAHeader_IsInvalidHeaderException()
    {
        using var session = new Session();

        Assert.Throws<InvalidHeaderException>(
            () => session.PrepareRequest(new Request("GET", "http://example.test/") { Headers = new() { ["X-Test"] = "a\0b" } }));
    }

    [Fact]
    public async Task HeaderValue_HorizontalTab_IsSent()
    {
        await using var server = new RawHttpServer();
        using var session = new Session();

        await session.GetAsync(server.BaseUrl, new() { Headers = new() { ["X-Test"] = "a\tb" } });

        Assert.Equal("a\tb", Assert.Single(server.Requests).Header("X-Test"));
    }

    [Fact]
    public async Task StageAddsANulHeaderLater_IsInvalidHeaderException_AndNothingIsSent()
    {
        await using var server = new RawHttpServer();
        var services = new ServiceCollection();
        services.AddSession("nul").AddStage(_ => new AppendHeaderStage("X-Late", "a\0b"));
        using var provider = services.BuildServiceProvider();
        var session = provider.GetRequiredService<ISessionFactory>().Create("nul");

        var error = await Assert.ThrowsAsync<InvalidHeaderException>(() => session.GetAsync(server.BaseUrl));

        Assert.Contains("X-Late", error.Message);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task CookieValueWithNul_NeverReachesTheWire()
    {
        await using var server = new RawHttpServer();
        using var session = new Session();
        try
        {
            session.Cookies.Set("name", "a\0b");
        }
        catch (ArgumentException)
        {
            // The jar may refuse it outright; either way it must not be sent.
        }

        var send = session.GetAsync(server.BaseUrl);

        if (session.Cookies.Count > 0)
        {
            await Assert.ThrowsAsync<InvalidHeaderException>(() => send);
            Assert.Empty(server.Requests);
        }
        else
        {
            await send;
            Assert.DoesNotContain(server.Requests, r => r.Header("Cookie") is not null);
        }
    }

    [Fact]
    public async Task RequestCookieValueWithNul_IsInvalidHeaderException()
    {
        await using var server = new RawHttpServer();
        using var session = new Session();

        await Assert.ThrowsAsync<InvalidHeaderException>(
            () => session.GetAsync(server.BaseUrl, new() { Cookies = new Dictionary<string, string> { ["name"] = "a\0b" } }));

        Assert.Empty(server.Requests);
    }

    [Theory]
    [InlineData("text/plain\r\nX-Injected: 1")]
    [InlineData("text/plain\nX-Injected: 1")]
    [InlineData("text/plain\rX-Injected: 1")]
    [InlineData("text/plain\0")]
    [InlineData("text/plain\x7F")]
    public void FileItem_ContentTypeWithControlCharacters_IsInvalidHeaderException(string contentType)
    {
        Assert.Throws<InvalidHeaderException>(() => new FileItem("a.txt", "x"u8.ToArray(), contentType));
        Assert.Throws<InvalidHeaderException>(() => new FileItem("a.txt", new MemoryStream(), contentType));
    }

    [Fact]
    public async Task FileItem_ContentTypeInjection_NeverReachesTheBody()
    {
        await using var server = new RawHttpServer();
        using var session = new Session();

        var send = async () =>
        {
            var files = new FileMap { ["f"] = new FileItem("a.txt", "x"u8.ToArray(), "text/plain\r\nX-Injected: 1") };
            await session.PostAsync(server.BaseUrl, new() { Files = files });
        };

        await Assert.ThrowsAsync<InvalidHeaderException>(send);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public void BearerAuth_TokenWithControlCharacter_IsArgumentException()
    {
        var error = Assert.Throws<ArgumentException>(() => new BearerAuth("abc\0def"));

        Assert.Equal("token", error.ParamName);
    }
}
