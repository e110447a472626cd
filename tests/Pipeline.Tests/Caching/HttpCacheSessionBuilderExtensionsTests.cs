using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Tests.DependencyInjection;

namespace Pipeline.Tests.Caching;

/// <summary>AddHttpCache and the configuration keys under Sessions:name:Cache.</summary>
public sealed class HttpCacheSessionBuilderExtensionsTests
{
    [Fact]
    public void AddHttpCache_NoDistributedCache_InMemoryPrivateCacheSharedByTheName()
    {
        using var provider = ServiceProviders.Build(s => s.AddSession("api").AddHttpCache(o => o.MaxEntrySize = 1234));
        var factory = provider.GetRequiredService<ISessionFactory>();

        using var one = factory.Create("api");
        using var two = factory.Create("api");

        Assert.NotNull(one.Cache);
        Assert.False(one.Cache.IsShared);
        Assert.Same(one.Cache, two.Cache);
        Assert.Equal(1234, one.Cache.Options.MaxEntrySize);
        Assert.Equal("api", one.Cache.Options.Name);
    }

    [Fact]
    public void AddHttpCache_DistributedCacheRegistered_SharedCache()
    {
        using var provider = ServiceProviders.Build(s =>
        {
            s.AddSingleton(CacheTesting.DistributedMemory());
            s.AddSession("api").AddHttpCache();
        });

        using var session = provider.GetRequiredService<ISessionFactory>().Create("api");

        Assert.True(session.Cache!.IsShared);
        Assert.Same(provider.GetRequiredService<IDistributedCache>(), session.Cache.DistributedStore);
    }

    [Fact]
    public void AddHttpCache_NullBuilder_Throws() =>
        Assert.Throws<ArgumentNullException>(() => HttpCacheSessionBuilderExtensions.AddHttpCache(null!));

    [Fact]
    public async Task AddHttpCache_ContainerDisposed_CacheDisposed()
    {
        var provider = ServiceProviders.Build(s => s.AddSession("api").AddHttpCache());
        var cache = provider.GetRequiredService<ISessionFactory>().Create("api").Cache!;

        provider.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => cache.RemoveAsync("http://x.test/"));
    }

    [Fact]
    public void Configuration_CacheSection_BindsLimits()
    {
        var configuration = Configuration(new()
        {
            ["Sessions:api:Cache:Enabled"] = "true",
            ["Sessions:api:Cache:MaxEntrySize"] = "2048",
            ["Sessions:api:Cache:MaxTotalSize"] = "65536",
            ["Sessions:api:Cache:KeyPrefix"] = "app1:",
            ["Sessions:api:Cache:HeuristicFreshness"] = "false",
            ["Sessions:api:Cache:MaxHeuristicLifetime"] = "01:00:00",
            ["Sessions:api:Cache:StaleRetention"] = "600",
        });
        using var provider = ServiceProviders.Build(s => s.AddSession("api", configuration.GetSection("Sessions:api")));

        using var session = provider.GetRequiredService<ISessionFactory>().Create("api");

        var options = session.Cache!.Options;
        Assert.False(session.Cache.IsShared);
        Assert.Equal(2048, options.MaxEntrySize);
        Assert.Equal(65536, options.MaxTotalSize);
        Assert.Equal("app1:", options.KeyPrefix);
        Assert.False(options.HeuristicFreshness);
        Assert.Equal(TimeSpan.FromHours(1), options.MaxHeuristicLifetime);
        Assert.Equal(TimeSpan.FromMinutes(10), options.StaleRetention);
        Assert.Equal("api", options.Name);
    }

    [Fact]
    public void Configuration_CacheEnabled_UsesTheDistributedCacheOfTheContainer()
    {
        var configuration = Configuration(new() { ["Sessions:api:Cache"] = "true" });
        using var provider = ServiceProviders.Build(s =>
        {
            s.AddSingleton(CacheTesting.DistributedMemory());
            s.AddSession("api", configuration.GetSection("Sessions:api"));
        });

        using var session = provider.GetRequiredService<ISessionFactory>().Create("api");

        Assert.True(session.Cache!.IsShared);
    }

    [Theory]
    [InlineData("Sessions:api:Cache", "false")]
    [InlineData("Sessions:api:Cache:Enabled", "false")]
    public void Configuration_CacheDisabled_NoCache(string key, string value)
    {
        var configuration = Configuration(new() { [key] = value });
        using var provider = ServiceProviders.Build(s => s.AddSession("api", configuration.GetSection("Sessions:api")));

        using var session = provider.GetRequiredService<ISessionFactory>().Create("api");

        Assert.Null(session.Cache);
    }

    [Theory]
    [InlineData("MaxEntrySize", "-1")]
    [InlineData("MaxTotalSize", "lots")]
    [InlineData("Enabled", "maybe")]
    [InlineData("StaleRetention", "-5")]
    public void Configuration_InvalidCacheValue_ThrowsNamingTheKey(string key, string value)
    {
        var configuration = Configuration(new() { ["Sessions:api:Cache:" + key] = value });
        using var provider = ServiceProviders.Build(s => s.AddSession("api", configuration.GetSection("Sessions:api")));

        var error = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<ISessionFactory>().Create("api"));

        Assert.Contains("Sessions:api:Cache:" + key, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddHttpCache_PlainNamedHttpClient_UsesTheNamesCache()
    {
        await using var origin = await CacheOrigin.StartAsync(CacheOrigin.Answer("plain", ("Cache-Control", "max-age=600")));
        using var provider = ServiceProviders.Build(s => s.AddSession("api").AddHttpCache());
        var client = provider.GetRequiredService<IHttpClientFactory>().CreateClient("api");

        using var first = await client.GetAsync(origin.Url("/plain"));
        using var second = await client.GetAsync(origin.Url("/plain"));

        Assert.Equal("plain", await second.Content.ReadAsStringAsync());
        Assert.Equal(1, origin.Count);
    }

    private static IConfiguration Configuration(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build();
}
