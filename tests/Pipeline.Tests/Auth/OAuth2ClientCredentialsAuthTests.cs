using System.Net;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using Pipeline.Tests.Infrastructure;

namespace Pipeline.Tests.Authentication;

/// <summary>RFC 6749 client credentials against an in-process token endpoint and API, through both pipelines.</summary>
public sealed class OAuth2ClientCredentialsAuthTests : IAsyncLifetime
{
    private OAuth2TestServer _server = null!;

    public static TheoryData<string> Kinds => TestSessions.Kinds;

    public async Task InitializeAsync() => _server = await OAuth2TestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task SendAsync_ColdCache_GetsATokenWithBasicClientAuth_AndSendsItAsBearer(string kind)
    {
        using var handle = TestSessions.Create(kind, s => s.Auth = NewAuth(scope: "read write"));

        var response = await handle.Session.GetAsync(_server.Url("/api/items"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Bearer access-1", response.Json().GetProperty("authorization").GetString());
        var token = Assert.Single(_server.TokenRequestLog);
        Assert.Equal("client_credentials", token.Form["grant_type"]);
        Assert.Equal("read write", token.Form["scope"]);
        Assert.False(token.Form.ContainsKey("client_secret"));
        Assert.Equal("application/x-www-form-urlencoded", token.ContentType);
        Assert.Equal("application/json", token.Headers["Accept"]);
        Assert.Equal(OAuth2Rules.BasicCredentials(OAuth2TestServer.ClientId, OAuth2TestServer.ClientSecret), token.Authorization);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task SendAsync_64ConcurrentCallersOnAColdCache_SendExactlyOneTokenRequest(string kind)
    {
        _server.TokenDelay = TimeSpan.FromMilliseconds(300);
        using var handle = TestSessions.Create(kind, s => s.Auth = NewAuth());

        var responses = await Task.WhenAll(Enumerable.Range(0, 64).Select(i => handle.Session.GetAsync(_server.Url($"/api/{i}"))));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(1, _server.TokenRequests);
        Assert.All(_server.ApiAuthorizations, a => Assert.Equal("Bearer access-1", a));
    }

    [Fact]
    public async Task SendAsync_TokenEndpointFailsWhileManyWait_OneRequestAndEveryCallerGetsTheError()
    {
        _server.TokenDelay = TimeSpan.FromMilliseconds(300);
        _server.FixedAnswer = (400, "application/json", """{"error":"invalid_scope"}""");
        using var session = new Session { Auth = NewAuth() };

        var calls = Enumerable.Range(0, 16).Select(i => session.GetAsync(_server.Url($"/api/{i}"))).ToList();

        foreach (var call in calls)
        {
            var error = await Assert.ThrowsAsync<OAuth2Exception>(() => call);
            Assert.Equal("invalid_scope", error.Error);
        }

        Assert.Equal(1, _server.TokenRequests);
    }

    [Fact]
    public async Task SendAsync_FirstCallerCancelled_TheOthersStillGetAToken()
    {
        _server.TokenDelay = TimeSpan.FromMilliseconds(400);
        using var session = new Session { Auth = NewAuth() };
        using var cancel = new CancellationTokenSource();

        var first = session.GetAsync(_server.Url("/api/first"), cancellationToken: cancel.Token);
        await WaitUntilAsync(() => _server.TokenRequests == 1);
        var second = session.GetAsync(_server.Url("/api/second"));
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);
        Assert.Equal(HttpStatusCode.OK, (await second).StatusCode);
        Assert.Equal(2, _server.TokenRequests);
    }

    [Fact]
    public async Task SendAsync_Token_IsCachedUntilExpiresInLessTheSkew()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        _server.ExpiresIn = 120;
        using var session = new Session { Auth = new OAuth2ClientCredentialsAuth(_server.TokenUrl, OAuth2TestServer.ClientId, OAuth2TestServer.ClientSecret) { TimeProvider = time } };

        await session.GetAsync(_server.Url("/api/a"));
        time.Advance(TimeSpan.FromSeconds(89));
        var cached = await session.GetAsync(_server.Url("/api/b"));
        time.Advance(TimeSpan.FromSeconds(2));
        var renewed = await session.GetAsync(_server.Url("/api/c"));

        Assert.Equal("Bearer access-1", cached.Json().GetProperty("authorization").GetString());
        Assert.Equal("Bearer access-2", renewed.Json().GetProperty("authorization").GetString());
        Assert.Equal(2, _server.TokenRequests);
    }

    [Fact]
    public async Task SendAsync_ConfiguredSkew_RenewsThatLongBeforeExpiry()
    {
        var time = new FakeTimeProvider();
        _server.ExpiresIn = 3600;
        var auth = new OAuth2ClientCredentialsAuth(_server.TokenUrl, OAuth2TestServer.ClientId, OAuth2TestServer.ClientSecret)
        {
            TimeProvider = time,
            ExpirySkew = TimeSpan.FromMinutes(10),
        };
        using var session = new Session { Auth = auth };

        await session.GetAsync(_server.Url("/api/a"));
        time.Advance(TimeSpan.FromMinutes(49));
        await session.GetAsync(_server.Url("/api/b"));
        time.Advance(TimeSpan.FromMinutes(2));
        await session.GetAsync(_server.Url("/api/c"));

        Assert.Equal(2, _server.TokenRequests);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task SendAsync_NoExpiresIn_TokenIsKeptUntilA401_ThenRenewedOnceAndTheRequestResent(string kind)
    {
        _server.ExpiresIn = null;
        using var handle = TestSessions.Create(kind, s => s.Auth = NewAuth());
        await handle.Session.GetAsync(_server.Url("/api/a"));
        await handle.Session.GetAsync(_server.Url("/api/b"));
        _server.RevokeAccessTokens();

        var response = await handle.Session.PostAsync(_server.Url("/api/c"), new() { Json = new { n = 1 } });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal([HttpStatusCode.Unauthorized], response.History.Select(r => r.StatusCode));
        Assert.Equal("Bearer access-2", response.Json().GetProperty("authorization").GetString());
        Assert.Equal(2, _server.TokenRequests);
    }

    [Fact]
    public async Task SendAsync_StillRejectedAfterRenewal_ReturnsThe401()
    {
        _server.RejectAll = true;
        using var session = new Session { Auth = NewAuth() };

        var response = await session.GetAsync(_server.Url("/api/a"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Single(response.History);
        Assert.Equal(2, _server.TokenRequests);
    }

    [Fact]
    public async Task SendAsync_401WithABodyThatCannotBeSentTwice_ReturnsThe401WithoutRenewing()
    {
        using var session = new Session { Auth = NewAuth() };
        await session.GetAsync(_server.Url("/api/warm"));
        _server.RevokeAccessTokens();

        var response = await session.PostAsync(_server.Url("/api/upload"), new() { Data = new NonSeekableStream(Encoding.UTF8.GetBytes("payload")) });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(1, _server.TokenRequests);
    }

    [Fact]
    public async Task SendAsync_ClientSecretPost_SendsTheCredentialsInTheBody()
    {
        var auth = new OAuth2ClientCredentialsAuth(_server.TokenUrl, OAuth2TestServer.ClientId, OAuth2TestServer.ClientSecret)
        {
            ClientAuthentication = OAuth2ClientAuthentication.ClientSecretPost,
            AdditionalParameters = new Dictionary<string, string> { ["audience"] = "https://api.example.com" },
        };
        using var session = new Session { Auth = auth };

        var response = await session.GetAsync(_server.Url("/api/a"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var token = Assert.Single(_server.TokenRequestLog);
        Assert.Equal(OAuth2TestServer.ClientId, token.Form["client_id"]);
        Assert.Equal(OAuth2TestServer.ClientSecret, token.Form["client_secret"]);
        Assert.Equal("https://api.example.com", token.Form["audience"]);
        Assert.Equal(string.Empty, token.Authorization);
    }

    [Fact]
    public async Task TokenEndpointError_IsOAuth2Exception_NamingTheErrorCode_NeverTheSecret()
    {
        _server.FixedAnswer = (400, "application/json",
            $$"""{"error":"invalid_client","error_description":"secret {{OAuth2TestServer.ClientSecret}} is wrong","error_uri":"https://idp.example/errors"}""");
        using var session = new Session { Auth = NewAuth() };

        var error = await Assert.ThrowsAsync<OAuth2Exception>(() => session.GetAsync(_server.Url("/api/a")));

        Assert.IsAssignableFrom<RequestException>(error);
        Assert.Equal("invalid_client", error.Error);
        Assert.Equal("https://idp.example/errors", error.ErrorUri);
        Assert.Equal(HttpStatusCode.BadRequest, error.TokenEndpointStatus);
        Assert.Contains("invalid_client", error.Message);
        Assert.DoesNotContain(OAuth2TestServer.ClientSecret, error.Message);
        Assert.DoesNotContain(OAuth2TestServer.ClientSecret, error.ErrorDescription);
        Assert.DoesNotContain(OAuth2TestServer.ClientSecret, error.ToString());
    }

    [Fact]
    public async Task TokenEndpointRejectsTheClient_IsOAuth2Exception_WithTheServersError()
    {
        using var session = new Session { Auth = new OAuth2ClientCredentialsAuth(_server.TokenUrl, OAuth2TestServer.ClientId, "wrong-secret") };

        var error = await Assert.ThrowsAsync<OAuth2Exception>(() => session.GetAsync(_server.Url("/api/a")));

        Assert.Equal("invalid_client", error.Error);
        Assert.Equal(HttpStatusCode.Unauthorized, error.TokenEndpointStatus);
        Assert.DoesNotContain("wrong-secret", error.ToString());
    }

    [Theory]
    [InlineData(502, "text/html", "<html>Bad gateway</html>", "502")]
    [InlineData(200, "text/plain", "access_token=abc", "200")]
    [InlineData(500, "application/json", """{"message":"boom"}""", "500")]
    public async Task TokenEndpointAnswersSomethingElse_IsOAuth2Exception_WithTheStatus(int status, string contentType, string body, string expected)
    {
        _server.FixedAnswer = (status, contentType, body);
        using var session = new Session { Auth = NewAuth() };

        var error = await Assert.ThrowsAsync<OAuth2Exception>(() => session.GetAsync(_server.Url("/api/a")));

        Assert.Null(error.Error);
        Assert.Contains(expected, error.Message);
        Assert.Equal((HttpStatusCode)status, error.TokenEndpointStatus);
    }

    [Theory]
    [InlineData("mac")]
    [InlineData("DPoP")]
    public async Task TokenTypeOtherThanBearer_IsOAuth2Exception(string tokenType)
    {
        _server.TokenType = tokenType;
        using var session = new Session { Auth = NewAuth() };

        var error = await Assert.ThrowsAsync<OAuth2Exception>(() => session.GetAsync(_server.Url("/api/a")));

        Assert.Contains(tokenType, error.Message);
        Assert.DoesNotContain("access-1", error.Message);
    }

    [Fact]
    public async Task TokenType_IsComparedIgnoringCase()
    {
        _server.TokenType = "bearer";
        using var session = new Session { Auth = NewAuth() };

        var response = await session.GetAsync(_server.Url("/api/a"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Redirect_ToAnotherHost_NeverCarriesTheToken(string kind)
    {
        await using var other = await OAuth2TestServer.StartAsync();
        using var handle = TestSessions.Create(kind, s => s.Auth = NewAuth());
        var target = other.Url("/echo").Replace("127.0.0.1", "localhost", StringComparison.Ordinal);

        var response = await handle.Session.GetAsync(_server.Url("/redirect?to=" + Uri.EscapeDataString(target)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(string.Empty, response.Json().GetProperty("authorization").GetString());
        Assert.StartsWith("Bearer ", response.History[0].Request.Headers["Authorization"]);
    }

    [Fact]
    public async Task TokenRequest_GoesThroughTheMountedAdapter_WithoutTheSessionsCookiesHooksOrHeaders()
    {
        using var adapter = new HttpAdapter();
        var counting = new CountingHandler(adapter);
        using var session = new Session { Auth = NewAuth() };
        session.Mount(_server.TokenUrl, counting);
        session.Headers["X-Session-Default"] = "1";
        session.Cookies.Set("sid", "cookie-value");
        var hooked = new List<string>();
        session.Hooks.Response.Add(r => hooked.Add(r.Url));

        var response = await session.GetAsync(_server.Url("/api/a"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, counting.Count);
        var token = Assert.Single(_server.TokenRequestLog);
        Assert.Equal(string.Empty, token.Cookie);
        Assert.False(token.Headers.ContainsKey("X-Session-Default"));
        Assert.Equal(session.Headers["User-Agent"], token.Headers["User-Agent"]);
        Assert.Equal([_server.Url("/api/a")], hooked);
        Assert.Equal("sid=cookie-value", response.Json().GetProperty("cookie").GetString());
    }

    [Fact]
    public async Task PrepareRequest_WithACachedToken_ShowsIt()
    {
        using var session = new Session { Auth = NewAuth() };
        await session.GetAsync(_server.Url("/api/a"));

        var prepared = session.PrepareRequest(new Request("GET", _server.Url("/api/b")));
        var response = await session.SendAsync(prepared);

        Assert.Equal("Bearer access-1", prepared.Headers["Authorization"]);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task InvalidateToken_MakesTheNextRequestGetANewOne()
    {
        var auth = NewAuth();
        using var session = new Session { Auth = auth };
        await session.GetAsync(_server.Url("/api/a"));

        auth.InvalidateToken();
        var response = await session.GetAsync(_server.Url("/api/b"));

        Assert.Equal("Bearer access-2", response.Json().GetProperty("authorization").GetString());
    }

    [Fact]
    public void ToString_NeverShowsTheSecret()
    {
        var auth = new OAuth2ClientCredentialsAuth("https://user:pw@idp.example/token", "my-client", "top-secret");

        Assert.Equal("OAuth2ClientCredentialsAuth(https://***@idp.example/token, my-client, ***)", auth.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("/token")]
    [InlineData("ftp://idp.example/token")]
    public void Constructor_TokenUrlNotAbsoluteHttp_Throws(string tokenUrl)
    {
        Assert.ThrowsAny<ArgumentException>(() => new OAuth2ClientCredentialsAuth(tokenUrl, "id", "secret"));
    }

    private OAuth2ClientCredentialsAuth NewAuth(string? scope = null) =>
        new(_server.TokenUrl, OAuth2TestServer.ClientId, OAuth2TestServer.ClientSecret, scope: scope);

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 500 && !condition(); i++)
        {
            await Task.Delay(10);
        }
    }

    private sealed class CountingHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        private int _count;

        public int Count => _count;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _count);
            return base.SendAsync(request, cancellationToken);
        }
    }

    private sealed class NonSeekableStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }
}
