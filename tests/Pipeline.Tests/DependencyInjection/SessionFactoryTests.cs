using System.Net;
using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http;
using Pipeline.Tests.Infrastructure;

namespace Pipeline.Tests.DependencyInjection;

[Collection(LoopbackCollection.Name)]
public sealed class SessionFactoryTests(LoopbackServerFixture server)
{
    [Fact]
    public async Task Create_RegisteredName_ReturnsSessionWithNamedDefaults()
    {
        using var provider = ServiceProviders.Build(services => services.AddSession("api", s =>
        {
            s.BaseAddress = new Uri(server.App.BaseUrl);
            s.Headers["X-From-Factory"] = "1";
        }));
        var factory = provider.GetRequiredService<ISessionFactory>();

        using var session = factory.Create("api");
        using var response = await session.GetAsync("/headers");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("1", response.Json().GetProperty("headers").GetProperty("X-From-Factory").GetString());
        Assert.NotSame(session, factory.Create("api"));
    }

    [Fact]
    public void Create_OneOfSeveralNames_GetsOnlyThatNamesDefaults()
    {
        using var provider = ServiceProviders.Build(services =>
        {
            services.AddSession("a", s => s.Headers["X-Name"] = "a");
            services.AddSession("b", s => s.Headers["X-Name"] = "b");
        });
        var factory = provider.GetRequiredService<ISessionFactory>();

        Assert.Equal("a", factory.Create("a").Headers["X-Name"]);
        Assert.Equal("b", factory.Create("b").Headers["X-Name"]);
    }

    [Fact]
    public void Create_UnknownName_ThrowsNamingTheSessionAndTheFix()
    {
        using var provider = ServiceProviders.Build(services => services.AddSession("api"));
        var factory = provider.GetRequiredService<ISessionFactory>();

        var error = Assert.Throws<InvalidOperationException>(() => factory.Create("missing"));

        Assert.Contains("'missing'", error.Message, StringComparison.Ordinal);
        Assert.Contains("AddSession(\"missing\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_NameThatIsOnlyAPlainHttpClient_Throws()
    {
        using var provider = ServiceProviders.Build(services =>
        {
            services.AddSession("api");
            services.AddHttpClient("plain");
        });

        Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<ISessionFactory>().Create("plain"));
    }

    [Fact]
    public void Create_NullName_ThrowsArgumentNull()
    {
        using var provider = ServiceProviders.Build(services => services.AddSession("api"));

        Assert.Throws<ArgumentNullException>(() => provider.GetRequiredService<ISessionFactory>().Create(null!));
    }

    [Fact]
    public async Task SendAsync_HandlerRotation_SingletonSessionKeepsWorkingWithItsCookieJar()
    {
        // Arrange: a new chain every millisecond; each chain creation is counted through a user stage.
        var chains = 0;
        using var provider = ServiceProviders.Build(services =>
        {
            services.AddSession("api", s => s.BaseAddress = new Uri(server.App.BaseUrl))
                .SetSessionLifetime(ServiceLifetime.Singleton)
                .AddStage(_ =>
                {
                    Interlocked.Increment(ref chains);
                    return new JarEchoStage();
                });
            services.Configure<HttpClientFactoryOptions>("api", o => SetHandlerLifetime(o, TimeSpan.FromMilliseconds(1)));
        });
        var session = provider.GetRequiredKeyedService<Session>("api");
        var jar = session.Cookies;
        session.Cookies.Set("sid", "abc");

        // Act: at least 20 requests, and more (bounded) until the factory has rotated the chain twice.
        var sent = 0;
        while (sent < 20 || (Volatile.Read(ref chains) < 3 && sent < 500))
        {
            using var response = await session.GetAsync("/headers?i=" + sent);

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("abc", response.Json().GetProperty("headers").GetProperty(JarEchoStage.Header).GetString());
            sent++;
            await Task.Delay(2);
        }

        // Assert
        Assert.True(Volatile.Read(ref chains) >= 3, $"The handler chain was built {chains} times in {sent} requests; rotation did not happen.");
        Assert.Same(session, provider.GetRequiredKeyedService<Session>("api"));
        Assert.Same(jar, session.Cookies);
        Assert.Equal("abc", session.Cookies.Get("sid"));
        Assert.Equal(1, session.Cookies.Count);
    }

    [Fact]
    public async Task SendAsync_HandlerRotationUnderConcurrentRequests_EveryRequestSucceeds()
    {
        // Arrange
        var chains = 0;
        using var provider = ServiceProviders.Build(services =>
        {
            services.AddSession("api", s => s.BaseAddress = new Uri(server.App.BaseUrl))
                .SetSessionLifetime(ServiceLifetime.Singleton)
                .AddStage(_ =>
                {
                    Interlocked.Increment(ref chains);
                    return new JarEchoStage();
                });
            services.Configure<HttpClientFactoryOptions>("api", o => SetHandlerLifetime(o, TimeSpan.FromMilliseconds(1)));
        });
        var session = provider.GetRequiredKeyedService<Session>("api");
        session.Cookies.Set("sid", "shared");

        // Act: four callers share the singleton session while the factory keeps replacing its chain (bounded retries until it has).
        var sids = await Task.WhenAll(Enumerable.Range(0, 4).Select(async caller =>
        {
            var seen = new List<string?>();
            for (var i = 0; i < 8 || (Volatile.Read(ref chains) < 2 && i < 200); i++)
            {
                using var response = await session.GetAsync($"/headers?caller={caller}&i={i}");
                seen.Add(response.Json().GetProperty("headers").GetProperty(JarEchoStage.Header).GetString());
                await Task.Delay(1);
            }

            return seen;
        }));

        // Assert
        Assert.All(sids.SelectMany(s => s), sid => Assert.Equal("shared", sid));
        Assert.All(sids, s => Assert.True(s.Count >= 8));
        Assert.True(Volatile.Read(ref chains) > 1, $"The handler chain was built {chains} times; rotation did not happen.");
    }

    // SetHandlerLifetime refuses less than one second; the backing field lets the chain rotate within a few requests.
    private static void SetHandlerLifetime(HttpClientFactoryOptions options, TimeSpan lifetime)
    {
        var field = typeof(HttpClientFactoryOptions).GetField("_handlerLifetime", BindingFlags.NonPublic | BindingFlags.Instance);
        Assert.NotNull(field);
        field.SetValue(options, lifetime);
    }
}
