using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Tests.Infrastructure;

namespace Pipeline.Tests.DependencyInjection;

[Collection(LoopbackCollection.Name)]
public sealed class SessionBuilderTests(LoopbackServerFixture server)
{
    [Fact]
    public async Task AddStageOfT_KeyedSession_StageRuns()
    {
        using var provider = ServiceProviders.Build(services => services.AddSession("api").AddStage<FirstStage>());
        var session = provider.GetRequiredKeyedService<Session>("api");

        using var response = await session.GetAsync(server.Url("/headers"));

        Assert.Equal("first", response.Json().GetProperty("headers").GetProperty(AppendHeaderStage.OrderHeader).GetString());
    }

    [Fact]
    public async Task AddStageOfT_PlainHttpClient_StageRuns()
    {
        using var provider = ServiceProviders.Build(services => services.AddSession("api").AddStage<FirstStage>());
        using var client = provider.GetRequiredService<IHttpClientFactory>().CreateClient("api");

        var headers = await GetHeadersAsync(client);

        Assert.Equal("first", headers.GetProperty(AppendHeaderStage.OrderHeader).GetString());
    }

    [Fact]
    public async Task AddStageFactory_KeyedSessionAndPlainHttpClient_StageRuns()
    {
        using var provider = ServiceProviders.Build(services => services
            .AddSession("api")
            .AddStage(_ => new AppendHeaderStage("X-Factory-Stage", "on")));
        var session = provider.GetRequiredKeyedService<Session>("api");
        using var client = provider.GetRequiredService<IHttpClientFactory>().CreateClient("api");

        using var response = await session.GetAsync(server.Url("/headers"));
        var plain = await GetHeadersAsync(client);

        Assert.Equal("on", response.Json().GetProperty("headers").GetProperty("X-Factory-Stage").GetString());
        Assert.Equal("on", plain.GetProperty("X-Factory-Stage").GetString());
    }

    [Fact]
    public async Task AddStageFactory_ResolvesFromContainer()
    {
        using var provider = ServiceProviders.Build(services =>
        {
            services.AddSingleton(new StageValue("from-container"));
            services.AddSession("api").AddStage(sp => new AppendHeaderStage("X-Value", sp.GetRequiredService<StageValue>().Value));
        });
        var session = provider.GetRequiredKeyedService<Session>("api");

        using var response = await session.GetAsync(server.Url("/headers"));

        Assert.Equal("from-container", response.Json().GetProperty("headers").GetProperty("X-Value").GetString());
    }

    [Fact]
    public async Task AddStage_TwoStages_RunInRegistrationOrder()
    {
        using var provider = ServiceProviders.Build(services => services
            .AddSession("api")
            .AddStage<SecondStage>()
            .AddStage<FirstStage>());
        var session = provider.GetRequiredKeyedService<Session>("api");
        using var client = provider.GetRequiredService<IHttpClientFactory>().CreateClient("api");

        using var response = await session.GetAsync(server.Url("/headers"));
        var plain = await GetHeadersAsync(client);

        Assert.Equal("second, first", response.Json().GetProperty("headers").GetProperty(AppendHeaderStage.OrderHeader).GetString());
        Assert.Equal("second, first", plain.GetProperty(AppendHeaderStage.OrderHeader).GetString());
    }

    [Fact]
    public async Task AddStage_MixedFactoryAndType_RunInRegistrationOrder()
    {
        using var provider = ServiceProviders.Build(services => services
            .AddSession("api")
            .AddStage<FirstStage>()
            .AddStage(_ => new AppendHeaderStage(AppendHeaderStage.OrderHeader, "factory"))
            .AddStage<SecondStage>());
        var session = provider.GetRequiredKeyedService<Session>("api");

        using var response = await session.GetAsync(server.Url("/headers"));

        Assert.Equal("first, factory, second", response.Json().GetProperty("headers").GetProperty(AppendHeaderStage.OrderHeader).GetString());
    }

    [Fact]
    public async Task AddStage_OnlyOnItsOwnName()
    {
        using var provider = ServiceProviders.Build(services =>
        {
            services.AddSession("with").AddStage<FirstStage>();
            services.AddSession("without");
        });
        var session = provider.GetRequiredKeyedService<Session>("without");

        using var response = await session.GetAsync(server.Url("/headers"));

        Assert.False(response.Json().GetProperty("headers").TryGetProperty(AppendHeaderStage.OrderHeader, out _));
    }

    [Fact]
    public async Task AddHttpMessageHandler_OnSessionBuilder_ComposesAfterUserStages()
    {
        // Arrange: the builder is an IHttpClientBuilder, so the HttpClient factory's own extensions apply.
        using var provider = ServiceProviders.Build(services =>
        {
            IHttpClientBuilder builder = services.AddSession("api").AddStage<FirstStage>();
            builder.AddHttpMessageHandler(() => new AppendHeaderStage(AppendHeaderStage.OrderHeader, "message-handler"));
        });
        var session = provider.GetRequiredKeyedService<Session>("api");
        using var client = provider.GetRequiredService<IHttpClientFactory>().CreateClient("api");

        // Act
        using var response = await session.GetAsync(server.Url("/headers"));
        var plain = await GetHeadersAsync(client);

        // Assert
        Assert.Equal("first, message-handler", response.Json().GetProperty("headers").GetProperty(AppendHeaderStage.OrderHeader).GetString());
        Assert.Equal("first, message-handler", plain.GetProperty(AppendHeaderStage.OrderHeader).GetString());
    }

    [Fact]
    public async Task AddHttpMessageHandler_BeforeAddSession_SessionStagesStayOutermost()
    {
        // Arrange: a handler registered on the same name before AddSession still sees the session's merged headers.
        using var provider = ServiceProviders.Build(services =>
        {
            services.AddHttpClient("api").AddHttpMessageHandler(() => new HeaderCopyStage("X-Session", "X-Seen-By-Handler"));
            services.AddSession("api", s => s.Headers["X-Session"] = "merged");
        });
        var session = provider.GetRequiredKeyedService<Session>("api");

        // Act
        using var response = await session.GetAsync(server.Url("/headers"));

        // Assert
        Assert.Equal("merged", response.Json().GetProperty("headers").GetProperty("X-Seen-By-Handler").GetString());
    }

    private async Task<JsonElement> GetHeadersAsync(HttpClient client)
    {
        using var response = await client.GetAsync(server.Url("/headers"));
        response.EnsureSuccessStatusCode();
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.GetProperty("headers").Clone();
    }

    public sealed record StageValue(string Value);

    /// <summary>Copies a header the request already carries into another one, showing what an inner handler sees.</summary>
    public sealed class HeaderCopyStage(string from, string to) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.Headers.TryGetValues(from, out var values))
            {
                request.Headers.TryAddWithoutValidation(to, values);
            }

            return base.SendAsync(request, cancellationToken);
        }
    }
}
