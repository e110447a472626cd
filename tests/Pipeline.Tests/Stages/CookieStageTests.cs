using System.Net;
using Microsoft.Extensions.Time.Testing;
using Pipeline.Tests.Infrastructure;
using RichardSzalay.MockHttp;

namespace Pipeline.Tests.Stages;

public sealed class CookieStageTests
{
    [Fact]
    public async Task SendAsync_NoContext_PassesThroughUnchanged()
    {
        var stub = new StubHandler(_ => WithSetCookies(HttpStatusCode.OK, "k=v"));
        using var invoker = new HttpMessageInvoker(new CookieStage { InnerHandler = stub });
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://h/");

        using var message = await invoker.SendAsync(request, CancellationToken.None);

        Assert.Equal(HttpStatusCode.OK, message.StatusCode);
        Assert.False(Assert.Single(stub.Requests).Headers.NonValidated.Contains("Cookie"));
        Assert.Null(HopState.FindResponse(request));
    }

    [Fact]
    public async Task SendAsync_JarCookies_SentWhenTheyMatch()
    {
        var mock = new MockHttpMessageHandler();
        mock.Expect("http://www.example.com/app/page").WithHeaders("Cookie", "deep=2; any=1; dom=3").Respond(HttpStatusCode.OK);
        using var invoker = new HttpMessageInvoker(new CookieStage { InnerHandler = mock });
        var jar = new CookieJar();
        jar.Set("any", "1");
        jar.Set("deep", "2", path: "/app");
        jar.Set("dom", "3", domain: ".example.com");
        jar.Set("elsewhere", "4", domain: "other.com");
        jar.Add(new Cookie("tls", "6", "/", ".example.com") { Secure = true });
        using var request = Get("http://www.example.com/app/page", Contexts.With(cookies: jar));

        using var message = await invoker.SendAsync(request, CancellationToken.None);

        mock.VerifyNoOutstandingExpectation();
    }

    [Fact]
    public async Task SendAsync_HandSetCookieHeader_SuppressesJar_AsPrepareCookies()
    {
        var stub = new StubHandler();
        using var invoker = new HttpMessageInvoker(new CookieStage { InnerHandler = stub });
        var jar = new CookieJar();
        jar.Set("j", "1");
        using var request = Get("http://h/", Contexts.With(cookies: jar, requestCookies: new Dictionary<string, string> { ["r"] = "2" }));
        request.Headers.TryAddWithoutValidation("Cookie", "hand=1");

        using var message = await invoker.SendAsync(request, CancellationToken.None);

        Assert.Equal("hand=1", stub.Requests[0].Headers.NonValidated["Cookie"].ToString());
    }

    [Fact]
    public async Task SendAsync_RequestCookie_OverridesSessionCookie_AndIsNotPersisted()
    {
        var stub = new StubHandler();
        using var invoker = new HttpMessageInvoker(new CookieStage { InnerHandler = stub });
        var jar = new CookieJar();
        jar.Set("k", "session");
        using var request = Get("http://h/", Contexts.With(cookies: jar, requestCookies: new Dictionary<string, string> { ["k"] = "request" }));

        using var message = await invoker.SendAsync(request, CancellationToken.None);

        Assert.Equal("k=request", stub.Requests[0].Headers.NonValidated["Cookie"].ToString());
        Assert.Equal("session", jar["k"]);
    }

    [Fact]
    public async Task SendAsync_SetCookieHeaders_EachParsedSeparately_StoredInJarAndResponseCookies()
    {
        // Arrange: Expires contains a comma, so the headers must not be split on ", " (requests reads them one by one).
        var stub = new StubHandler(_ => WithSetCookies(HttpStatusCode.OK, "a=1; Expires=Sun, 09 Jun 2030 10:18:14 GMT", "b=2; Path=/", "$bad=3", "garbage"));
        using var invoker = new HttpMessageInvoker(new CookieStage { InnerHandler = new HooksStage { InnerHandler = stub } });
        var jar = new CookieJar();
        using var request = Get("http://h/x/y", Contexts.With(cookies: jar));

        // Act
        using var message = await invoker.SendAsync(request, CancellationToken.None);

        // Assert
        Assert.Equal(["a", "b"], jar.Select(c => c.Name));
        Assert.Equal("/x", jar.Single(c => c.Name == "a").Path);
        Assert.Equal(new DateTime(2030, 6, 9, 10, 18, 14, DateTimeKind.Utc), jar.Single(c => c.Name == "a").Expires.ToUniversalTime());
        var response = HopState.FindResponse(request);
        Assert.NotNull(response);
        Assert.Equal(["a", "b"], response.Cookies.Select(c => c.Name));
    }

    [Fact]
    public async Task SendAsync_SetCookieWithoutHooksStage_StillStoredInJar()
    {
        var stub = new StubHandler(_ => WithSetCookies(HttpStatusCode.OK, "k=v"));
        using var invoker = new HttpMessageInvoker(new CookieStage { InnerHandler = stub });
        var jar = new CookieJar();
        using var request = Get("http://h/", Contexts.With(cookies: jar));

        using var message = await invoker.SendAsync(request, CancellationToken.None);

        Assert.Equal("v", jar.Get("k", domain: "h"));
    }

    [Fact]
    public async Task SendAsync_SetCookieMaxAge0_DeletesJarCookie()
    {
        var stub = new StubHandler(_ => WithSetCookies(HttpStatusCode.OK, "k=gone; Max-Age=0"));
        using var invoker = new HttpMessageInvoker(new CookieStage { InnerHandler = stub });
        var jar = new CookieJar();
        jar.Store(CookieRules.ParseSetCookie("k=v", new Uri("http://h/"), DateTime.UtcNow)!);
        using var request = Get("http://h/", Contexts.With(cookies: jar));

        using var message = await invoker.SendAsync(request, CancellationToken.None);

        Assert.Equal("k=v", stub.Requests[0].Headers.NonValidated["Cookie"].ToString());
        Assert.Empty(jar.Snapshot);
    }

    [Fact]
    public async Task SendAsync_CookieMaxAgePassed_NotSent_UsesTimeProvider()
    {
        // Arrange
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var stub = new StubHandler(r => r.RequestUri!.AbsolutePath == "/set" ? WithSetCookies(HttpStatusCode.OK, "short=1; Max-Age=60") : new HttpResponseMessage(HttpStatusCode.OK));
        using var invoker = new HttpMessageInvoker(new CookieStage(time) { InnerHandler = stub });
        var jar = new CookieJar();
        jar.Set("long", "2");

        // Act
        using (var set = Get("http://h/set", Contexts.With(cookies: jar)))
        {
            (await invoker.SendAsync(set, CancellationToken.None)).Dispose();
        }

        using (var soon = Get("http://h/soon", Contexts.With(cookies: jar)))
        {
            (await invoker.SendAsync(soon, CancellationToken.None)).Dispose();
        }

        time.Advance(TimeSpan.FromMinutes(2));
        using (var later = Get("http://h/later", Contexts.With(cookies: jar)))
        {
            (await invoker.SendAsync(later, CancellationToken.None)).Dispose();
        }

        // Assert
        Assert.Equal("long=2; short=1", stub.Requests[1].Headers.NonValidated["Cookie"].ToString());
        Assert.Equal("long=2", stub.Requests[2].Headers.NonValidated["Cookie"].ToString());
    }

    [Fact]
    public async Task SendAsync_NoMatchingCookies_AddsNoCookieHeader()
    {
        var stub = new StubHandler();
        using var invoker = new HttpMessageInvoker(new CookieStage { InnerHandler = stub });
        var jar = new CookieJar();
        jar.Set("k", "v", domain: "other.com");
        using var request = Get("http://h/", Contexts.With(cookies: jar));

        using var message = await invoker.SendAsync(request, CancellationToken.None);

        Assert.False(stub.Requests[0].Headers.NonValidated.Contains("Cookie"));
    }

    private static HttpRequestMessage Get(string url, RequestContext context)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Options.Set(RequestContext.Key, context);
        return request;
    }

    private static HttpResponseMessage WithSetCookies(HttpStatusCode status, params string[] setCookies)
    {
        var message = new HttpResponseMessage(status) { Content = new StringContent("ok") };
        foreach (var setCookie in setCookies)
        {
            message.Headers.TryAddWithoutValidation("Set-Cookie", setCookie);
        }

        return message;
    }
}
