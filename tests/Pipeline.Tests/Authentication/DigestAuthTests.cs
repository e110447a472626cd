using System.Net;
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
}
