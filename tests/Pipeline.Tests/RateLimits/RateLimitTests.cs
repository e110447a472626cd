using System.Diagnostics;
using System.Net;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Pipeline.Tests.DependencyInjection;
using Pipeline.Tests.Infrastructure;

namespace Pipeline.Tests.RateLimits;

/// <summary>
/// The rate-limit stage through both pipelines against raw-socket servers: permits per attempt, waiting or failing,
/// Retry-After holds per host, and their interplay with retries and the deadline, on a fake clock.
/// </summary>
public sealed class RateLimitTests
{
    private const string TooManyRequests30 = "HTTP/1.1 429 Too Many Requests\r\nRetry-After: 30\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";

    public static TheoryData<string> Kinds => TestSessions.Kinds;

    // One token, replenished only by hand (TryReplenish): a refusal's hint is the 10 s period.
    private static TokenBucketRateLimiter OneToken() => new(new TokenBucketRateLimiterOptions
    {
        TokenLimit = 1,
        TokensPerPeriod = 1,
        ReplenishmentPeriod = TimeSpan.FromSeconds(10),
        QueueLimit = 0,
        AutoReplenishment = false,
    });

    private static SessionHandle Create(string kind, CountingClock clock, Action<SessionSettings> configure) =>
        TestSessions.Create(kind, s =>
        {
            s.TimeProvider = clock;
            configure(s);
        });

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task FailFast_NoToken_RejectsWithTheLimitersRetryAfter_AndSendsNothing(string kind)
    {
        // Arrange
        using var measurements = new RateLimitedMeasurements();
        await using var server = new ScriptedServer(x => x.WriteAsync(RawRequest.Ok()));
        using var limiter = OneToken();
        using var handle = Create(kind, new CountingClock(), s =>
        {
            s.RateLimiter = limiter;
            s.RateLimit = new RateLimitOptions { Behavior = RateLimitBehavior.FailFast };
        });

        // Act
        using var first = await handle.Session.GetAsync(server.Url("/items?token=secret"));
        var error = await Assert.ThrowsAsync<RateLimitExceededException>(() => handle.Session.GetAsync(server.Url("/items?token=secret")));

        // Assert
        Assert.Equal($"Rate limit: no permit for GET {server.BaseUrl}/items?token=*; retry after 10 s. The request was not sent.", error.Message);
        Assert.Equal(TimeSpan.FromSeconds(10), error.RetryAfter);
        Assert.Equal(server.Url("/items?token=secret"), error.Request!.Url);
        Assert.Equal(1, server.RequestCount);
        Assert.Equal(1, measurements.Count(server.BaseUrl, "rejected", "limiter"));
    }

    // System.Threading.RateLimiting's limiters replenish on the real clock (TryReplenish too), so this one runs in real
    // time: a window of 1 s, replenished by the limiter's own timer.
    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Wait_NoPermit_WaitsForTheLimitersHint_ThenSends(string kind)
    {
        // Arrange
        using var measurements = new RateLimitedMeasurements();
        await using var server = new ScriptedServer(x => x.WriteAsync(RawRequest.Ok()));
        using var limiter = new FixedWindowRateLimiter(new FixedWindowRateLimiterOptions { PermitLimit = 1, Window = TimeSpan.FromSeconds(1), QueueLimit = 0 });
        using var handle = TestSessions.Create(kind, s => s.RateLimiter = limiter);
        using var first = await handle.Session.GetAsync(server.Url("/"));
        var started = Stopwatch.StartNew();

        // Act
        var second = handle.Session.GetAsync(server.Url("/"));
        await Poll.UntilAsync(() => measurements.Count(server.BaseUrl, "waited", "limiter") == 1, "the second request to wait");
        var sentWhileWaiting = server.RequestCount;
        using var response = await second;

        // Assert
        Assert.Equal(1, sentWhileWaiting);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, server.RequestCount);
        Assert.True(started.Elapsed >= TimeSpan.FromMilliseconds(900), $"sent after {started.Elapsed}, before the window's hint of 1 s");
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Wait_TheDeadlinePassesWhileWaitingForAPermit(string kind)
    {
        var clock = new CountingClock();
        await using var server = new ScriptedServer(x => x.WriteAsync(RawRequest.Ok()));
        using var limiter = OneToken();
        using var handle = Create(kind, clock, s => s.RateLimiter = limiter);
        using var first = await handle.Session.GetAsync(server.Url("/"));

        var second = handle.Session.GetAsync(server.Url("/"), new() { Deadline = TimeSpan.FromSeconds(5) });
        await clock.WaitForTimersAsync(2);
        clock.Advance(TimeSpan.FromSeconds(5));
        var error = await Assert.ThrowsAsync<DeadlineExceededException>(() => second);

        Assert.Equal("The call's deadline of 5 s passed during hop 1, attempt 1, while waiting for a rate-limit permit.", error.Message);
        Assert.Equal(1, server.RequestCount);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task EveryAttempt_TakesAPermit_AndEveryLeaseIsReleased(string kind)
    {
        await using var server = new ScriptedServer(x => x.Index switch
        {
            0 => x.WriteAsync(RawRequest.Redirect(302, "/next")),
            1 => x.WriteAsync("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"),
            _ => x.WriteAsync(RawRequest.Ok()),
        });
        using var limiter = new CountingLimiter(new ConcurrencyLimiter(new ConcurrencyLimiterOptions { PermitLimit = 1, QueueLimit = 10 }));
        using var handle = Create(kind, new CountingClock(), s =>
        {
            s.RateLimiter = limiter;
            s.Retry = new RetryPolicy { Total = 1, StatusForcelist = new HashSet<int> { 503 }, BackoffFactor = 0 };
        });

        using var response = await handle.Session.GetAsync(server.Url("/start"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3, limiter.Granted);
        Assert.Equal(0, limiter.Outstanding);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task A429WithRetryAfter_HoldsLaterRequestsToThatHost(string kind)
    {
        // Arrange
        using var measurements = new RateLimitedMeasurements();
        var clock = new CountingClock();
        await using var server = new ScriptedServer(x => x.WriteAsync(x.Index == 0 ? TooManyRequests30 : RawRequest.Ok()));
        using var handle = Create(kind, clock, s => s.RateLimit = new RateLimitOptions());
        using var limited = await handle.Session.GetAsync(server.Url("/"));

        // Act
        var next = handle.Session.GetAsync(server.Url("/"));
        await clock.WaitForTimersAsync(1);
        var sentDuringTheHold = server.RequestCount;
        clock.Advance(TimeSpan.FromSeconds(30));
        using var response = await next;

        // Assert
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal(1, sentDuringTheHold);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, measurements.Count(server.BaseUrl, "waited", "retry_after"));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task RetryAfterHold_FailFast_RejectsThatHostOnly(string kind)
    {
        await using var held = new ScriptedServer(x => x.WriteAsync(TooManyRequests30));
        await using var other = new ScriptedServer(x => x.WriteAsync(RawRequest.Ok()));
        using var handle = Create(kind, new CountingClock(), s => s.RateLimit = new RateLimitOptions { Behavior = RateLimitBehavior.FailFast });
        using var limited = await handle.Session.GetAsync(held.Url("/"));

        var error = await Assert.ThrowsAsync<RateLimitExceededException>(() => handle.Session.GetAsync(held.Url("/again")));
        using var elsewhere = await handle.Session.GetAsync(other.Url("/"));

        var host = new Uri(held.BaseUrl).Authority;
        Assert.Equal($"Rate limit: {host} asked for no requests for another 30 s (Retry-After); GET {held.BaseUrl}/again was not sent.", error.Message);
        Assert.Equal(TimeSpan.FromSeconds(30), error.RetryAfter);
        Assert.Equal(1, held.RequestCount);
        Assert.Equal(HttpStatusCode.OK, elsewhere.StatusCode);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task RetryAfterHold_CountsAgainstTheDeadline(string kind)
    {
        var clock = new CountingClock();
        await using var server = new ScriptedServer(x => x.WriteAsync(x.Index == 0 ? TooManyRequests30 : RawRequest.Ok()));
        using var handle = Create(kind, clock, s => s.RateLimit = new RateLimitOptions());
        using var limited = await handle.Session.GetAsync(server.Url("/"));

        var next = handle.Session.GetAsync(server.Url("/"), new() { Deadline = TimeSpan.FromSeconds(5) });
        await clock.WaitForTimersAsync(2);
        clock.Advance(TimeSpan.FromSeconds(5));
        var error = await Assert.ThrowsAsync<DeadlineExceededException>(() => next);

        Assert.Equal("The call's deadline of 5 s passed during hop 1, attempt 1, while waiting out the host's Retry-After.", error.Message);
        Assert.Equal(1, server.RequestCount);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task RetryAfterHold_CallerCancels_IsOperationCanceledWithTheCallersToken(string kind)
    {
        var clock = new CountingClock();
        await using var server = new ScriptedServer(x => x.WriteAsync(x.Index == 0 ? TooManyRequests30 : RawRequest.Ok()));
        using var handle = Create(kind, clock, s => s.RateLimit = new RateLimitOptions());
        using var limited = await handle.Session.GetAsync(server.Url("/"));
        using var caller = new CancellationTokenSource();

        var next = handle.Session.GetAsync(server.Url("/"), cancellationToken: caller.Token);
        await clock.WaitForTimersAsync(1);
        await caller.CancelAsync();
        var error = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => next);

        Assert.IsNotType<DeadlineExceededException>(error);
        Assert.Equal(caller.Token, error.CancellationToken);
        Assert.Equal(1, server.RequestCount);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Wait_CallerCancelsWhileWaitingForAPermit_WithADeadline_IsOperationCanceled(string kind)
    {
        var clock = new CountingClock();
        await using var server = new ScriptedServer(x => x.WriteAsync(RawRequest.Ok()));
        using var limiter = OneToken();
        using var handle = Create(kind, clock, s => s.RateLimiter = limiter);
        using var first = await handle.Session.GetAsync(server.Url("/"));
        using var caller = new CancellationTokenSource();

        var second = handle.Session.GetAsync(server.Url("/"), new() { Deadline = TimeSpan.FromSeconds(30) }, caller.Token);
        await clock.WaitForTimersAsync(2);
        await caller.CancelAsync();
        var error = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => second);

        Assert.IsNotType<DeadlineExceededException>(error);
        Assert.Equal(caller.Token, error.CancellationToken);
        Assert.Equal(1, server.RequestCount);
    }

    [Fact]
    public async Task RetryAfterHold_IsSharedBySessionsOfOneName()
    {
        await using var server = new ScriptedServer(x => x.WriteAsync(x.Index == 0 ? TooManyRequests30 : RawRequest.Ok()));
        await using var provider = ServiceProviders.Build(s =>
            s.AddSession("api", o => o.RateLimit = new RateLimitOptions { Behavior = RateLimitBehavior.FailFast }));
        var sessions = provider.GetRequiredService<ISessionFactory>();
        using var one = sessions.Create("api");
        using var two = sessions.Create("api");

        using var limited = await one.GetAsync(server.Url("/"));
        var error = await Assert.ThrowsAsync<RateLimitExceededException>(() => two.GetAsync(server.Url("/")));

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.NotNull(error.RetryAfter);
        Assert.Equal(1, server.RequestCount);
    }

    [Fact]
    public async Task RetryAfterHold_HoldOnRetryAfterFalse_HoldsNothing()
    {
        var clock = new CountingClock();
        await using var server = new ScriptedServer(x => x.WriteAsync(x.Index == 0 ? TooManyRequests30 : RawRequest.Ok()));
        using var handle = Create(TestSessions.Standalone, clock, s => s.RateLimit = new RateLimitOptions { HoldOnRetryAfter = false });
        using var limited = await handle.Session.GetAsync(server.Url("/"));

        using var next = await handle.Session.GetAsync(server.Url("/"));

        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
        Assert.Equal(0, clock.Timers);
    }

    [Fact]
    public async Task RetryAfterHold_IsCappedByMaxHold()
    {
        await using var server = new ScriptedServer(x => x.WriteAsync("HTTP/1.1 503 Service Unavailable\r\nRetry-After: 3600\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"));
        using var handle = Create(TestSessions.Standalone, new CountingClock(), s =>
            s.RateLimit = new RateLimitOptions { Behavior = RateLimitBehavior.FailFast, MaxHold = TimeSpan.FromSeconds(10) });
        using var limited = await handle.Session.GetAsync(server.Url("/"));

        var error = await Assert.ThrowsAsync<RateLimitExceededException>(() => handle.Session.GetAsync(server.Url("/")));

        Assert.Equal(TimeSpan.FromSeconds(10), error.RetryAfter);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task RetryAfterHold_WithRetries_TheRetryWaitsOnce(string kind)
    {
        var clock = new CountingClock();
        await using var server = new ScriptedServer(x => x.WriteAsync(x.Index == 0 ? TooManyRequests30 : RawRequest.Ok()));
        using var handle = Create(kind, clock, s =>
        {
            s.RateLimit = new RateLimitOptions();
            s.Retry = RetryPolicy.FromCount(1);
        });

        var call = handle.Session.GetAsync(server.Url("/"));
        await clock.WaitForTimersAsync(1);
        clock.Advance(TimeSpan.FromSeconds(30));
        using var response = await call;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, clock.Timers);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task NoRateLimitSettings_A429HoldsNothing_AsRequests(string kind)
    {
        var clock = new CountingClock();
        await using var server = new ScriptedServer(x => x.WriteAsync(x.Index == 0 ? TooManyRequests30 : RawRequest.Ok()));
        using var handle = Create(kind, clock, _ => { });
        using var limited = await handle.Session.GetAsync(server.Url("/"));

        using var next = await handle.Session.GetAsync(server.Url("/"));

        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
        Assert.Equal(0, clock.Timers);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task PartitionedRateLimiter_LimitsEachHostApart(string kind)
    {
        await using var first = new ScriptedServer(x => x.WriteAsync(RawRequest.Ok()));
        await using var second = new ScriptedServer(x => x.WriteAsync(RawRequest.Ok()));
        using var limiter = PartitionedRateLimiter.Create<HttpRequestMessage, string>(request =>
            RateLimitPartition.GetTokenBucketLimiter(request.RequestUri!.Authority, _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = 1,
                TokensPerPeriod = 1,
                ReplenishmentPeriod = TimeSpan.FromHours(1),
                QueueLimit = 0,
                AutoReplenishment = false,
            }));
        using var handle = Create(kind, new CountingClock(), s =>
        {
            s.PartitionedRateLimiter = limiter;
            s.RateLimit = new RateLimitOptions { Behavior = RateLimitBehavior.FailFast };
        });

        using var a = await handle.Session.GetAsync(first.Url("/"));
        await Assert.ThrowsAsync<RateLimitExceededException>(() => handle.Session.GetAsync(first.Url("/")));
        using var b = await handle.Session.GetAsync(second.Url("/"));

        Assert.Equal((1, 1), (first.RequestCount, second.RequestCount));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task ConcurrencyLimiter_TheQueueWaits_AndTheDeadlineCutsItShort(string kind)
    {
        // Arrange
        var clock = new CountingClock();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = new ScriptedServer(async x =>
        {
            await release.Task.WaitAsync(x.Stopping);
            await x.WriteAsync(RawRequest.Ok());
        });
        using var limiter = new ConcurrencyLimiter(new ConcurrencyLimiterOptions { PermitLimit = 1, QueueLimit = 5 });
        using var handle = Create(kind, clock, s => s.RateLimiter = limiter);

        // Act
        var holding = handle.Session.GetAsync(server.Url("/first"));
        await server.WaitForRequestsAsync(1);
        var queued = handle.Session.GetAsync(server.Url("/second"), new() { Deadline = TimeSpan.FromSeconds(2) });
        await Poll.UntilAsync(() => limiter.GetStatistics()!.CurrentQueuedCount == 1, "the second request to queue");
        clock.Advance(TimeSpan.FromSeconds(2));
        var error = await Assert.ThrowsAsync<DeadlineExceededException>(() => queued);
        release.SetResult();
        using var response = await holding;

        // Assert
        Assert.Equal("The call's deadline of 2 s passed during hop 1, attempt 1, while waiting for a rate-limit permit.", error.Message);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, server.RequestCount);
        Assert.Equal(0, limiter.GetStatistics()!.CurrentQueuedCount);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Wait_ARefusalWithoutAHint_FailsRatherThanGuessing(string kind)
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = new ScriptedServer(async x =>
        {
            await release.Task.WaitAsync(x.Stopping);
            await x.WriteAsync(RawRequest.Ok());
        });
        using var limiter = new ConcurrencyLimiter(new ConcurrencyLimiterOptions { PermitLimit = 1, QueueLimit = 0 });
        using var handle = Create(kind, new CountingClock(), s => s.RateLimiter = limiter);

        var holding = handle.Session.GetAsync(server.Url("/first"));
        await server.WaitForRequestsAsync(1);
        var error = await Assert.ThrowsAsync<RateLimitExceededException>(() => handle.Session.GetAsync(server.Url("/second")));
        release.SetResult();
        using var response = await holding;

        Assert.EndsWith("and did not say when one is free. The request was not sent.", error.Message, StringComparison.Ordinal);
        Assert.Null(error.RetryAfter);
    }

    [Fact]
    public async Task AddRateLimiter_APlainNamedHttpClient_IsLimitedToo()
    {
        await using var server = new ScriptedServer(x => x.WriteAsync(RawRequest.Ok()));
        using var limiter = OneToken();
        await using var provider = ServiceProviders.Build(s =>
            s.AddSession("api").AddRateLimiter(limiter, o => o.Behavior = RateLimitBehavior.FailFast));
        using var client = provider.GetRequiredService<IHttpClientFactory>().CreateClient("api");

        using var first = await client.GetAsync(server.Url("/"));
        var error = await Assert.ThrowsAsync<RateLimitExceededException>(() => client.GetAsync(server.Url("/")));

        Assert.Equal(TimeSpan.FromSeconds(10), error.RetryAfter);
        Assert.Equal(1, server.RequestCount);
    }

    [Fact]
    public async Task AddRateLimiter_Factory_MakesOneLimiterForTheName_DisposedWithTheContainer()
    {
        var made = 0;
        var provider = ServiceProviders.Build(s => s.AddSession("api").AddRateLimiter(_ =>
        {
            made++;
            return new ConcurrencyLimiter(new ConcurrencyLimiterOptions { PermitLimit = 2, QueueLimit = 0 });
        }));
        var sessions = provider.GetRequiredService<ISessionFactory>();

        using var one = sessions.Create("api");
        using var two = sessions.Create("api");
        var limiter = one.RateLimiter!;
        await provider.DisposeAsync();

        Assert.Same(limiter, two.RateLimiter);
        Assert.Equal(1, made);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => limiter.AcquireAsync(1).AsTask());
    }

    [Fact]
    public void AddRateLimiter_Options_ApplyOverConfiguration()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Sessions:api:RateLimit:HoldOnRetryAfter"] = "false",
            ["Sessions:api:RateLimit:MaxHold"] = "30",
        }).Build();
        using var limiter = OneToken();
        using var provider = ServiceProviders.Build(s => s.AddSession("api", configuration.GetSection("Sessions:api"))
            .AddRateLimiter(limiter, o => o.Behavior = RateLimitBehavior.FailFast));

        using var session = provider.GetRequiredService<ISessionFactory>().Create("api");

        Assert.Same(limiter, session.RateLimiter);
        Assert.Equal((RateLimitBehavior.FailFast, false, TimeSpan.FromSeconds(30)), (session.RateLimit!.Behavior, session.RateLimit.HoldOnRetryAfter, session.RateLimit.MaxHold));
    }

    [Fact]
    public void Configuration_RateLimit_BindsBehaviorHoldAndMaxHold()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Sessions:api:RateLimit:Behavior"] = "failfast",
            ["Sessions:api:RateLimit:MaxHold"] = "00:00:45",
        }).Build();
        using var provider = ServiceProviders.Build(s => s.AddSession("api", configuration.GetSection("Sessions:api")));

        using var session = provider.GetRequiredService<ISessionFactory>().Create("api");

        Assert.Equal((RateLimitBehavior.FailFast, true, TimeSpan.FromSeconds(45)), (session.RateLimit!.Behavior, session.RateLimit.HoldOnRetryAfter, session.RateLimit.MaxHold));
    }

    [Fact]
    public async Task RateLimited_IsLoggedAtDebug_WithoutQueryValues()
    {
        var sink = new LogSink();
        await using var server = new ScriptedServer(x => x.WriteAsync(RawRequest.Ok()));
        using var limiter = OneToken();
        using var session = new Session(new SessionSettings { RateLimiter = limiter, RateLimit = new() { Behavior = RateLimitBehavior.FailFast } }, sink);
        using var first = await session.GetAsync(server.Url("/?api_key=secret"));

        await Assert.ThrowsAsync<RateLimitExceededException>(() => session.GetAsync(server.Url("/?api_key=secret")));

        var entry = Assert.Single(sink.Entries, e => e.EventId.Id == 70);
        Assert.Equal(LogLevel.Debug, entry.Level);
        Assert.Equal($"Rate limit: GET {server.BaseUrl}/?api_key=* rejected (limiter); wait 10 s.", entry.Message);
        Assert.DoesNotContain(sink.Messages, m => m.Contains("secret", StringComparison.Ordinal));
    }

    [Fact]
    public void RateLimitOptions_NegativeMaxHold_IsRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new RateLimitOptions { MaxHold = TimeSpan.FromSeconds(-1) });
    }
}
