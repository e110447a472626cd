using System.Net;
using System.Text;
using Pipeline.Tests.Infrastructure;

namespace Pipeline.Tests.Sessions;

/// <summary>requests' resolve_redirects over the wire, for both pipelines.</summary>
[Collection(LoopbackCollection.Name)]
public sealed class RedirectTests(LoopbackServerFixture server)
{
    public static TheoryData<string> Kinds => TestSessions.Kinds;

    public static TheoryData<string, int, string, string> MethodCases()
    {
        var data = new TheoryData<string, int, string, string>();
        foreach (var kind in TestSessions.Kinds)
        {
            data.Add(kind, 301, "POST", "GET");
            data.Add(kind, 302, "POST", "GET");
            data.Add(kind, 303, "POST", "GET");
            data.Add(kind, 303, "PUT", "GET");
            data.Add(kind, 302, "PUT", "GET");
            data.Add(kind, 301, "PUT", "PUT");
            data.Add(kind, 301, "HEAD", "HEAD");
            data.Add(kind, 302, "HEAD", "HEAD");
            data.Add(kind, 303, "HEAD", "HEAD");
            data.Add(kind, 307, "POST", "POST");
            data.Add(kind, 308, "PUT", "PUT");
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(MethodCases))]
    public async Task RebuildMethod_PerStatus_AsRequests(string kind, int status, string method, string expected)
    {
        await using var raw = new RawHttpServer(r => r.Target == "/from" ? RawRequest.Redirect(status, "/to") : RawRequest.Ok());
        using var handle = TestSessions.Create(kind);

        using var response = await handle.Session.RequestAsync(method, raw.BaseUrl + "/from", new() { Data = "payload", AllowRedirects = true });

        Assert.Equal(expected, raw.Requests[1].Method);
        Assert.Equal("/to", raw.Requests[1].Target);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Redirect_303_ChangesPostToGet_AndDropsBodyAndContentHeaders(string kind)
    {
        await using var raw = new RawHttpServer(r => r.Target == "/from" ? RawRequest.Redirect(303, "/to") : RawRequest.Ok());
        using var handle = TestSessions.Create(kind);

        using var response = await handle.Session.PostAsync(raw.BaseUrl + "/from", new() { Json = new { a = 1 } });

        var second = raw.Requests[1];
        Assert.Equal("GET", second.Method);
        Assert.Null(second.Header("Content-Type"));
        Assert.Null(second.Header("Content-Length"));
        Assert.Empty(second.Body);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Redirect_301Put_KeepsMethodWithEmptyBody_AsRequests(string kind)
    {
        await using var raw = new RawHttpServer(r => r.Target == "/from" ? RawRequest.Redirect(301, "/to") : RawRequest.Ok());
        using var handle = TestSessions.Create(kind);

        using var response = await handle.Session.PutAsync(raw.BaseUrl + "/from", new() { Data = "payload" });

        Assert.Equal("PUT", raw.Requests[1].Method);
        Assert.Empty(raw.Requests[1].Body);
        Assert.Null(raw.Requests[1].Header("Content-Type"));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Redirect_307And308_ResendTheIdenticalBody(string kind)
    {
        await using var raw = new RawHttpServer(r => r.Target switch
        {
            "/a" => RawRequest.Redirect(307, "/b"),
            "/b" => RawRequest.Redirect(308, "/c"),
            _ => RawRequest.Ok(),
        });
        using var handle = TestSessions.Create(kind);

        using var response = await handle.Session.PostAsync(raw.BaseUrl + "/a", new() { Json = new { keep = "me" } });

        Assert.All(raw.Requests, r =>
        {
            Assert.Equal("POST", r.Method);
            Assert.Equal("{\"keep\":\"me\"}", Encoding.UTF8.GetString(r.Body));
            Assert.Equal("application/json", r.Header("Content-Type"));
        });
        Assert.Equal(3, raw.Requests.Count);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Redirect_307_SeekableStreamIsRewound(string kind)
    {
        await using var raw = new RawHttpServer(r => r.Target == "/a" ? RawRequest.Redirect(307, "/b") : RawRequest.Ok());
        using var handle = TestSessions.Create(kind);

        using var response = await handle.Session.PostAsync(raw.BaseUrl + "/a", new() { Data = new MemoryStream("stream body"u8.ToArray()) });

        Assert.Equal("stream body", Encoding.ASCII.GetString(raw.Requests[1].Body));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Redirect_307_NonSeekableStream_IsUnrewindableBodyException(string kind)
    {
        await using var raw = new RawHttpServer(r => r.Target == "/a" ? RawRequest.Redirect(307, "/b") : RawRequest.Ok());
        using var handle = TestSessions.Create(kind);

        await Assert.ThrowsAsync<UnrewindableBodyException>(
            () => handle.Session.PostAsync(raw.BaseUrl + "/a", new() { Data = new ForwardOnlyStream("once"u8.ToArray()) }));

        Assert.Single(raw.Requests);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Redirect_307_MultipartFileStreams_SeekableResent_NonSeekableUnrewindable(string kind)
    {
        // requests encodes a multipart body to bytes up front, so a 307 resends it; Pipeline streams the files and
        // rewinds them, and a file stream that cannot seek back is a clear UnrewindableBodyException.
        await using var raw = new RawHttpServer(r => r.Target == "/a" ? RawRequest.Redirect(307, "/b") : RawRequest.Ok());
        using var handle = TestSessions.Create(kind);

        using var resent = await handle.Session.PostAsync(raw.BaseUrl + "/a", new()
        {
            Files = new() { ["f"] = new FileItem("a.txt", new MemoryStream("file body"u8.ToArray())) },
        });
        await Assert.ThrowsAsync<UnrewindableBodyException>(() => handle.Session.PostAsync(raw.BaseUrl + "/a", new()
        {
            Files = new() { ["f"] = new FileItem("a.txt", new ForwardOnlyStream("once"u8.ToArray())) },
        }));

        Assert.Equal(Encoding.ASCII.GetString(raw.Requests[0].Body), Encoding.ASCII.GetString(raw.Requests[1].Body));
        Assert.Contains("file body", Encoding.ASCII.GetString(raw.Requests[1].Body), StringComparison.Ordinal);
        Assert.Equal(3, raw.Requests.Count);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Redirect_FragmentIsInheritedOrReplaced_AsRequests(string kind)
    {
        using var handle = TestSessions.Create(kind);

        var inherited = await handle.Session.GetAsync(server.Url("/redirect-with?to=/get#orig"[..^5]) + "#orig");
        var replaced = await handle.Session.GetAsync(server.Url("/redirect-with?to=" + Uri.EscapeDataString("/get#new")) + "#orig");

        Assert.Equal(server.Url("/get#orig"), inherited.Url);
        Assert.Equal(server.Url("/get#new"), replaced.Url);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Redirect_RelativeAndSchemeRelativeLocations_AreResolved(string kind)
    {
        using var handle = TestSessions.Create(kind);
        var authority = new Uri(server.App.BaseUrl).Authority;

        var viaRelative = await handle.Session.GetAsync(server.Url("/redirect-with?to=anything/rel"));
        var viaSchemeRelative = await handle.Session.GetAsync(server.Url("/redirect-with?to=" + Uri.EscapeDataString($"//{authority}/anything/sr")));

        Assert.Equal(server.Url("/anything/rel"), viaRelative.Url);
        Assert.Equal(server.Url("/anything/sr"), viaSchemeRelative.Url);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task GetRedirectTarget_Utf8BytesInLocation_AreRecovered_AsRequests(string kind)
    {
        var utf8AsLatin1 = Encoding.Latin1.GetString(Encoding.UTF8.GetBytes("/echo/café?x=ü"));
        await using var raw = new RawHttpServer(r => r.Target == "/from" ? RawRequest.Redirect(302, utf8AsLatin1) : RawRequest.Ok());
        using var handle = TestSessions.Create(kind);

        using var response = await handle.Session.GetAsync(raw.BaseUrl + "/from");

        Assert.Equal("/echo/caf%C3%A9?x=%C3%BC", raw.Requests[1].Target);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task History_OldestFirst_EachHopWithItsOwnSlice(string kind)
    {
        using var handle = TestSessions.Create(kind);

        var response = await handle.Session.GetAsync(server.Url("/redirect/3"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(server.Url("/get"), response.Url);
        Assert.Equal([server.Url("/redirect/3"), server.Url("/redirect/2"), server.Url("/redirect/1")], response.History.Select(r => r.Url));
        Assert.Equal([0, 1, 2], response.History.Select(r => r.History.Count));
        Assert.All(response.History, r => Assert.Equal(HttpStatusCode.Found, r.StatusCode));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task TooManyRedirects_31Hops_ExceedsTheDefault30_WithHistoryOf30(string kind)
    {
        using var handle = TestSessions.Create(kind);

        var error = await Assert.ThrowsAsync<TooManyRedirectsException>(() => handle.Session.GetAsync(server.Url("/redirect/31")));
        var exactly30 = await handle.Session.GetAsync(server.Url("/redirect/30"));

        Assert.Equal("Exceeded 30 redirects.", error.Message);
        Assert.Equal(30, error.Response!.History.Count);
        Assert.Equal(30, exactly30.History.Count);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task TooManyRedirects_SessionAndPerRequestLimits(string kind)
    {
        using var handle = TestSessions.Create(kind, s => s.MaxRedirects = 2);

        var error = await Assert.ThrowsAsync<TooManyRedirectsException>(() => handle.Session.GetAsync(server.Url("/redirect/3")));
        var allowed = await handle.Session.GetAsync(server.Url("/redirect/3"), new() { MaxRedirects = 3 });

        Assert.Equal("Exceeded 2 redirects.", error.Message);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task MaxRedirectsZero_EvenWithoutFollowing_IsTooManyRedirects_AsResolveRedirects(string kind)
    {
        // requests computes response.next with resolve_redirects, whose limit check comes first (checked with 2.34).
        using var handle = TestSessions.Create(kind, s => s.MaxRedirects = 0);

        var error = await Assert.ThrowsAsync<TooManyRedirectsException>(
            () => handle.Session.GetAsync(server.Url("/redirect/1"), new() { AllowRedirects = false }));
        var notARedirect = await handle.Session.GetAsync(server.Url("/get"), new() { AllowRedirects = false });

        Assert.Equal("Exceeded 0 redirects.", error.Message);
        Assert.Equal(HttpStatusCode.Found, error.Response!.StatusCode);
        Assert.Equal(HttpStatusCode.OK, notARedirect.StatusCode);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task AllowRedirectsFalse_Returns3xxWithNext_AsRequests(string kind)
    {
        using var handle = TestSessions.Create(kind);

        var permanent = await handle.Session.GetAsync(server.Url("/redirect-with?status=301&to=/get"), new() { AllowRedirects = false });
        var post = await handle.Session.PostAsync(server.Url("/redirect-with?status=302&to=/get"), new() { AllowRedirects = false, Data = "x" });

        Assert.True(permanent.IsRedirect);
        Assert.True(permanent.IsPermanentRedirect);
        Assert.Empty(permanent.History);
        Assert.Equal(server.Url("/get"), permanent.Next!.Url);
        Assert.Equal("GET", post.Next!.Method);
        Assert.Null(post.Next.Body);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task HeadAsync_DoesNotFollowUnlessAsked_AsRequestsHead(string kind)
    {
        using var handle = TestSessions.Create(kind);

        var notFollowed = await handle.Session.HeadAsync(server.Url("/redirect/1"));
        var followed = await handle.Session.HeadAsync(server.Url("/redirect/1"), new() { AllowRedirects = true });
        var viaRequest = await handle.Session.RequestAsync("HEAD", server.Url("/redirect/1"));

        Assert.Equal(HttpStatusCode.Found, notFollowed.StatusCode);
        Assert.NotNull(notFollowed.Next);
        Assert.Equal(server.Url("/get"), followed.Url);
        Assert.Equal(server.Url("/get"), viaRequest.Url);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task GetRedirectTarget_300OrNoLocation_IsNotFollowed(string kind)
    {
        using var handle = TestSessions.Create(kind);

        var multipleChoices = await handle.Session.GetAsync(server.Url("/redirect-with?status=300&to=/get"));
        var noLocation = await handle.Session.GetAsync(server.Url("/redirect-with?status=302"));

        Assert.Equal((HttpStatusCode)300, multipleChoices.StatusCode);
        Assert.Equal(HttpStatusCode.Found, noLocation.StatusCode);
        Assert.Empty(noLocation.History);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Redirect_ToUnservedScheme_IsInvalidSchemaAndNotFollowed(string kind)
    {
        using var handle = TestSessions.Create(kind);

        var error = await Assert.ThrowsAsync<InvalidSchemaException>(
            () => handle.Session.GetAsync(server.Url("/redirect-with?to=" + Uri.EscapeDataString("file:///etc/passwd"))));

        Assert.Equal("No connection adapters were found for 'file:///etc/passwd'", error.Message);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task ShouldStripAuth_HostChange_DropsSessionAndHandSetAuthorization(string kind)
    {
        var port = new Uri(server.App.BaseUrl).Port;
        using var handle = TestSessions.Create(kind, s => s.Auth = ("user", "secret"));

        var toLocalhost = await handle.Session.GetAsync(
            server.Url("/redirect-with?to=" + Uri.EscapeDataString($"http://localhost:{port}/headers")));
        var handSet = await handle.Session.GetAsync(
            server.Url("/redirect-with?to=" + Uri.EscapeDataString($"http://localhost:{port}/headers")),
            new() { Auth = Auth.None, Headers = new() { ["Authorization"] = "Bearer hand-set" } });
        var sameHost = await handle.Session.GetAsync(server.Url("/redirect-with?to=/headers"));

        Assert.False(toLocalhost.Json().GetProperty("headers").TryGetProperty("Authorization", out _));
        Assert.False(handSet.Json().GetProperty("headers").TryGetProperty("Authorization", out _));
        Assert.Equal("Basic dXNlcjpzZWNyZXQ=", sameHost.Json().GetProperty("headers").GetProperty("Authorization").GetString());
        Assert.Equal("Basic dXNlcjpzZWNyZXQ=", toLocalhost.History[0].Request.Headers["Authorization"]);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task ShouldStripAuth_PortChange_DropsAuthorization(string kind)
    {
        await using var other = new RawHttpServer(_ => RawRequest.Ok());
        using var handle = TestSessions.Create(kind, s => s.Auth = new BearerAuth("t"));

        using var response = await handle.Session.GetAsync(server.Url("/redirect-with?to=" + Uri.EscapeDataString(other.BaseUrl + "/x")));

        Assert.Null(Assert.Single(other.Requests).Header("Authorization"));
    }

    private sealed class ForwardOnlyStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }
}
