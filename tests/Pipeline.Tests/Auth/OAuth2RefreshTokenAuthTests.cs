using System.Net;
using Pipeline.Tests.Infrastructure;

namespace Pipeline.Tests.Authentication;

/// <summary>RFC 6749 §6 refresh tokens: the grant, rotation kept and reported, and a refused refresh token.</summary>
public sealed class OAuth2RefreshTokenAuthTests : IAsyncLifetime
{
    private OAuth2TestServer _server = null!;

    public static TheoryData<string> Kinds => TestSessions.Kinds;

    public async Task InitializeAsync() => _server = await OAuth2TestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task SendAsync_RefreshGrant_KeepsTheRotatedRefreshToken_AndReportsIt(string kind)
    {
        _server.AddRefreshToken("refresh-start");
        var rotated = new List<string>();
        var auth = new OAuth2RefreshTokenAuth(_server.TokenUrl, OAuth2TestServer.ClientId, OAuth2TestServer.ClientSecret, "refresh-start")
        {
            RefreshTokenRotated = (token, _) =>
            {
                rotated.Add(token);
                return ValueTask.CompletedTask;
            },
        };
        using var handle = TestSessions.Create(kind, s => s.Auth = auth);

        var first = await handle.Session.GetAsync(_server.Url("/api/a"));
        _server.RevokeAccessTokens();
        var second = await handle.Session.GetAsync(_server.Url("/api/b"));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        var requests = _server.TokenRequestLog.ToArray();
        Assert.Equal(2, requests.Length);
        Assert.Equal("refresh_token", requests[0].Form["grant_type"]);
        Assert.Equal("refresh-start", requests[0].Form["refresh_token"]);
        Assert.Equal(rotated[0], requests[1].Form["refresh_token"]);
        Assert.Equal(2, rotated.Count);
        Assert.Equal(rotated[^1], auth.RefreshToken);
    }

    [Fact]
    public async Task SendAsync_RefusedRefreshToken_IsOAuth2Exception_WithoutTheToken()
    {
        using var session = new Session
        {
            Auth = new OAuth2RefreshTokenAuth(_server.TokenUrl, OAuth2TestServer.ClientId, OAuth2TestServer.ClientSecret, "refresh-unknown"),
        };

        var error = await Assert.ThrowsAsync<OAuth2Exception>(() => session.GetAsync(_server.Url("/api/a")));

        Assert.Equal("invalid_grant", error.Error);
        Assert.Contains("invalid_grant", error.Message);
        Assert.DoesNotContain("refresh-unknown", error.ToString());
        Assert.DoesNotContain(OAuth2TestServer.ClientSecret, error.ToString());
    }

    [Fact]
    public async Task SendAsync_ServerEchoesTheRefreshToken_ItIsHiddenInTheMessage()
    {
        _server.FixedAnswer = (400, "application/json", """{"error":"invalid_grant","error_description":"refresh-echoed has expired"}""");
        using var session = new Session
        {
            Auth = new OAuth2RefreshTokenAuth(_server.TokenUrl, OAuth2TestServer.ClientId, null, "refresh-echoed"),
        };

        var error = await Assert.ThrowsAsync<OAuth2Exception>(() => session.GetAsync(_server.Url("/api/a")));

        Assert.Equal("*** has expired", error.ErrorDescription);
        Assert.DoesNotContain("refresh-echoed", error.Message);
    }

    [Fact]
    public async Task SendAsync_PublicClient_NamesItselfInTheBody()
    {
        _server.AddRefreshToken("refresh-public");
        using var session = new Session { Auth = new OAuth2RefreshTokenAuth(_server.TokenUrl, OAuth2TestServer.ClientId, null, "refresh-public", scope: "read") };

        var response = await session.GetAsync(_server.Url("/api/a"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var token = Assert.Single(_server.TokenRequestLog);
        Assert.Equal(OAuth2TestServer.ClientId, token.Form["client_id"]);
        Assert.Equal("read", token.Form["scope"]);
        Assert.Equal(string.Empty, token.Authorization);
    }

    [Fact]
    public async Task SendAsync_RotationCallbackFails_TheRequestFails_ButTheNewTokenIsKept()
    {
        _server.AddRefreshToken("refresh-start");
        var auth = new OAuth2RefreshTokenAuth(_server.TokenUrl, OAuth2TestServer.ClientId, OAuth2TestServer.ClientSecret, "refresh-start")
        {
            RefreshTokenRotated = (_, _) => throw new IOException("store unavailable"),
        };
        using var session = new Session { Auth = auth };

        await Assert.ThrowsAsync<IOException>(() => session.GetAsync(_server.Url("/api/a")));

        Assert.NotEqual("refresh-start", auth.RefreshToken);
    }

    [Fact]
    public void ToString_NeverShowsTheTokens()
    {
        var auth = new OAuth2RefreshTokenAuth("https://idp.example/token", "app", "secret-1", "refresh-1");

        Assert.DoesNotContain("secret-1", auth.ToString());
        Assert.DoesNotContain("refresh-1", auth.ToString());
    }
}
