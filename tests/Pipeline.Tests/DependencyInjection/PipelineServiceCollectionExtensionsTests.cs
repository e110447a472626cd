using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Pipeline.Tests.Infrastructure;

namespace Pipeline.Tests.DependencyInjection;

[Collection(LoopbackCollection.Name)]
public sealed class PipelineServiceCollectionExtensionsTests(LoopbackServerFixture server)
{
    [Fact]
    public async Task AddSession_KeyedSession_SendsNamedDefaultsToRelativeUrl()
    {
        // Arrange
        using var provider = ServiceProviders.Build(services => services.AddSession("api", s =>
        {
            s.BaseAddress = new Uri(server.App.BaseUrl + "/");
            s.Headers["X-Api-Key"] = "k1";
            s.Params["lang"] = "en";
        }));
        var session = provider.GetRequiredKeyedService<Session>("api");

        // Act
        using var response = await session.GetAsync("anything/items?page=2");

        // Assert
        var echo = response.Json();
        Assert.Equal(server.Url("/anything/items?page=2&lang=en"), response.Url);
        Assert.Equal("/anything/items", echo.GetProperty("path").GetString());
        Assert.Equal("?page=2&lang=en", echo.GetProperty("query").GetString());
        Assert.Equal("k1", echo.GetProperty("headers").GetProperty("X-Api-Key").GetString());
        Assert.StartsWith("pipeline/", echo.GetProperty("headers").GetProperty("User-Agent").GetString());
    }

    [Fact]
    public void AddSession_EachResolution_ReturnsNewSessionWithOwnCookieJar()
    {
        using var provider = ServiceProviders.Build(services => services.AddSession("api", s => s.Headers["X-A"] = "1"));

        var first = provider.GetRequiredKeyedService<Session>("api");
        var second = provider.GetRequiredKeyedService<Session>("api");

        Assert.NotSame(first, second);
        Assert.NotSame(first.Cookies, second.Cookies);
        Assert.NotSame(first.Headers, second.Headers);
        Assert.Equal("1", second.Headers["X-A"]);
    }

    [Fact]
    public void AddSession_TwoSessionsOfSameName_NeverShareCookies()
    {
        using var provider = ServiceProviders.Build(services => services.AddSession("api"));
        var first = provider.GetRequiredKeyedService<Session>("api");
        var second = provider.GetRequiredKeyedService<Session>("api");

        first.Cookies.Set("sid", "only-in-first");
        first.Headers["X-Changed"] = "first";

        Assert.Equal("only-in-first", first.Cookies.Get("sid"));
        Assert.Null(second.Cookies.Get("sid"));
        Assert.Equal(0, second.Cookies.Count);
        Assert.Null(second.Headers["X-Changed"]);
        Assert.Null(provider.GetRequiredKeyedService<Session>("api").Cookies.Get("sid"));
    }

    [Fact]
    public void AddSession_ChangingOneSession_LeavesNamedDefaultsAlone()
    {
        using var provider = ServiceProviders.Build(services => services.AddSession("api", s => s.Params["a"] = "1"));
        var first = provider.GetRequiredKeyedService<Session>("api");

        first.Params["a"] = "changed";
        first.MaxRedirects = 3;

        var next = provider.GetRequiredKeyedService<Session>("api");
        Assert.Equal("1", next.Params["a"]);
        Assert.Equal(30, next.MaxRedirects);
    }

    [Fact]
    public void AddSession_ParamsAndProxiesReplacedWhole_AreTheSessionsDefaults()
    {
        // SessionSettings has the same settable defaults as Session (API.md).
        using var provider = ServiceProviders.Build(services => services.AddSession("api", s =>
        {
            s.Params = new() { ["a"] = "1" };
            s.Proxies = new() { ["http"] = "http://proxy.test:3128" };
        }));

        var session = provider.GetRequiredKeyedService<Session>("api");

        Assert.Equal("1", session.Params["a"]);
        Assert.Equal("http://proxy.test:3128", session.Proxies["http"]);
        Assert.Throws<ArgumentNullException>(() => new SessionSettings().Params = null!);
        Assert.Throws<ArgumentNullException>(() => new SessionSettings().Proxies = null!);
    }

    [Fact]
    public void SetSessionLifetime_Singleton_ReturnsSameInstance()
    {
        using var provider = ServiceProviders.Build(services => services.AddSession("api").SetSessionLifetime(ServiceLifetime.Singleton));

        var first = provider.GetRequiredKeyedService<Session>("api");
        using var scope = provider.CreateScope();
        var second = scope.ServiceProvider.GetRequiredKeyedService<Session>("api");

        Assert.Same(first, second);
        Assert.Same(first.Cookies, second.Cookies);
    }

    [Fact]
    public void SetSessionLifetime_Scoped_SameWithinScopeDifferentAcrossScopes()
    {
        using var provider = ServiceProviders.Build(services => services.AddSession("api").SetSessionLifetime(ServiceLifetime.Scoped));

        using var scope1 = provider.CreateScope();
        using var scope2 = provider.CreateScope();
        var a1 = scope1.ServiceProvider.GetRequiredKeyedService<Session>("api");
        var a2 = scope1.ServiceProvider.GetRequiredKeyedService<Session>("api");
        var b = scope2.ServiceProvider.GetRequiredKeyedService<Session>("api");

        Assert.Same(a1, a2);
        Assert.NotSame(a1, b);
        Assert.NotSame(a1.Cookies, b.Cookies);
    }

    [Fact]
    public void SetSessionLifetime_Transient_ReturnsNewInstanceEachTime()
    {
        using var provider = ServiceProviders.Build(services => services.AddSession("api")
            .SetSessionLifetime(ServiceLifetime.Singleton)
            .SetSessionLifetime(ServiceLifetime.Transient));

        var first = provider.GetRequiredKeyedService<Session>("api");
        var second = provider.GetRequiredKeyedService<Session>("api");

        Assert.NotSame(first, second);
    }

    [Fact]
    public async Task AddSessionOfT_TypedClient_GetsSessionNamedAfterTypeWithDefaults()
    {
        // Arrange
        using var provider = ServiceProviders.Build(services => services.AddSession<SampleApiClient>(s =>
        {
            s.BaseAddress = new Uri(server.App.BaseUrl);
            s.Headers["X-Typed"] = "yes";
        }));

        // Act
        var client = provider.GetRequiredService<SampleApiClient>();
        var other = provider.GetRequiredService<SampleApiClient>();
        using var response = await client.GetHeadersAsync();

        // Assert
        Assert.Equal("yes", response.Json().GetProperty("headers").GetProperty("X-Typed").GetString());
        Assert.NotSame(client.Session, other.Session);
        Assert.NotSame(client.Session.Cookies, other.Session.Cookies);
        Assert.Equal("yes", provider.GetRequiredKeyedService<Session>(nameof(SampleApiClient)).Headers["X-Typed"]);
        Assert.Equal("yes", provider.GetRequiredService<ISessionFactory>().Create(nameof(SampleApiClient)).Headers["X-Typed"]);
    }

    [Fact]
    public async Task CreateClient_PlainNamedHttpClient_GetsDefaultHeaderParamAndAuth()
    {
        // Arrange
        using var provider = ServiceProviders.Build(services => services.AddSession("api", s =>
        {
            s.BaseAddress = new Uri(server.App.BaseUrl);
            s.Headers["X-Default"] = "d";
            s.Params["lang"] = "en";
            s.Auth = ("user", "pass");
        }));
        using var client = provider.GetRequiredService<IHttpClientFactory>().CreateClient("api");

        // Act
        using var response = await client.GetAsync("/anything?q=1");

        // Assert
        response.EnsureSuccessStatusCode();
        using var echo = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = echo.RootElement;
        Assert.Equal("?q=1&lang=en", root.GetProperty("query").GetString());
        Assert.Equal("d", root.GetProperty("headers").GetProperty("X-Default").GetString());
        Assert.StartsWith("pipeline/", root.GetProperty("headers").GetProperty("User-Agent").GetString());
        Assert.Equal("Basic dXNlcjpwYXNz", root.GetProperty("headers").GetProperty("Authorization").GetString());
    }

    [Fact]
    public async Task CreateClient_RequestHeader_NotOverwrittenByDefault()
    {
        // Arrange
        using var provider = ServiceProviders.Build(services => services.AddSession("api", s =>
        {
            s.Headers["X-Default"] = "from-defaults";
            s.Headers["Accept"] = "text/plain";
        }));
        using var client = provider.GetRequiredService<IHttpClientFactory>().CreateClient("api");
        using var request = new HttpRequestMessage(HttpMethod.Get, server.Url("/headers"));
        request.Headers.TryAddWithoutValidation("X-Default", "mine");
        request.Headers.TryAddWithoutValidation("Accept", "application/json");

        // Act
        using var response = await client.SendAsync(request);

        // Assert
        using var echo = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var headers = echo.RootElement.GetProperty("headers");
        Assert.Equal("mine", headers.GetProperty("X-Default").GetString());
        Assert.Equal("application/json", headers.GetProperty("Accept").GetString());
    }

    [Fact]
    public async Task AddSession_NextToAspNetCoreSessionState_BothWorkInOneWebApplication()
    {
        // Arrange: ASP.NET Core's AddSession() overloads and ours, side by side, each resolving to its own method.
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Services.AddDistributedMemoryCache();
        builder.Services.AddSession();
        builder.Services.AddSession(o => o.Cookie.Name = ".x");
        builder.Services.AddSession("upstream", s =>
        {
            s.BaseAddress = new Uri(server.App.BaseUrl);
            s.Headers["X-Upstream"] = "1";
        });
        await using var app = builder.Build();
        app.UseSession();
        app.MapGet("/relay", async (HttpContext context, [FromKeyedServices("upstream")] Session upstream) =>
        {
            context.Session.SetString("relayed", "yes");
            using var response = await upstream.GetAsync("/anything?via=relay");
            var echo = response.Json();
            return echo.GetProperty("args").GetProperty("via")[0].GetString() + "|" + echo.GetProperty("headers").GetProperty("X-Upstream").GetString();
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        using var client = new HttpClient();

        // Act
        using var reply = await client.GetAsync(address.TrimEnd('/') + "/relay");

        // Assert
        Assert.Equal(HttpStatusCode.OK, reply.StatusCode);
        Assert.Equal("relay|1", await reply.Content.ReadAsStringAsync());
        Assert.Contains(reply.Headers.GetValues("Set-Cookie"), c => c.StartsWith(".x=", StringComparison.Ordinal));
        await app.StopAsync();
    }

    [Fact]
    public void AddSession_ExtensionClass_HasNoFullNameTwinInAspNetCoreSessionState()
    {
        // Two public classes of one full name make a static call by class name CS0433 in every ASP.NET Core app.
        var ours = typeof(Session).Assembly.GetExportedTypes()
            .Where(t => t.GetMethods().Any(m => m.Name == nameof(PipelineServiceCollectionExtensions.AddSession)))
            .ToList();
        var aspNetCore = typeof(SessionMiddlewareExtensions).Assembly;

        Assert.NotEmpty(ours);
        Assert.All(ours, t => Assert.Null(aspNetCore.GetType(t.FullName!)));
    }

    [Fact]
    public void AddSession_CalledByClassName_RegistersSession()
    {
        var services = new ServiceCollection();

        PipelineServiceCollectionExtensions.AddSession(services, "api");

        using var provider = services.BuildServiceProvider();
        Assert.NotNull(provider.GetRequiredKeyedService<Session>("api"));
    }
}
