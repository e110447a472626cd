using Pipeline.Tests.Infrastructure;

namespace Pipeline.Tests.Redirects;

/// <summary>
/// A Location carrying <c>user:password@</c>: the credentials are not used for the next hop (as requests, which sends no
/// Authorization for them), and the password appears nowhere: Response.Url, History, Next, logs, exception messages.
/// </summary>
public sealed class RedirectCredentialTests
{
    private const string Password = "s3cr3t-pw";

    public static TheoryData<string> Kinds => TestSessions.Kinds;

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Redirect_LocationWithCredentials_AreNotUsedAndNeverShown(string kind)
    {
        await using var server = RedirectingServer(out var port);
        using var handle = TestSessions.Create(kind);

        using var response = await handle.Session.GetAsync(server.BaseUrl + "/start");

        Assert.Equal($"http://127.0.0.1:{port()}/next", response.Url);
        Assert.DoesNotContain(Password, response.Url);
        Assert.DoesNotContain(Password, response.History[0].Url);
        Assert.DoesNotContain(Password, response.Request.Url);
        Assert.Null(server.Requests[1].Header("Authorization"));
        Assert.Equal("/next", server.Requests[1].Target);
    }

    [Fact]
    public async Task Redirect_NotFollowed_NextHasNoCredentials()
    {
        await using var server = RedirectingServer(out _);
        using var session = new Session();

        using var response = await session.GetAsync(server.BaseUrl + "/start", new() { AllowRedirects = false });

        Assert.DoesNotContain(Password, response.Next!.Url);
        Assert.DoesNotContain("user", response.Next.Url);
    }

    [Fact]
    public async Task Redirect_LoopThroughCredentials_TooManyRedirectsShowsNoPassword()
    {
        RawHttpServer? self = null;
        await using var server = self = new RawHttpServer(_ => RawRequest.Redirect(302, $"http://user:{Password}@{self!.BaseUrl[7..]}/loop"));
        using var session = new Session { MaxRedirects = 3 };

        var error = await Assert.ThrowsAsync<TooManyRedirectsException>(() => session.GetAsync(server.BaseUrl + "/loop"));

        Assert.DoesNotContain(Password, error.ToString());
        Assert.DoesNotContain(Password, error.Response!.Url);
        Assert.DoesNotContain(Password, error.Request!.Url);
        Assert.All(error.Response.History, h => Assert.DoesNotContain(Password, h.Url));
    }

    [Fact]
    public async Task Redirect_ToAnUnservedSchemeWithCredentials_MessageShowsNoPassword()
    {
        await using var server = new RawHttpServer(_ => RawRequest.Redirect(302, $"ftp://user:{Password}@files.test/x"));
        using var session = new Session();

        var error = await Assert.ThrowsAsync<InvalidSchemaException>(() => session.GetAsync(server.BaseUrl));

        Assert.DoesNotContain(Password, error.ToString());
    }

    [Fact]
    public async Task Redirect_LocationWithCredentials_LogsShowNoPassword()
    {
        await using var server = RedirectingServer(out _);
        using var sink = new LogSink();
        using var session = new Session(new SessionSettings { Retry = RetryPolicy.FromCount(1) }, sink);

        using var response = await session.GetAsync(server.BaseUrl + "/start");

        Assert.DoesNotContain(sink.Messages, m => m.Contains(Password, StringComparison.Ordinal));
    }

    private static RawHttpServer RedirectingServer(out Func<int> port)
    {
        RawHttpServer? server = null;
        server = new RawHttpServer(r => r.Target == "/start"
            ? RawRequest.Redirect(302, $"http://user:{Password}@{server!.BaseUrl[7..]}/next")
            : RawRequest.Ok("landed"));
        var created = server;
        port = () => new Uri(created.BaseUrl).Port;
        return server;
    }
}
