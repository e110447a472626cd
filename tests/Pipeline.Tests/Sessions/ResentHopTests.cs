using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Tests.Infrastructure;

namespace Pipeline.Tests.Sessions;

/// <summary>
/// A redirect hop, a retry attempt and a digest re-send start from the request as the redirect, retry or auth stage
/// sent it (requests copies its own PreparedRequest), never from the message the stages inside it changed.
/// </summary>
[Collection(LoopbackCollection.Name)]
public sealed class ResentHopTests(LoopbackServerFixture server)
{
    public static TheoryData<string, int> RedirectsToGet()
    {
        var data = new TheoryData<string, int>();
        foreach (var kind in TestSessions.Kinds)
        {
            data.Add(kind, 301);
            data.Add(kind, 302);
            data.Add(kind, 303);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(RedirectsToGet))]
    public async Task Redirect_StreamedPostBecomesGet_WithoutBodyOrFraming_AsTestTransferEncRemovalOnRedirect(string kind, int status)
    {
        // requests' rebuild_method, then resolve_redirects pops Content-Length, Content-Type and Transfer-Encoding.
        await using var raw = new RawHttpServer(r => r.Target == "/from" ? RawRequest.Redirect(status, "/to") : RawRequest.Ok());
        using var handle = TestSessions.Create(kind);
        using var body = new ForwardOnlyStream("streamed"u8.ToArray());

        using var response = await handle.Session.PostAsync(raw.BaseUrl + "/from", new()
        {
            Data = body,
            Headers = new() { ["Content-Type"] = "application/octet-stream" },
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("chunked", raw.Requests[0].Header("Transfer-Encoding"));
        var second = raw.Requests[1];
        Assert.Equal("GET", second.Method);
        Assert.Null(second.Header("Transfer-Encoding"));
        Assert.Null(second.Header("Content-Length"));
        Assert.Null(second.Header("Content-Type"));
        Assert.Empty(second.Body);
    }

    [Theory]
    [MemberData(nameof(RedirectsToGet))]
    public async Task Redirect_StagePerHopHeader_IsSentOncePerHop(string kind, int status)
    {
        await using var raw = new RawHttpServer(r => r.Target == "/from" ? RawRequest.Redirect(status, "/to") : RawRequest.Ok());
        using var handle = Stamped(kind);

        using var response = await handle.Session.GetAsync(raw.BaseUrl + "/from");

        Assert.Equal(["stamped", "stamped"], raw.Requests.Select(r => string.Join("|", r.Headers.Where(h => h.Key == "X-Stamp").Select(h => h.Value))));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Retry_StagePerAttemptHeader_IsSentOncePerAttempt(string kind)
    {
        var attempts = 0;
        await using var raw = new RawHttpServer(_ => Interlocked.Increment(ref attempts) == 1
            ? "HTTP/1.1 503 Busy\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            : RawRequest.Ok());
        using var handle = Stamped(kind, s => s.Retry = new RetryPolicy { Total = 1, StatusForcelist = new HashSet<int> { 503 } }, innermost: true);

        using var response = await handle.Session.GetAsync(raw.BaseUrl + "/items");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["stamped", "stamped"], raw.Requests.Select(r => string.Join("|", r.Headers.Where(h => h.Key == "X-Stamp").Select(h => h.Value))));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Digest_StagePerAttemptHeader_IsSentOncePerAttempt_AsHandle401(string kind)
    {
        using var handle = Stamped(kind);

        using var response = await handle.Session.GetAsync(
            server.Url("/digest-auth/auth/ann/pw/MD5"), new() { Auth = new DigestAuth("ann", "pw") });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("stamped", response.History.Single().Request.Headers["X-Stamp"]);
        Assert.Equal("stamped", response.Request.Headers["X-Stamp"]);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task SendPrepared_AuthAppliedOnce_PrepareRequestAppliesIt_SendDoesNot(string kind)
    {
        // requests: prepare_request runs prepare_auth; send does not run it again, and a redirect hop copies its headers.
        await using var raw = new RawHttpServer(r => r.Target == "/from" ? RawRequest.Redirect(302, "/to") : RawRequest.Ok());
        using var handle = TestSessions.Create(kind);
        var auth = new CountingAuth();
        var prepared = handle.Session.PrepareRequest(new Request("GET", raw.BaseUrl + "/from") { Auth = auth });

        using var response = await handle.Session.SendAsync(prepared);

        Assert.Equal("1", prepared.Headers["X-Signature"]);
        Assert.Equal(["1", "1"], raw.Requests.Select(r => string.Join("|", r.Headers.Where(h => h.Key == "X-Signature").Select(h => h.Value))));
        Assert.Equal(1, auth.Calls);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Digest_RedirectAfterSuccess_DoesNotResendTheOldHeader_AnswersTheNewChallenge_AsNum401CallsReset(string kind)
    {
        // Arrange: one exchange primes the auth, so the next call's first hop is pre-emptive.
        using var handle = TestSessions.Create(kind);
        var auth = new DigestAuth("ann", "pw");
        using (await handle.Session.GetAsync(server.Url("/digest-auth/auth/ann/pw/MD5"), new() { Auth = auth }))
        {
        }

        var target = Uri.EscapeDataString("/digest-auth/auth/ann/pw/MD5?second=1");
        var authorizations = new List<string?>();
        var hooks = new HookMap();
        hooks.Response.Add(r => authorizations.Add(r.Request.Headers["Authorization"]));

        // Act: the redirect is answered by the server after a successful (pre-emptive) digest hop.
        using var response = await handle.Session.GetAsync(server.Url($"/digest-auth/auth/ann/pw/MD5?redirect={target}"), new() { Auth = auth, Hooks = hooks });

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("uri=\"/digest-auth/auth/ann/pw/MD5?redirect=", authorizations[0], StringComparison.Ordinal);
        Assert.DoesNotContain(authorizations.Skip(1), a => a is not null && a.Contains("?redirect=", StringComparison.Ordinal));
        Assert.Contains("uri=\"/digest-auth/auth/ann/pw/MD5?second=1\"", authorizations[^1], StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Redirect_UndecodableBody_IsDrainedAndFollowed_AsResolveRedirects(string kind)
    {
        // requests reads resp.content and, on ContentDecodingError or ChunkedEncodingError, drains resp.raw instead.
        const string Broken = "HTTP/1.1 302 Found\r\nLocation: /to\r\nContent-Encoding: gzip\r\nContent-Length: 9\r\nConnection: close\r\n\r\nnot gzip!";
        await using var raw = new RawHttpServer(r => r.Target == "/from" ? Broken : RawRequest.Ok("landed"));
        using var handle = TestSessions.Create(kind);

        using var response = await handle.Session.GetAsync(raw.BaseUrl + "/from");

        Assert.Equal("landed", response.Text);
        Assert.Equal(HttpStatusCode.Found, Assert.Single(response.History).StatusCode);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Redirect_BodyCutShort_IsDrainedAndFollowed_AsResolveRedirects(string kind)
    {
        const string Short = "HTTP/1.1 302 Found\r\nLocation: /to\r\nContent-Length: 100\r\nConnection: close\r\n\r\nonly this";
        await using var raw = new RawHttpServer(r => r.Target == "/from" ? Short : RawRequest.Ok("landed"));
        using var handle = TestSessions.Create(kind);

        using var response = await handle.Session.GetAsync(raw.BaseUrl + "/from");

        Assert.Equal("landed", response.Text);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Redirect_FinalUndecodableBody_StillRaises(string kind)
    {
        await using var raw = new RawHttpServer(_ => "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 9\r\nConnection: close\r\n\r\nnot gzip!");
        using var handle = TestSessions.Create(kind);

        await Assert.ThrowsAsync<ContentDecodingException>(() => handle.Session.GetAsync(raw.BaseUrl + "/final"));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Redirect307_SeekThrowsWhileRewinding_IsUnrewindableBody_AsRewindBody(string kind)
    {
        await using var raw = new RawHttpServer(r => r.Target == "/from" ? RawRequest.Redirect(307, "/to") : RawRequest.Ok());
        using var handle = TestSessions.Create(kind);
        using var body = new SeekFailsStream("payload"u8.ToArray());

        var error = await Assert.ThrowsAsync<UnrewindableBodyException>(() => handle.Session.PutAsync(raw.BaseUrl + "/from", new() { Data = body }));

        Assert.Equal("An error occurred when rewinding request body for redirect.", error.Message);
        Assert.Single(raw.Requests);
    }

    public static TheoryData<string> Kinds => TestSessions.Kinds;

    // A user stage that stamps every request it sees; innermost means added on the HttpClient, inside the retry stage.
    private static SessionHandle Stamped(string kind, Action<SessionSettings>? configure = null, bool innermost = false)
    {
        // A standalone session has no AddStage: the stage is mounted around the transport, inside every session stage.
        if (kind == TestSessions.Standalone)
        {
            var handle = TestSessions.Create(kind, configure);
            handle.Session.Mount("http://", new StampingHandler { InnerHandler = new HttpAdapter() });
            return handle;
        }

        var services = new ServiceCollection();
        var builder = services.AddSession("stamped", configure);
        if (innermost)
        {
            builder.AddHttpMessageHandler(() => new StampingHandler());
        }
        else
        {
            builder.AddStage(_ => new StampingHandler());
        }

        var provider = services.BuildServiceProvider();
        return new SessionHandle(provider.GetRequiredKeyedService<Session>("stamped"), provider);
    }

    private sealed class StampingHandler : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.Headers.TryAddWithoutValidation("X-Stamp", "stamped");
            return base.SendAsync(request, cancellationToken);
        }
    }

    // An auth that signs each request with a counter, so a second Apply on the same hop shows.
    private sealed class CountingAuth : Auth
    {
        private int _calls;

        public int Calls => _calls;

        public override void Apply(HttpRequestMessage request) =>
            request.Headers.TryAddWithoutValidation("X-Signature", Interlocked.Increment(ref _calls).ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    private sealed class ForwardOnlyStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }

    private sealed class SeekFailsStream(byte[] data) : MemoryStream(data)
    {
        private bool _read;

        public override int Read(byte[] buffer, int offset, int count)
        {
            _read = true;
            return base.Read(buffer, offset, count);
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            _read = true;
            return base.ReadAsync(buffer, cancellationToken);
        }

        public override long Seek(long offset, SeekOrigin loc) => _read ? throw new IOException("the device cannot seek now") : base.Seek(offset, loc);

        public override long Position
        {
            get => base.Position;
            set
            {
                if (_read)
                {
                    throw new IOException("the device cannot seek now");
                }

                base.Position = value;
            }
        }
    }
}
