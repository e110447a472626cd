using System.Net;
using System.Text;
using Pipeline.Tests.Infrastructure;
using RichardSzalay.MockHttp;

namespace Pipeline.Tests.Stages;

public sealed class RedirectStageTests
{
    private static readonly string[] HttpAndHttps = ["https://", "http://"];

    [Fact]
    public async Task SendAsync_TwoRedirects_HistoryInOrder_EachHopSeesEarlierHops()
    {
        // Arrange
        var stub = new StubHandler(r => r.RequestUri!.AbsolutePath switch
        {
            "/a" => Redirect(302, "/b"),
            "/b" => Redirect(301, "http://h/c"),
            _ => Ok("final"),
        });
        using var invoker = Chain(stub);
        using var request = Get("http://h/a");

        // Act
        using var message = await invoker.SendAsync(request, CancellationToken.None);

        // Assert
        var final = FinalResponse(request);
        Assert.Equal("http://h/c", final.Url);
        Assert.Equal("final", final.Text);
        Assert.Equal(["http://h/a", "http://h/b"], final.History.Select(r => r.Url));
        Assert.Equal([HttpStatusCode.Found, HttpStatusCode.MovedPermanently], final.History.Select(r => r.StatusCode));
        Assert.Empty(final.History[0].History);
        Assert.Same(final.History[0], Assert.Single(final.History[1].History));
        Assert.Equal(["/a", "/b", "/c"], stub.Requests.Select(r => r.RequestUri!.AbsolutePath));
    }

    [Fact]
    public async Task SendAsync_MaxRedirects2With3Hops_ThrowsExceeded2Redirects_WithHistoryOf2()
    {
        var stub = new StubHandler(r => Redirect(302, r.RequestUri!.AbsolutePath + "x"));
        using var invoker = Chain(stub);
        using var request = Get("http://h/start", Contexts.With(mounts: HttpAndHttps, maxRedirects: 2));

        var ex = await Assert.ThrowsAsync<TooManyRedirectsException>(() => invoker.SendAsync(request, CancellationToken.None));

        Assert.Equal("Exceeded 2 redirects.", ex.Message);
        Assert.NotNull(ex.Response);
        Assert.Equal(2, ex.Response.History.Count);
        Assert.Equal(["http://h/start", "http://h/startx"], ex.Response.History.Select(r => r.Url));
        Assert.Equal("http://h/startxx", ex.Response.Url);
        Assert.Equal(3, stub.Requests.Count);
    }

    [Theory]
    [InlineData(30, true)]
    [InlineData(31, false)]
    public async Task SendAsync_DefaultLimit_30RedirectsFollowed_31Throw_AsRequestsMaxRedirects(int redirects, bool succeeds)
    {
        var stub = new StubHandler(r =>
        {
            var left = int.Parse(r.RequestUri!.AbsolutePath.AsSpan(3), System.Globalization.CultureInfo.InvariantCulture);
            return left == 0 ? Ok() : Redirect(302, "/r/" + (left - 1));
        });
        using var invoker = Chain(stub);
        using var request = Get("http://h/r/" + redirects);

        if (succeeds)
        {
            using var message = await invoker.SendAsync(request, CancellationToken.None);
            Assert.Equal(30, FinalResponse(request).History.Count);
            Assert.Equal(HttpStatusCode.OK, FinalResponse(request).StatusCode);
        }
        else
        {
            var ex = await Assert.ThrowsAsync<TooManyRedirectsException>(() => invoker.SendAsync(request, CancellationToken.None));
            Assert.Equal("Exceeded 30 redirects.", ex.Message);
            Assert.Equal(30, ex.Response!.History.Count);
        }
    }

    [Fact]
    public async Task SendAsync_AllowRedirectsFalse_SetsNextAndKeepsHistoryEmpty()
    {
        var stub = new StubHandler(r => Redirect(301, "/moved"));
        using var invoker = Chain(stub);
        using var request = Get("http://h/a", Contexts.With(mounts: HttpAndHttps, allowRedirects: false));

        using var message = await invoker.SendAsync(request, CancellationToken.None);

        var response = FinalResponse(request);
        Assert.True(response.IsRedirect);
        Assert.True(response.IsPermanentRedirect);
        Assert.Empty(response.History);
        Assert.Equal("http://h/moved", response.Next?.Url);
        Assert.Equal("GET", response.Next?.Method);
        Assert.Single(stub.Requests);
    }

    [Fact]
    public async Task SendAsync_AllowRedirectsFalse_Post302_NextIsGet_AsRebuildMethod()
    {
        var stub = new StubHandler(r => Redirect(302, "/next"));
        using var invoker = Chain(stub);
        var body = "a=1"u8.ToArray();
        using var request = new HttpRequestMessage(HttpMethod.Post, "http://h/form") { Content = new ByteArrayContent(body) };
        request.Options.Set(RequestContext.Key, Contexts.With(mounts: HttpAndHttps, allowRedirects: false, body: body));

        using var message = await invoker.SendAsync(request, CancellationToken.None);

        var next = FinalResponse(request).Next;
        Assert.NotNull(next);
        Assert.Equal("GET", next.Method);
        Assert.Null(next.Body);
    }

    [Fact]
    public async Task SendAsync_AllowRedirectsFalse_LocationWithoutAdapter_ReturnsTheRedirect_AsRequestsYieldRequests()
    {
        // requests builds r.next without choosing an adapter, so only following the redirect raises InvalidSchema.
        var stub = new StubHandler(r => Redirect(302, "ftp://files.example/f"));
        using var invoker = Chain(stub);
        using var request = Get("http://h/a", Contexts.With(mounts: HttpAndHttps, allowRedirects: false));

        using var message = await invoker.SendAsync(request, CancellationToken.None);

        Assert.Equal("ftp://files.example/f", FinalResponse(request).Next?.Url);
    }

    [Fact]
    public async Task SendAsync_RedirectToFtp_ThrowsInvalidSchemaException()
    {
        var stub = new StubHandler(r => Redirect(302, "ftp://files.example/f"));
        using var invoker = Chain(stub);
        using var request = Get("http://h/a");

        var ex = await Assert.ThrowsAsync<InvalidSchemaException>(() => invoker.SendAsync(request, CancellationToken.None));

        Assert.Equal("No connection adapters were found for 'ftp://files.example/f'", ex.Message);
        Assert.Single(stub.Requests);
    }

    [Theory]
    [InlineData(300)]
    [InlineData(304)]
    public async Task SendAsync_StatusOutsideRedirectStati_IsNotFollowed(int status)
    {
        var stub = new StubHandler(r => Redirect(status, "/elsewhere"));
        using var invoker = Chain(stub);
        using var request = Get("http://h/a");

        using var message = await invoker.SendAsync(request, CancellationToken.None);

        Assert.Single(stub.Requests);
        Assert.Equal((HttpStatusCode)status, FinalResponse(request).StatusCode);
    }

    [Fact]
    public async Task SendAsync_302WithoutLocationOrWithEmptyLocation_IsNotFollowed()
    {
        var stub = new StubHandler(r => r.RequestUri!.AbsolutePath == "/none"
            ? new HttpResponseMessage(HttpStatusCode.Found)
            : Redirect(302, string.Empty));
        using var invoker = Chain(stub);
        using var none = Get("http://h/none");
        using var empty = Get("http://h/empty");

        using var first = await invoker.SendAsync(none, CancellationToken.None);
        using var second = await invoker.SendAsync(empty, CancellationToken.None);

        Assert.Equal(2, stub.Requests.Count);
        Assert.Equal(HttpStatusCode.Found, FinalResponse(none).StatusCode);
        Assert.Equal(HttpStatusCode.Found, FinalResponse(empty).StatusCode);
        Assert.Empty(FinalResponse(empty).History);
    }

    [Theory]
    [InlineData(301)]
    [InlineData(302)]
    [InlineData(303)]
    public async Task SendAsync_PostRedirected_BecomesGetWithoutBodyOrContentHeaders(int status)
    {
        var stub = new StubHandler(r => r.RequestUri!.AbsolutePath == "/form" ? Redirect(status, "/done") : Ok());
        using var invoker = Chain(stub);
        var body = "a=1"u8.ToArray();
        using var request = new HttpRequestMessage(HttpMethod.Post, "http://h/form") { Content = new ByteArrayContent(body) };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/x-www-form-urlencoded");
        request.Options.Set(RequestContext.Key, Contexts.With(mounts: HttpAndHttps, body: body));

        using var message = await invoker.SendAsync(request, CancellationToken.None);

        var hop = stub.Requests[1];
        Assert.Equal(HttpMethod.Get, hop.Method);
        Assert.Null(hop.Content);
        Assert.False(hop.Headers.NonValidated.Contains("Content-Type"));
        Assert.False(hop.Headers.NonValidated.Contains("Content-Length"));
        Assert.Null(FinalResponse(request).Request.Body);
    }

    [Fact]
    public async Task SendAsync_Put301_StaysPutWithoutBody_AsRequestsPurgesBodyUnless307Or308()
    {
        var stub = new StubHandler(r => r.RequestUri!.AbsolutePath == "/put" ? Redirect(301, "/moved") : Ok());
        using var invoker = Chain(stub);
        var body = "data"u8.ToArray();
        using var request = new HttpRequestMessage(HttpMethod.Put, "http://h/put") { Content = new ByteArrayContent(body) };
        request.Options.Set(RequestContext.Key, Contexts.With(mounts: HttpAndHttps, body: body));

        using var message = await invoker.SendAsync(request, CancellationToken.None);

        Assert.Equal(HttpMethod.Put, stub.Requests[1].Method);
        Assert.Null(stub.Requests[1].Content);
    }

    [Theory]
    [InlineData(307)]
    [InlineData(308)]
    public async Task SendAsync_Post307Or308_KeepsMethodBodyAndContentType(int status)
    {
        // Arrange
        var stub = new StubHandler(r => r.RequestUri!.AbsolutePath == "/form" ? Redirect(status, "/again") : Ok());
        using var invoker = Chain(stub);
        var body = Encoding.UTF8.GetBytes("{\"k\":\"v\"}");
        using var request = new HttpRequestMessage(HttpMethod.Post, "http://h/form") { Content = new ByteArrayContent(body) };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
        request.Options.Set(RequestContext.Key, Contexts.With(mounts: HttpAndHttps, body: body));

        // Act
        using var message = await invoker.SendAsync(request, CancellationToken.None);

        // Assert
        var hop = stub.Requests[1];
        Assert.Equal(HttpMethod.Post, hop.Method);
        Assert.NotNull(hop.Content);
        Assert.Equal(body, await hop.Content.ReadAsByteArrayAsync());
        Assert.Equal("application/json", hop.Content.Headers.ContentType?.MediaType);
        Assert.Equal(body, FinalResponse(request).Request.Body);
    }

    [Fact]
    public async Task SendAsync_307WithUnseekableBodyStream_ThrowsUnrewindableBodyException()
    {
        var stub = new StubHandler(r => Redirect(307, "/again"));
        using var invoker = Chain(stub);
        using var source = new UnseekableStream("data"u8.ToArray());
        using var request = new HttpRequestMessage(HttpMethod.Post, "http://h/upload") { Content = new StreamContent(source) };
        request.Options.Set(RequestContext.Key, Contexts.With(mounts: HttpAndHttps, bodyStream: source));

        await Assert.ThrowsAsync<UnrewindableBodyException>(() => invoker.SendAsync(request, CancellationToken.None));

        Assert.Single(stub.Requests);
    }

    [Fact]
    public async Task SendAsync_HostChange_StripsAuthorization_AndKeepsItStripped_AsRebuildAuth()
    {
        // Arrange: 127.0.0.1 → localhost (strip), then back to 127.0.0.1 (still stripped: requests deleted the header).
        var stub = new StubHandler(r => r.RequestUri!.AbsolutePath switch
        {
            "/a" => Redirect(302, "http://localhost:5000/b"),
            "/b" => Redirect(302, "http://127.0.0.1:5000/c"),
            _ => Ok(),
        });
        using var invoker = Chain(stub);
        using var request = Get("http://127.0.0.1:5000/a");
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer hand-set");

        // Act
        using var message = await invoker.SendAsync(request, CancellationToken.None);

        // Assert
        Assert.Equal(3, stub.Requests.Count);
        Assert.Equal("Bearer hand-set", stub.Requests[0].Headers.NonValidated["Authorization"].ToString());
        Assert.False(stub.Requests[1].Headers.NonValidated.Contains("Authorization"));
        Assert.False(stub.Requests[2].Headers.NonValidated.Contains("Authorization"));
        Assert.True(HopState.IsAuthStripped(stub.Requests[1]));
        Assert.True(HopState.IsAuthStripped(stub.Requests[2]));
        Assert.False(HopState.IsAuthStripped(stub.Requests[0]));
    }

    [Theory]
    [InlineData("http://h/b", true)]
    [InlineData("https://h/b", true)]
    [InlineData("http://h:8080/b", false)]
    [InlineData("http://other/b", false)]
    public async Task SendAsync_Authorization_KeptOnlyWhenShouldStripAuthIsFalse(string location, bool kept)
    {
        var stub = new StubHandler(r => r.RequestUri!.AbsolutePath == "/a" ? Redirect(302, location) : Ok());
        using var invoker = Chain(stub);
        using var request = Get("http://h/a");
        request.Headers.TryAddWithoutValidation("Authorization", "Basic dTpw");

        using var message = await invoker.SendAsync(request, CancellationToken.None);

        Assert.Equal(kept, stub.Requests[1].Headers.NonValidated.Contains("Authorization"));
        Assert.Equal(!kept, HopState.IsAuthStripped(stub.Requests[1]));
    }

    [Fact]
    public async Task SendAsync_HandSetCookieHeader_SuppressesJar_ThenIsDroppedOnRedirect_AndJarRebuildsIt()
    {
        var stub = new StubHandler(r => r.RequestUri!.AbsolutePath == "/a" ? Redirect(302, "/b") : Ok());
        using var invoker = Chain(stub);
        var jar = new CookieJar();
        jar.Set("j", "1");
        using var request = Get("http://h/a", Contexts.With(mounts: HttpAndHttps, cookies: jar));
        request.Headers.TryAddWithoutValidation("Cookie", "hand=1");

        using var message = await invoker.SendAsync(request, CancellationToken.None);

        Assert.Equal("hand=1", stub.Requests[0].Headers.NonValidated["Cookie"].ToString());
        Assert.Equal("j=1", stub.Requests[1].Headers.NonValidated["Cookie"].ToString());
    }

    [Fact]
    public async Task SendAsync_SetCookieOnRedirect_SentOnNextHop_StoredInJarAndInThatHopsCookiesOnly()
    {
        // Arrange
        var stub = new StubHandler(r => r.RequestUri!.AbsolutePath == "/login" ? Redirect(302, "/home", "sid=abc; Path=/") : Ok());
        using var invoker = Chain(stub);
        var jar = new CookieJar();
        using var request = Get("http://h/login", Contexts.With(mounts: HttpAndHttps, cookies: jar));

        // Act
        using var message = await invoker.SendAsync(request, CancellationToken.None);

        // Assert
        var final = FinalResponse(request);
        Assert.False(stub.Requests[0].Headers.NonValidated.Contains("Cookie"));
        Assert.Equal("sid=abc", stub.Requests[1].Headers.NonValidated["Cookie"].ToString());
        Assert.Equal("abc", jar["sid"]);
        Assert.Equal("abc", final.History[0].Cookies["sid"]);
        Assert.Equal(0, final.Cookies.Count);
    }

    [Fact]
    public async Task SendAsync_RequestCookies_SentOnEveryHop_NeverPersisted_TheSessionsOfTheSameIdentityWinAfterARedirect()
    {
        // requests 2.34: prepare_request merges the request's cookies over the session's; resolve_redirects merges the
        // session's back over them for the next hop. Neither reaches the session jar.
        var stub = new StubHandler(r => r.RequestUri!.AbsolutePath == "/a" ? Redirect(302, "/b") : Ok());
        using var invoker = Chain(stub);
        var jar = new CookieJar();
        jar.Set("once", "session");
        var context = Contexts.With(mounts: HttpAndHttps, cookies: jar, requestCookies: new Dictionary<string, string> { ["once"] = "1", ["extra"] = "2" });
        using var request = Get("http://h/a", context);

        using var message = await invoker.SendAsync(request, CancellationToken.None);

        Assert.Equal(["once=1; extra=2", "once=session; extra=2"], stub.Requests.Select(r => r.Headers.NonValidated["Cookie"].ToString()));
        Assert.Equal("session", jar["once"]);
        Assert.Equal(1, jar.Count);
    }

    [Fact]
    public async Task SendAsync_CookieSetBy127001_NotSentToLocalhost_ButJarSetCookieIs()
    {
        var stub = new StubHandler(r => r.RequestUri!.Host == "127.0.0.1" ? Redirect(302, "http://localhost/b", "ip=1") : Ok());
        using var invoker = Chain(stub);
        var jar = new CookieJar();
        jar.Set("sc", "s");
        using var request = Get("http://127.0.0.1/a", Contexts.With(mounts: HttpAndHttps, cookies: jar));

        using var message = await invoker.SendAsync(request, CancellationToken.None);

        Assert.Equal("sc=s", stub.Requests[1].Headers.NonValidated["Cookie"].ToString());
        Assert.Equal("1", jar.Get("ip", domain: "127.0.0.1"));
    }

    [Fact]
    public async Task SendAsync_FragmentOnRequest_InheritedByRedirectWithoutFragment_ReplacedByNewOne()
    {
        var stub = new StubHandler(r => r.RequestUri!.AbsolutePath switch
        {
            "/a" => Redirect(302, "/b"),
            "/b" => Redirect(302, "/c#new"),
            _ => Ok(),
        });
        using var invoker = Chain(stub);
        using var request = Get("http://h/a#orig");

        using var message = await invoker.SendAsync(request, CancellationToken.None);

        var final = FinalResponse(request);
        Assert.Equal("http://h/b#orig", final.History[1].Url);
        Assert.Equal("http://h/c#new", final.Url);
    }

    [Fact]
    public async Task SendAsync_Utf8LocationReadAsLatin1_IsRequotedAsUtf8()
    {
        var stub = new StubHandler(r => r.RequestUri!.AbsolutePath == "/a" ? Redirect(302, "/echo/caf\u00C3\u00A9?x=\u00C3\u00BC") : Ok());
        using var invoker = Chain(stub);
        using var request = Get("http://h/a");

        using var message = await invoker.SendAsync(request, CancellationToken.None);

        Assert.Equal("http://h/echo/caf%C3%A9?x=%C3%BC", FinalResponse(request).Url);
    }

    [Fact]
    public async Task SendAsync_NoContext_FollowsRedirects()
    {
        var mock = new MockHttpMessageHandler();
        mock.Expect("http://h/a").Respond(req => Redirect(302, "/b"));
        mock.Expect("http://h/b").Respond(req => Redirect(307, "https://h/c"));
        mock.Expect("https://h/c").Respond(HttpStatusCode.OK, "text/plain", "done");
        using var invoker = new HttpMessageInvoker(new RedirectStage { InnerHandler = mock });

        using var message = await invoker.SendAsync(new HttpRequestMessage(HttpMethod.Get, "http://h/a"), CancellationToken.None);

        mock.VerifyNoOutstandingExpectation();
        Assert.Equal("done", await message.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task SendAsync_NoContext_EndlessRedirects_ThrowsAtDefaultLimit()
    {
        var stub = new StubHandler(r => r.RequestUri!.AbsolutePath.Length > 200
            ? throw new InvalidOperationException("The redirect limit was not applied.")
            : Redirect(302, r.RequestUri.AbsolutePath + "x"));
        using var invoker = new HttpMessageInvoker(new RedirectStage(defaultMaxRedirects: 3) { InnerHandler = stub });

        var ex = await Assert.ThrowsAsync<TooManyRedirectsException>(() => invoker.SendAsync(new HttpRequestMessage(HttpMethod.Get, "http://h/"), CancellationToken.None));

        Assert.Equal("Exceeded 3 redirects.", ex.Message);
        Assert.Equal(4, stub.Requests.Count);
    }

    [Fact]
    public async Task SendAsync_LimitReached_IsTooManyRedirects_EvenForATargetWithNoAdapter()
    {
        // requests' resolve_redirects checks max_redirects before it looks at the new URL.
        var stub = new StubHandler(_ => Redirect(302, "ftp://files.example/x"));
        using var invoker = new HttpMessageInvoker(new RedirectStage(defaultMaxRedirects: 0) { InnerHandler = stub });

        var ex = await Assert.ThrowsAsync<TooManyRedirectsException>(() => invoker.SendAsync(new HttpRequestMessage(HttpMethod.Get, "http://h/"), CancellationToken.None));

        Assert.Equal("Exceeded 0 redirects.", ex.Message);
        Assert.Single(stub.Requests);
    }

    [Fact]
    public async Task SendAsync_NoContext_DefaultLimitIs30()
    {
        var stub = new StubHandler(r => r.RequestUri!.AbsolutePath.Length > 200
            ? throw new InvalidOperationException("The redirect limit was not applied.")
            : Redirect(302, r.RequestUri.AbsolutePath + "x"));
        using var invoker = new HttpMessageInvoker(new RedirectStage { InnerHandler = stub });

        var ex = await Assert.ThrowsAsync<TooManyRedirectsException>(() => invoker.SendAsync(new HttpRequestMessage(HttpMethod.Get, "http://h/"), CancellationToken.None));

        Assert.Equal("Exceeded 30 redirects.", ex.Message);
        Assert.Equal(31, stub.Requests.Count);
    }

    [Fact]
    public void Send_Sync_ThrowsNotSupported()
    {
        using var invoker = new HttpMessageInvoker(new RedirectStage { InnerHandler = new StubHandler() });
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://h/");

        Assert.Throws<NotSupportedException>(() => invoker.Send(request, CancellationToken.None));
    }

    private static HttpMessageInvoker Chain(HttpMessageHandler inner) =>
        new(new RedirectStage { InnerHandler = new CookieStage { InnerHandler = new HooksStage { InnerHandler = inner } } });

    private static HttpRequestMessage Get(string url, RequestContext? context = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Options.Set(RequestContext.Key, context ?? Contexts.With(mounts: HttpAndHttps));
        return request;
    }

    private static Response FinalResponse(HttpRequestMessage request) =>
        HopState.FindResponse(request) ?? throw new InvalidOperationException("No Response was recorded on the request.");

    private static HttpResponseMessage Redirect(int status, string location, params string[] setCookies)
    {
        var message = new HttpResponseMessage((HttpStatusCode)status) { Content = new StringContent("moved") };
        message.Headers.TryAddWithoutValidation("Location", location);
        foreach (var setCookie in setCookies)
        {
            message.Headers.TryAddWithoutValidation("Set-Cookie", setCookie);
        }

        return message;
    }

    private static HttpResponseMessage Ok(string body = "ok") => new(HttpStatusCode.OK) { Content = new StringContent(body) };

    private sealed class UnseekableStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }
}
