using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Tests.Caching;
using Pipeline.Tests.DependencyInjection;
using Pipeline.Tests.Infrastructure;
using RedisRateLimiting;
using StackExchange.Redis;

namespace Pipeline.Tests.RateLimits;

/// <summary>
/// A fleet-wide limit: two sessions, each with its own Redis connection as two processes would have, share one
/// RedisRateLimiting window on a real redis-server.
/// </summary>
public sealed class RedisRateLimitTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    public static TheoryData<string> Kinds => TestSessions.Kinds;

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task TwoSessions_OneRedisWindow_TheLimitIsShared_FailFast(string kind)
    {
        // Arrange
        await using var server = new ScriptedServer(x => x.WriteAsync(RawRequest.Ok()));
        var key = "fleet:" + Guid.NewGuid().ToString("N");
        await using var connectionA = await ConnectionMultiplexer.ConnectAsync(RedisFixture.Options(redis.Endpoint));
        await using var connectionB = await ConnectionMultiplexer.ConnectAsync(RedisFixture.Options(redis.Endpoint));
        using var limiterA = Window(key, connectionA, permits: 3, TimeSpan.FromMinutes(1));
        using var limiterB = Window(key, connectionB, permits: 3, TimeSpan.FromMinutes(1));
        using var a = TestSessions.Create(kind, s => Limit(s, limiterA, RateLimitBehavior.FailFast));
        using var b = TestSessions.Create(kind, s => Limit(s, limiterB, RateLimitBehavior.FailFast));

        // Act
        using var one = await a.Session.GetAsync(server.Url("/a1"));
        using var two = await b.Session.GetAsync(server.Url("/b1"));
        using var three = await a.Session.GetAsync(server.Url("/a2"));
        var fromB = await Assert.ThrowsAsync<RateLimitExceededException>(() => b.Session.GetAsync(server.Url("/b2")));
        var fromA = await Assert.ThrowsAsync<RateLimitExceededException>(() => a.Session.GetAsync(server.Url("/a3")));

        // Assert
        Assert.Equal(3, server.RequestCount);
        Assert.InRange(fromB.RetryAfter!.Value, TimeSpan.Zero, TimeSpan.FromMinutes(1));
        Assert.NotNull(fromA.RetryAfter);
        Assert.Equal(server.Url("/b2"), fromB.Request!.Url);
    }

    [Fact]
    public async Task AddRateLimiter_TwoContainersOneRedisWindow_TheSecondWaitsForTheNextWindow()
    {
        // Arrange: two applications, each with its own container and Redis connection.
        await using var server = new ScriptedServer(x => x.WriteAsync(RawRequest.Ok()));
        var key = "fleet:" + Guid.NewGuid().ToString("N");
        ServiceProvider Instance() => ServiceProviders.Build(services =>
        {
            services.AddSingleton<IConnectionMultiplexer>(_ => ConnectionMultiplexer.Connect(RedisFixture.Options(redis.Endpoint)));
            services.AddSession("partner", s => s.BaseAddress = new Uri(server.BaseUrl))
                .AddRateLimiter(sp => Window(key, sp.GetRequiredService<IConnectionMultiplexer>(), permits: 1, TimeSpan.FromSeconds(2)));
        });
        await using var one = Instance();
        await using var two = Instance();
        using var measurements = new RateLimitedMeasurements();
        using var first = await one.GetRequiredKeyedService<Session>("partner").GetAsync("/one");
        var started = Stopwatch.StartNew();

        // Act
        using var second = await two.GetRequiredKeyedService<Session>("partner").GetAsync("/two");

        // Assert
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(2, server.RequestCount);
        Assert.True(measurements.Count(server.BaseUrl, "waited", "limiter") >= 1, "the second application's request did not wait for the shared window");
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(10), $"waited {started.Elapsed} for a window of 2 s");
    }

    private static RedisFixedWindowRateLimiter<string> Window(string key, IConnectionMultiplexer connection, int permits, TimeSpan window) =>
        new(key, new RedisFixedWindowRateLimiterOptions
        {
            ConnectionMultiplexerFactory = () => connection,
            PermitLimit = permits,
            Window = window,
        });

    private static void Limit(SessionSettings settings, System.Threading.RateLimiting.RateLimiter limiter, RateLimitBehavior behavior)
    {
        settings.RateLimiter = limiter;
        settings.RateLimit = new RateLimitOptions { Behavior = behavior };
    }
}
