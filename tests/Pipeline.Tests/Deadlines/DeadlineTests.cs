using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Tests.DependencyInjection;
using Pipeline.Tests.Infrastructure;

namespace Pipeline.Tests.Deadlines;

/// <summary>
/// <see cref="Session.Deadline"/>: one bound for the whole call, through both pipelines, against raw-socket servers that
/// hold their answers, on a fake clock advanced only once the wait it ends has started.
/// </summary>
public sealed class DeadlineTests
{
    private static readonly TimeSpan Two = TimeSpan.FromSeconds(2);

    public static TheoryData<string> Kinds => TestSessions.Kinds;

    private static (SessionHandle Handle, ContextProbe Probe) Create(string kind, ScriptedServer server, CountingClock clock, Action<SessionSettings>? configure = null)
    {
        var handle = TestSessions.Create(kind, s =>
        {
            s.TimeProvider = clock;
            s.Deadline = Two;
            configure?.Invoke(s);
        });
        var probe = new ContextProbe();
        handle.Session.Mount(server.BaseUrl + "/", probe);
        return (handle, probe);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Deadline_SlowFirstHop_ThrowsDeadlineExceeded(string kind)
    {
        // Arrange
        var clock = new CountingClock();
        await using var server = new ScriptedServer(x => x.HoldAsync());
        var (handle, probe) = Create(kind, server, clock);
        using var _ = handle;
        using var __ = probe;

        // Act
        var call = handle.Session.GetAsync(server.Url("/slow"));
        await server.WaitForRequestsAsync(1);
        clock.Advance(Two);
        var error = await Assert.ThrowsAsync<DeadlineExceededException>(() => call);

        // Assert
        Assert.Equal("The call's deadline of 2 s passed during hop 1, attempt 1, while waiting for the response.", error.Message);
        Assert.IsAssignableFrom<RequestTimeoutException>(error);
        Assert.IsAssignableFrom<OperationCanceledException>(error.InnerException);
        Assert.Equal((Two, 1, 1), (error.Deadline, error.Hop, error.Attempt));
        Assert.Equal(server.Url("/slow"), error.Request!.Url);
        Assert.Null(error.Response);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Deadline_DuringARedirectChain_NamesTheHopAndItsRedactedTarget(string kind)
    {
        // Arrange
        var clock = new CountingClock();
        await using var server = new ScriptedServer(x => x.Request.Target switch
        {
            "/a" => x.WriteAsync(RawRequest.Redirect(302, "/b")),
            "/b" => x.WriteAsync(RawRequest.Redirect(302, "/c?token=secret-value")),
            _ => x.HoldAsync(),
        });
        var (handle, probe) = Create(kind, server, clock);
        using var _ = handle;
        using var __ = probe;

        // Act
        var call = handle.Session.GetAsync(server.Url("/a"));
        await server.WaitForRequestsAsync(3);
        clock.Advance(Two);
        var error = await Assert.ThrowsAsync<DeadlineExceededException>(() => call);

        // Assert
        Assert.Equal($"The call's deadline of 2 s passed during hop 3 (a redirect to {server.BaseUrl}/c?token=*), attempt 1, while waiting for the response.", error.Message);
        Assert.DoesNotContain("secret-value", error.Message, StringComparison.Ordinal);
        Assert.Equal(3, error.Hop);
        Assert.EndsWith("/c?token=secret-value", error.Request!.Url, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Deadline_DuringRetryAfterWaits_PassesWhileWaitingToRetry(string kind)
    {
        // Arrange
        var clock = new CountingClock();
        await using var server = new ScriptedServer(x =>
            x.WriteAsync("HTTP/1.1 429 Too Many Requests\r\nRetry-After: 10\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"));
        var (handle, probe) = Create(kind, server, clock, s =>
        {
            s.Deadline = TimeSpan.FromSeconds(15);
            s.Retry = RetryPolicy.FromCount(5);
        });
        using var _ = handle;
        using var __ = probe;

        // Act: the deadline's timer, then the first Retry-After wait (10 s), then the second, which the deadline cuts short.
        var call = handle.Session.GetAsync(server.Url("/limited"));
        await clock.WaitForTimersAsync(2);
        clock.Advance(TimeSpan.FromSeconds(10));
        await clock.WaitForTimersAsync(3);
        clock.Advance(TimeSpan.FromSeconds(5));
        var error = await Assert.ThrowsAsync<DeadlineExceededException>(() => call);

        // Assert
        Assert.Equal("The call's deadline of 15 s passed during hop 1, attempt 2, while waiting to retry.", error.Message);
        Assert.Equal(2, server.RequestCount);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Deadline_DuringBodyBuffering_CarriesTheResponse(string kind)
    {
        // Arrange
        var clock = new CountingClock();
        await using var server = new ScriptedServer(async x =>
        {
            await x.WriteAsync("HTTP/1.1 200 OK\r\nContent-Length: 200\r\nConnection: close\r\n\r\n" + new string('a', 100));
            await x.HoldAsync();
        });
        var (handle, probe) = Create(kind, server, clock);
        using var _ = handle;
        using var __ = probe;

        // Act
        var call = handle.Session.GetAsync(server.Url("/half"));
        await probe.WaitForStepAsync(CallStep.ReadingBody);
        clock.Advance(Two);
        var error = await Assert.ThrowsAsync<DeadlineExceededException>(() => call);

        // Assert
        Assert.Equal("The call's deadline of 2 s passed during hop 1, attempt 1, while reading the response body.", error.Message);
        Assert.Equal(HttpStatusCode.OK, error.Response!.StatusCode);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task CallerCancellation_WithADeadline_StaysOperationCanceled(string kind)
    {
        var clock = new CountingClock();
        await using var server = new ScriptedServer(x => x.HoldAsync());
        var (handle, probe) = Create(kind, server, clock);
        using var _ = handle;
        using var __ = probe;
        using var cancel = new CancellationTokenSource();

        var call = handle.Session.GetAsync(server.Url("/slow"), cancellationToken: cancel.Token);
        await server.WaitForRequestsAsync(1);
        await cancel.CancelAsync();
        var error = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);

        Assert.Equal(cancel.Token, error.CancellationToken);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task ReadTimeout_ShorterThanTheDeadline_IsStillReadTimeout(string kind)
    {
        var clock = new CountingClock();
        await using var server = new ScriptedServer(x => x.HoldAsync());
        var (handle, probe) = Create(kind, server, clock, s =>
        {
            s.Deadline = TimeSpan.FromMinutes(5);
            s.Timeout = new RequestTimeout(null, TimeSpan.FromMilliseconds(200));
        });
        using var _ = handle;
        using var __ = probe;

        var error = await Assert.ThrowsAsync<ReadTimeoutException>(() => handle.Session.GetAsync(server.Url("/slow")));

        Assert.StartsWith("Read timed out.", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Deadline_ShorterThanTheReadTimeout_IsDeadlineExceeded(string kind)
    {
        var clock = new CountingClock();
        await using var server = new ScriptedServer(x => x.HoldAsync());
        var (handle, probe) = Create(kind, server, clock, s => s.Timeout = TimeSpan.FromMinutes(5));
        using var _ = handle;
        using var __ = probe;

        var call = handle.Session.GetAsync(server.Url("/slow"));
        await server.WaitForRequestsAsync(1);
        clock.Advance(Two);

        await Assert.ThrowsAsync<DeadlineExceededException>(() => call);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task RequestOptionsDeadline_OverridesTheSessions(string kind)
    {
        var clock = new CountingClock();
        await using var server = new ScriptedServer(x => x.HoldAsync());
        var (handle, probe) = Create(kind, server, clock, s => s.Deadline = TimeSpan.FromMinutes(5));
        using var _ = handle;
        using var __ = probe;

        var call = handle.Session.GetAsync(server.Url("/slow"), new() { Deadline = TimeSpan.FromMilliseconds(500) });
        await server.WaitForRequestsAsync(1);
        clock.Advance(TimeSpan.FromMilliseconds(500));
        var error = await Assert.ThrowsAsync<DeadlineExceededException>(() => call);

        Assert.StartsWith("The call's deadline of 500 ms passed", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Deadline_DuringADigestReSend_NamesTheReSend(string kind)
    {
        var clock = new CountingClock();
        await using var server = new ScriptedServer(x => x.Index == 0
            ? x.WriteAsync("HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Digest realm=\"r\", nonce=\"abc\", qop=\"auth\"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            : x.HoldAsync());
        var (handle, probe) = Create(kind, server, clock, s => s.Auth = new DigestAuth("user", "digest-password"));
        using var _ = handle;
        using var __ = probe;

        var call = handle.Session.GetAsync(server.Url("/private"));
        await server.WaitForRequestsAsync(2);
        clock.Advance(Two);
        var error = await Assert.ThrowsAsync<DeadlineExceededException>(() => call);

        Assert.Equal("The call's deadline of 2 s passed during hop 1 (re-sent for auth), attempt 1, while waiting for the response.", error.Message);
        Assert.DoesNotContain("digest-password", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Deadline_DuringAnOAuth2TokenRequest_CountsAgainstTheCall(string kind)
    {
        var clock = new CountingClock();
        await using var server = new ScriptedServer(x => x.HoldAsync());
        var (handle, probe) = Create(kind, server, clock, s => s.Auth = new OAuth2ClientCredentialsAuth(server.Url("/token"), "client", "client-secret"));
        using var _ = handle;
        using var __ = probe;

        var call = handle.Session.GetAsync(server.Url("/api"));
        await server.WaitForRequestsAsync(1);
        clock.Advance(Two);
        var error = await Assert.ThrowsAsync<DeadlineExceededException>(() => call);

        Assert.Equal("The call's deadline of 2 s passed during hop 1, attempt 1, while getting an OAuth2 token.", error.Message);
        Assert.Equal("POST /token HTTP/1.1", Assert.Single(server.Requests).RequestLine);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Stream_TheDeadlineEndsAtTheResponseHead(string kind)
    {
        // Arrange
        var clock = new CountingClock();
        var rest = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = new ScriptedServer(async x =>
        {
            await x.WriteAsync("HTTP/1.1 200 OK\r\nContent-Length: 10\r\nConnection: close\r\n\r\nhello");
            await rest.Task.WaitAsync(x.Stopping);
            await x.WriteAsync("world");
        });
        var (handle, probe) = Create(kind, server, clock, s => s.Stream = true);
        using var _ = handle;
        using var __ = probe;

        // Act
        using var response = await handle.Session.GetAsync(server.Url("/stream"));
        clock.Advance(TimeSpan.FromMinutes(1));
        rest.SetResult();
        await response.ReadContentAsync();

        // Assert
        Assert.Equal("helloworld", response.Text);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task SendAsync_APreparedRequest_HasTheDeadlineToo(string kind)
    {
        var clock = new CountingClock();
        await using var server = new ScriptedServer(x => x.HoldAsync());
        var (handle, probe) = Create(kind, server, clock);
        using var _ = handle;
        using var __ = probe;
        var prepared = handle.Session.PrepareRequest(new Request("GET", server.Url("/prepared")));

        var call = handle.Session.SendAsync(prepared);
        await server.WaitForRequestsAsync(1);
        clock.Advance(Two);

        await Assert.ThrowsAsync<DeadlineExceededException>(() => call);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task WithinTheDeadline_TheCallCompletes_AndNoTimerOutlivesIt(string kind)
    {
        var clock = new CountingClock();
        await using var server = new ScriptedServer(x => x.Request.Target == "/a"
            ? x.WriteAsync(RawRequest.Redirect(302, "/b"))
            : x.WriteAsync(RawRequest.Ok("done")));
        var (handle, probe) = Create(kind, server, clock);
        using var _ = handle;
        using var __ = probe;

        using var response = await handle.Session.GetAsync(server.Url("/a"));
        clock.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal("done", response.Text);
        Assert.Single(response.History);
        Assert.Equal(1, clock.Timers);
        Assert.Equal(2, probe.Context!.CallDeadline!.Hop);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task NoDeadline_ArmsNoTimer(string kind)
    {
        var clock = new CountingClock();
        await using var server = new ScriptedServer(x => x.WriteAsync(RawRequest.Ok()));
        var (handle, probe) = Create(kind, server, clock, s => s.Deadline = null);
        using var _ = handle;
        using var __ = probe;

        using var response = await handle.Session.GetAsync(server.Url("/"));

        Assert.Equal(0, clock.Timers);
        Assert.Null(probe.Context!.CallDeadline);
        Assert.Null(probe.Context.Deadline);
    }

    [Fact]
    public void Deadline_NotPositive_IsRejected()
    {
        using var session = new Session();

        Assert.Throws<ArgumentOutOfRangeException>(() => session.Deadline = TimeSpan.Zero);
        Assert.Throws<ArgumentOutOfRangeException>(() => new RequestOptions { Deadline = TimeSpan.FromSeconds(-1) });
        Assert.Throws<ArgumentOutOfRangeException>(() => new Session(new SessionSettings { Deadline = TimeSpan.FromDays(60) }));
    }

    [Theory]
    [InlineData("30", 30)]
    [InlineData("0.5", 0.5)]
    [InlineData("00:01:30", 90)]
    public void Configuration_Deadline_IsSecondsOrATimeSpan(string value, double seconds)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Sessions:api:Deadline"] = value }).Build();
        using var provider = ServiceProviders.Build(s => s.AddSession("api", configuration.GetSection("Sessions:api")));

        using var session = provider.GetRequiredService<ISessionFactory>().Create("api");

        Assert.Equal(TimeSpan.FromSeconds(seconds), session.Deadline);
    }
}
