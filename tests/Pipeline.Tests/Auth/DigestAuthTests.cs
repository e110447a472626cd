using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Tests.DependencyInjection;
using Pipeline.Tests.Infrastructure;

namespace Pipeline.Tests.Authentication;

/// <summary>requests' HTTPDigestAuth against the loopback verifier (exact headers) and Debian's httpbin (a foreign peer).</summary>
[Collection(LoopbackCollection.Name)]
public sealed class DigestAuthTests(LoopbackServerFixture server, HttpbinFixture httpbin)
{
    public static TheoryData<string, string, string> HttpbinCases()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var kind in TestSessions.Kinds)
        {
            foreach (var algorithm in new[] { "MD5", "SHA-256", "SHA-512" })
            {
                data.Add(kind, "auth", algorithm);
            }
        }

        return data;
    }

    public static TheoryData<string, string, string> LoopbackCases()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var kind in TestSessions.Kinds)
        {
            foreach (var algorithm in new[] { "MD5", "MD5-SESS", "SHA", "SHA-256", "SHA-512", "SHA-256-SESS", "SHA-512-SESS" })
            {
                data.Add(kind, "auth", algorithm);

                // A -SESS hash needs the client nonce, which RFC 7616 only carries with a qop.
                if (!algorithm.EndsWith("-SESS", StringComparison.Ordinal))
                {
                    data.Add(kind, "none", algorithm);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(HttpbinCases))]
    public async Task Digest_AgainstHttpbin_Authenticates_WithThe401InHistory(string kind, string qop, string algorithm)
    {
        using var handle = TestSessions.Create(kind, s => s.Auth = new DigestAuth("user", "passwd"));

        var response = await handle.Session.GetAsync(httpbin.Url($"/digest-auth/{qop}/user/passwd/{algorithm}"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Json().GetProperty("authenticated").GetBoolean());
        Assert.Equal([HttpStatusCode.Unauthorized], response.History.Select(r => r.StatusCode));
    }

    [Theory]
    [MemberData(nameof(LoopbackCases))]
    public async Task Digest_EveryAlgorithmAndQop_IsVerifiedByTheServer(string kind, string qop, string algorithm)
    {
        using var handle = TestSessions.Create(kind, s => s.Auth = new DigestAuth("ann", "pa55"));

        var response = await handle.Session.GetAsync(server.Url($"/digest-auth/{qop}/ann/pa55/{algorithm}?x=1"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(response.History);
        var sent = response.Request.Headers["Authorization"]!;
        Assert.Contains($"algorithm=\"{algorithm}\"", sent);
        Assert.Contains("uri=\"/digest-auth/", sent);
        Assert.Equal(qop == "auth", sent.Contains("qop=\"auth\", nc=00000001", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(KindsData))]
    public async Task Digest_ReusedAuth_SendsPreemptively_WithIncrementingNonceCount(string kind)
    {
        using var handle = TestSessions.Create(kind, s => s.Auth = new DigestAuth("ann", "pa55"));
        var url = server.Url($"/digest-auth/auth/ann/pa55/MD5?reuse={kind.Length}");

        var first = await handle.Session.GetAsync(url);
        var second = await handle.Session.GetAsync(url);
        var third = await handle.Session.GetAsync(url);

        Assert.Single(first.History);
        Assert.Empty(second.History);
        Assert.Equal("00000002", second.Json().GetProperty("nc").GetString());
        Assert.Equal("00000003", third.Json().GetProperty("nc").GetString());
    }

    [Theory]
    [MemberData(nameof(KindsData))]
    public async Task Digest_StaleNonce_IsAnsweredByOneNewAttempt(string kind)
    {
        using var handle = TestSessions.Create(kind, s => s.Auth = new DigestAuth("ann", "pa55"));
        var url = server.Url($"/digest-auth/auth/ann/pa55/SHA-256?rotate=1&k={kind.Length}");

        var first = await handle.Session.GetAsync(url);
        var second = await handle.Session.GetAsync(url);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        var stale = Assert.Single(second.History);
        Assert.Contains("stale=true", stale.Headers["WWW-Authenticate"]);
        Assert.Equal("00000001", second.Json().GetProperty("nc").GetString());
    }

    [Theory]
    [MemberData(nameof(KindsData))]
    public async Task Digest_ChallengeSetCookie_IsSentOnTheRetry_AndStored(string kind)
    {
        using var handle = TestSessions.Create(kind, s => s.Auth = new DigestAuth("ann", "pa55"));

        var response = await handle.Session.GetAsync(server.Url($"/digest-auth/auth/ann/pa55/MD5?cookie=1&k={kind.Length}"));

        Assert.Equal("challenge=seen", response.Json().GetProperty("cookie").GetString());
        Assert.Equal("seen", handle.Session.Cookies["challenge"]);
    }

    // The retry's Cookie header follows requests' HTTPDigestAuth.handle_401: the 401's Set-Cookie goes into a copy of the
    // prepared request's jar, then prepare_cookies writes a header only when the request has none. What requests 2.34
    // sent on each attempt, observed against a loopback server, is in each test's comment.
    [Theory]
    [MemberData(nameof(KindsData))]
    public async Task Digest_401SetsCookie_RetryCarriesIt_AsHandle401(string kind)
    {
        // Arrange: no cookie before. requests sent no Cookie, then "fresh=new; token=new": the expired cookie and the
        // one for another path are left out, as the cookie jar leaves them out.
        var user = $"set-{kind.Length}";
        using var handle = TestSessions.Create(kind, s => s.Auth = new DigestAuth(user, "pa55"));
        var url = ChallengeUrl(user, Fresh, Token, Expired, OtherPath);

        // Act
        var response = await handle.Session.GetAsync(url);

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(Assert.Single(response.History).Request.Headers["Cookie"]);
        Assert.Equal("fresh=new; token=new", response.Json().GetProperty("cookie").GetString());
        Assert.Equal("new", handle.Session.Cookies["token"]);
    }

    [Theory]
    [MemberData(nameof(KindsData))]
    public async Task Digest_CookieReplacedBy401_IsSentOnce_AsPrepareCookies(string kind)
    {
        // Arrange: the session holds token=old from the server. requests sent "token=old" on both attempts (the first
        // attempt's header is kept, so the 401's token=new and fresh=new are not added), then kept token=new in the jar.
        var user = $"replace-{kind.Length}";
        using var handle = TestSessions.Create(kind, s => s.Auth = new DigestAuth(user, "pa55"));
        await handle.Session.GetAsync(server.Url("/cookies/set?token=old"));
        var url = ChallengeUrl(user, Token, Fresh);

        // Act
        var response = await handle.Session.GetAsync(url);

        // Assert
        Assert.Equal("token=old", Assert.Single(response.History).Request.Headers["Cookie"]);
        Assert.Equal("token=old", response.Json().GetProperty("cookie").GetString());
        Assert.Equal("new", handle.Session.Cookies["token"]);
        Assert.Equal("new", handle.Session.Cookies["fresh"]);
    }

    [Theory]
    [MemberData(nameof(KindsData))]
    public async Task Digest_RetryKeepsRequestCookies_AsPrepareCookies(string kind)
    {
        // Arrange: requests with cookies={"token": "old"} sent "token=old" on both attempts.
        var user = $"request-{kind.Length}";
        using var handle = TestSessions.Create(kind, s => s.Auth = new DigestAuth(user, "pa55"));
        var url = ChallengeUrl(user, Token, Fresh);

        // Act
        var response = await handle.Session.GetAsync(url, new() { Cookies = new Dictionary<string, string> { ["token"] = "old" } });

        // Assert
        Assert.Equal("token=old", Assert.Single(response.History).Request.Headers["Cookie"]);
        Assert.Equal("token=old", response.Json().GetProperty("cookie").GetString());
        Assert.Equal("new", handle.Session.Cookies["token"]);
    }

    [Theory]
    [MemberData(nameof(KindsData))]
    public async Task Digest_RetryKeepsHandSetCookieHeader_AsPrepareCookies(string kind)
    {
        // Arrange: a hand-set header suppresses the jar. requests sent "token=old; hand=1" on both attempts.
        var user = $"hand-{kind.Length}";
        using var handle = TestSessions.Create(kind, s => s.Auth = new DigestAuth(user, "pa55"));
        handle.Session.Cookies.Set("jar", "1");
        var url = ChallengeUrl(user, Token, Fresh);

        // Act
        var response = await handle.Session.GetAsync(url, new() { Headers = new() { ["Cookie"] = "token=old; hand=1" } });

        // Assert
        Assert.Equal("token=old; hand=1", Assert.Single(response.History).Request.Headers["Cookie"]);
        Assert.Equal("token=old; hand=1", response.Json().GetProperty("cookie").GetString());
    }

    [Theory]
    [MemberData(nameof(KindsData))]
    public async Task Digest_SessionCookieForAnotherPath_RetryCarriesThe401Cookies_AsHandle401(string kind)
    {
        // Arrange: a session cookie that does not match leaves the first attempt without a header, so prepare_cookies
        // builds one on the retry. requests sent no Cookie, then "fresh=new".
        var user = $"path-{kind.Length}";
        using var handle = TestSessions.Create(kind, s => s.Auth = new DigestAuth(user, "pa55"));
        handle.Session.Cookies.Set("elsewhere", "1", path: "/other");
        var url = ChallengeUrl(user, Fresh);

        // Act
        var response = await handle.Session.GetAsync(url);

        // Assert
        Assert.Equal("fresh=new", response.Json().GetProperty("cookie").GetString());
    }

    [Theory]
    [InlineData(null, "fresh=new")]
    [InlineData("hand=1", "hand=1")]
    public async Task Digest_PlainHttpClient_RetryCookieHeader_AsPrepareCookies(string? handSet, string expected)
    {
        // Arrange: without a session only the 401's cookies are known; a hand-set header is still kept as it is.
        var user = $"plain-{handSet?.Length}";
        using var provider = ServiceProviders.Build(services => services.AddSession("api", s => s.Auth = new DigestAuth(user, "pa55")));
        using var client = provider.GetRequiredService<IHttpClientFactory>().CreateClient("api");
        using var request = new HttpRequestMessage(HttpMethod.Get, ChallengeUrl(user, Fresh));
        if (handSet is not null)
        {
            request.Headers.Add("Cookie", handSet);
        }

        // Act
        using var response = await client.SendAsync(request);

        // Assert
        response.EnsureSuccessStatusCode();
        using var echo = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(expected, echo.RootElement.GetProperty("cookie").GetString());
    }

    [Theory]
    [MemberData(nameof(KindsData))]
    public async Task Digest_WrongPassword_EndsWithThe401_NeverLoops(string kind)
    {
        using var handle = TestSessions.Create(kind, s => s.Auth = new DigestAuth("ann", "wrong"));

        var response = await handle.Session.GetAsync(server.Url($"/digest-auth/auth/ann/pa55/MD5?wrong={kind.Length}"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Single(response.History);
    }

    [Theory]
    [MemberData(nameof(KindsData))]
    public async Task Digest_PostBody_IsReplayedOnTheRetry(string kind)
    {
        using var handle = TestSessions.Create(kind, s => s.Auth = new DigestAuth("ann", "pa55"));

        var response = await handle.Session.PostAsync(server.Url($"/digest-auth/auth/ann/pa55/MD5?post={kind.Length}"), new() { Data = "the body" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("the body", response.Json().GetProperty("body").GetString());
    }

    [Theory]
    [MemberData(nameof(KindsData))]
    public async Task Digest_MultipartFileStream_IsReplayedOnTheRetry_AsHandle401(string kind)
    {
        // requests re-sends the multipart bytes it encoded up front; a seekable file stream is rewound here.
        using var handle = TestSessions.Create(kind, s => s.Auth = new DigestAuth("ann", "pa55"));

        var response = await handle.Session.PostAsync(server.Url($"/digest-auth/auth/ann/pa55/MD5?multipart={kind.Length}"), new()
        {
            Files = new() { ["f"] = new FileItem("a.txt", new MemoryStream("file body"u8.ToArray())) },
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("file body", response.Json().GetProperty("body").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Digest_ConcurrentRequests_OnOneSession_AllAuthenticate()
    {
        using var session = new Session { Auth = new DigestAuth("ann", "pa55") };
        var url = server.Url("/digest-auth/auth/ann/pa55/SHA-256?concurrent=1");
        await session.GetAsync(url);

        var responses = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => session.GetAsync(url)));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var counts = responses.Select(r => r.Json().GetProperty("nc").GetString()).ToList();
        Assert.Equal(counts.Count, counts.Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(KindsData))]
    public async Task Digest_UnanswerableChallenge_IsRetriedWithoutCredentials_AsHandle401(string kind)
    {
        // requests 2.34 against a SHA-384 challenge: build_digest_header gives None, the copy is sent anyway, and the
        // second 401 comes back with the first in its history (two requests in all).
        using var handle = TestSessions.Create(kind, s => s.Auth = new DigestAuth("ann", "pa55"));

        var response = await handle.Session.GetAsync(server.Url($"/digest-auth/auth/ann/pa55/SHA-384?unanswerable={kind.Length}"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var first = Assert.Single(response.History);
        Assert.Equal(HttpStatusCode.Unauthorized, first.StatusCode);
        Assert.Null(response.Request.Headers["Authorization"]);
    }

    [Fact]
    public void Digest_UnknownAlgorithmOrAuthIntOnly_SendsNoHeader()
    {
        var challenge = new DigestChallenge("r", "n", null, "SHA-384", null);
        var authInt = new DigestChallenge("r", "n", "auth-int", "MD5", null);

        Assert.Null(DigestAuth.BuildHeader("u", "p", "GET", new Uri("http://h/"), challenge, 1, "c"));
        Assert.Null(DigestAuth.BuildHeader("u", "p", "GET", new Uri("http://h/"), authInt, 1, "c"));
    }

    [Fact]
    public void BuildDigestHeader_KnownVector_MatchesRequests()
    {
        // The expected header is what requests' HTTPDigestAuth.build_digest_header printed for these inputs,
        // with its client nonce pinned to the same value.
        var challenge = new DigestChallenge("me@kennethreitz.com", "abc123", "auth", "MD5", "xyz");

        var header = DigestAuth.BuildHeader("user", "passwd", "GET", new Uri("http://h/digest-auth/auth/user/passwd?x=1"), challenge, 1, "0a4f113b00000000");

        Assert.Equal(
            "Digest username=\"user\", realm=\"me@kennethreitz.com\", nonce=\"abc123\", uri=\"/digest-auth/auth/user/passwd?x=1\", "
            + "response=\"a54fad5986ce3ef084d29d2a10630a5f\", opaque=\"xyz\", algorithm=\"MD5\", qop=\"auth\", nc=00000001, cnonce=\"0a4f113b00000000\"",
            header);
    }

    public static TheoryData<string> KindsData => TestSessions.Kinds;

    private const string Fresh = "fresh=new; Path=/";
    private const string Token = "token=new; Path=/";
    private const string Expired = "gone=x; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT";
    private const string OtherPath = "deep=1; Path=/elsewhere";

    // The digest endpoint of one user (its own nonce), whose 401 carries these Set-Cookie headers.
    private string ChallengeUrl(string user, params string[] setCookies) =>
        server.Url($"/digest-auth/auth/{user}/pa55/MD5?" + string.Join('&', setCookies.Select(c => "h=" + Uri.EscapeDataString(c))));
}
