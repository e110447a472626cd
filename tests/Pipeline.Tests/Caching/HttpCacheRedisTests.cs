using Microsoft.Extensions.Caching.StackExchangeRedis;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Tests.DependencyInjection;
using Pipeline.Tests.Infrastructure;

namespace Pipeline.Tests.Caching;

/// <summary>The shared cache over a real redis-server through Microsoft.Extensions.Caching.StackExchangeRedis.</summary>
public sealed class HttpCacheRedisTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    [Fact]
    public async Task TwoSessions_SeparateRedisClients_ShareEntries_OriginSeesOneRequest()
    {
        await using var origin = await CacheOrigin.StartAsync(CacheOrigin.Answer("shared body", ("Cache-Control", "public, max-age=600"), ("ETag", "\"s\"")));
        var prefix = "test:" + Guid.NewGuid().ToString("N") + ":";
        using var clientA = redis.CreateClient();
        using var clientB = redis.CreateClient();
        using var cacheA = new HttpCache(clientA, new HttpCacheOptions { KeyPrefix = prefix });
        using var cacheB = new HttpCache(clientB, new HttpCacheOptions { KeyPrefix = prefix });
        using var instanceA = new Session { Cache = cacheA };
        using var instanceB = new Session { Cache = cacheB };

        using var first = await instanceA.GetAsync(origin.Url("/shared"));
        using var second = await instanceB.GetAsync(origin.Url("/shared"));

        Assert.False(first.FromCache);
        Assert.True(second.FromCache);
        Assert.Equal("shared body", second.Text);
        Assert.Equal("\"s\"", second.Headers["ETag"]);
        Assert.Equal(1, origin.Count);
        Assert.NotNull(await clientB.GetAsync(prefix + "GET " + origin.Url("/shared")));
    }

    [Fact]
    public async Task AddHttpCache_RedisRegistered_NamedSessionsOfTwoContainersShareEntries()
    {
        await using var origin = await CacheOrigin.StartAsync(CacheOrigin.Answer("di", ("Cache-Control", "public, max-age=600")));
        var prefix = "di:" + Guid.NewGuid().ToString("N") + ":";
        ServiceProvider Instance() => ServiceProviders.Build(services =>
        {
            services.AddStackExchangeRedisCache(o => o.ConfigurationOptions = RedisFixture.Options(redis.Endpoint));
            services.AddSession("api").AddHttpCache(o => o.KeyPrefix = prefix);
        });
        using var one = Instance();
        using var two = Instance();

        using var first = await one.GetRequiredKeyedService<Session>("api").GetAsync(origin.Url("/di"));
        using var second = await two.GetRequiredKeyedService<Session>("api").GetAsync(origin.Url("/di"));

        Assert.True(one.GetRequiredKeyedService<Session>("api").Cache!.IsShared);
        Assert.True(second.FromCache);
        Assert.Equal(1, origin.Count);
    }

    [Fact]
    public async Task DocsSample_RedisSharedCache_RunsAsDocumented()
    {
        await using var origin = await CacheOrigin.StartAsync(CacheOrigin.Answer("{\"id\":42}", ("Cache-Control", "public, max-age=600")));

        var first = await StandaloneSampleAsync(redis.Endpoint, origin.Url("/items/42"));
        var second = await DependencyInjectionSampleAsync(redis.Endpoint, origin.BaseUrl + "/", "items/42");

        Assert.False(first);
        Assert.True(second);
        Assert.Equal(1, origin.Count);
    }

    // docs/caching.md, "A shared cache with Redis": keep the two in step.
    private static async Task<bool> StandaloneSampleAsync(string redisConfiguration, string url)
    {
        using var redis = new RedisCache(new RedisCacheOptions { Configuration = redisConfiguration });
        using var cache = new HttpCache(redis, new HttpCacheOptions { KeyPrefix = "myapp:http:" });
        using var session = new Session { Cache = cache };

        using var response = await session.GetAsync(url);
        return response.FromCache;
    }

    private static async Task<bool> DependencyInjectionSampleAsync(string redisConfiguration, string baseAddress, string path)
    {
        var services = new ServiceCollection();
        services.AddStackExchangeRedisCache(o => o.Configuration = redisConfiguration);
        services.AddSession("catalog", s => s.BaseAddress = new Uri(baseAddress))
            .AddHttpCache(o => o.KeyPrefix = "myapp:http:");
        await using var provider = services.BuildServiceProvider();

        using var session = provider.GetRequiredKeyedService<Session>("catalog");
        using var response = await session.GetAsync(path);
        return response.FromCache;
    }

    [Fact]
    public async Task RedisStopped_DegradesToMiss_LogsAndNeverFailsTheRequest()
    {
        var own = new RedisFixture();
        await own.InitializeAsync();
        await using var origin = await CacheOrigin.StartAsync(CacheOrigin.Answer("origin", ("Cache-Control", "public, max-age=600")));
        using var client = own.CreateClient();
        using var cache = new HttpCache(client, new HttpCacheOptions { StoreFailureBackoff = TimeSpan.Zero });
        var sink = new LogSink();
        using var session = new Session(new SessionSettings(), sink) { Cache = cache };
        using (var warm = await session.GetAsync(origin.Url("/r")))
        {
            Assert.Equal("origin", warm.Text);
        }

        await own.DisposeAsync();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        using var whileDown = await session.GetAsync(origin.Url("/r"));
        watch.Stop();

        Assert.Equal("origin", whileDown.Text);
        Assert.False(whileDown.FromCache);
        Assert.Equal(2, origin.Count);
        Assert.Contains(sink.Entries, e => e.EventId.Name == "CacheStoreFailed" && e.Level == Microsoft.Extensions.Logging.LogLevel.Warning);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"A request with the store down took {watch.Elapsed}; the client's timeouts are 1 s.");
    }

    [Fact]
    public async Task RedisUnreachableFromTheStart_RequestsSucceedAsMisses()
    {
        await using var origin = await CacheOrigin.StartAsync(CacheOrigin.Answer("origin", ("Cache-Control", "public, max-age=600")));
        using var client = new RedisCache(new RedisCacheOptions { ConfigurationOptions = RedisFixture.Options("127.0.0.1:1") });
        using var cache = new HttpCache(client);
        using var session = new Session { Cache = cache };

        using var first = await session.GetAsync(origin.Url("/u"));
        using var second = await session.GetAsync(origin.Url("/u"));

        Assert.Equal("origin", second.Text);
        Assert.Equal(2, origin.Count);
    }
}
