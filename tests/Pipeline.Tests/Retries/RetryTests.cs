using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Pipeline.Tests.Infrastructure;

namespace Pipeline.Tests.Retries;

/// <summary>urllib3's Retry as requests' HTTPAdapter(max_retries=...) uses it, on Polly, for both pipelines.</summary>
public sealed class RetryTests
{
    public static TheoryData<string> Kinds => TestSessions.Kinds;

    /// <summary>Answers with the given statuses in turn (the last one repeats) and counts attempts and bodies.</summary>
    private sealed class Scripted(params HttpStatusCode[] statuses) : HttpMessageHandler
    {
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public List<string> Bodies { get; } = [];

        public Func<int, HttpResponseMessage, HttpResponseMessage>? Decorate { get; init; }

        public Func<int, Exception?>? Fail { get; init; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var call = Interlocked.Increment(ref _calls);
            var body = request.Content is null ? string.Empty : await request.Content.ReadAsStringAsync(cancellationToken);
            lock (Bodies)
            {
                Bodies.Add(body);
            }

            if (Fail?.Invoke(call) is { } exception)
            {
                throw exception;
            }

            var response = new HttpResponseMessage(statuses[Math.Min(call, statuses.Length) - 1]) { RequestMessage = request, Content = new StringContent("attempt " + call) };
            return Decorate?.Invoke(call, response) ?? response;
        }
    }

    private static SessionHandle Create(string kind, Scripted transport, RetryPolicy? retry, FakeTimeProvider? time = null)
    {
        var handle = TestSessions.Create(kind, s =>
        {
            s.Retry = retry;
            if (time is not null)
            {
                s.TimeProvider = time;
            }
        });
        handle.Session.Mount("http://", transport);
        return handle;
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task StatusForcelist_Total2_ThreeAttemptsThenRetryException_Check46(string kind)
    {
        var transport = new Scripted(HttpStatusCode.ServiceUnavailable);
        using var handle = Create(kind, transport, new RetryPolicy { Total = 2, StatusForcelist = new HashSet<int> { 503 } });

        var error = await Assert.ThrowsAsync<RetryException>(() => handle.Session.GetAsync("http://api.test/items"));

        Assert.Equal(3, transport.Calls);
        Assert.Equal("Max retries exceeded with url: /items (Caused by ResponseError('too many 503 error responses'))", error.Message);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, error.Response!.StatusCode);
        Assert.Equal("attempt 3", error.Response.Text);
    }

    [Fact]
    public async Task EachRetry_IsLogged_WithReasonAndDelay_NeverTheQuery()
    {
        // Arrange
        var transport = new Scripted(HttpStatusCode.ServiceUnavailable, HttpStatusCode.ServiceUnavailable, HttpStatusCode.OK);
        var sink = new LogSink();
        using var session = new Session(new SessionSettings { Retry = new RetryPolicy { Total = 3, StatusForcelist = new HashSet<int> { 503 } } }, sink);
        session.Mount("http://", transport);

        // Act
        using var response = await session.GetAsync("http://api.test/items?token=s3cret");

        // Assert
        var retries = sink.Entries.Where(e => e.EventId.Name == "Retry").ToList();
        Assert.Equal([10, 10], retries.Select(e => e.EventId.Id));
        Assert.All(retries, e => Assert.Equal(LogLevel.Debug, e.Level));
        Assert.Equal(
            ["Retrying GET http://api.test/items?token=* (retry 1) after status 503; waiting 00:00:00.", "Retrying GET http://api.test/items?token=* (retry 2) after status 503; waiting 00:00:00."],
            retries.Select(e => e.Message));
        Assert.DoesNotContain(sink.Messages, m => m.Contains("s3cret", StringComparison.Ordinal));
    }

    [Fact]
    public async Task EachRetry_OfANamedSession_IsLoggedThroughTheContainersLoggerFactory()
    {
        var transport = new Scripted(HttpStatusCode.BadGateway, HttpStatusCode.OK);
        var sink = new LogSink();
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Debug).AddProvider(sink));
        services.AddSession("logged").AddRetry(new RetryPolicy { Total = 1, StatusForcelist = new HashSet<int> { 502 } });
        await using var provider = services.BuildServiceProvider();
        var session = provider.GetRequiredKeyedService<Session>("logged");
        session.Mount("http://", transport);

        using var response = await session.GetAsync("http://api.test/items");

        var retry = Assert.Single(sink.Entries, e => e.EventId.Name == "Retry");
        Assert.Contains("after status 502", retry.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task RaiseOnStatusFalse_ReturnsTheLast503_Check46(string kind)
    {
        var transport = new Scripted(HttpStatusCode.ServiceUnavailable);
        using var handle = Create(kind, transport, new RetryPolicy { Total = 2, StatusForcelist = new HashSet<int> { 503 }, RaiseOnStatus = false });

        var response = await handle.Session.GetAsync("http://api.test/items");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(3, transport.Calls);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Recovery_ReturnsTheFirstSuccess(string kind)
    {
        var transport = new Scripted(HttpStatusCode.BadGateway, HttpStatusCode.BadGateway, HttpStatusCode.OK);
        using var handle = Create(kind, transport, new RetryPolicy { Total = 5, StatusForcelist = new HashSet<int> { 502 } });

        var response = await handle.Session.GetAsync("http://api.test/items");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3, transport.Calls);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task AllowedMethods_PostIsNotRetriedByDefault_PutIsWithItsBodyReplayed(string kind)
    {
        var post = new Scripted(HttpStatusCode.ServiceUnavailable, HttpStatusCode.OK);
        using var postHandle = Create(kind, post, new RetryPolicy { Total = 3, StatusForcelist = new HashSet<int> { 503 } });
        var put = new Scripted(HttpStatusCode.ServiceUnavailable, HttpStatusCode.OK);
        using var putHandle = Create(kind, put, new RetryPolicy { Total = 3, StatusForcelist = new HashSet<int> { 503 } });

        var postResponse = await postHandle.Session.PostAsync("http://api.test/items", new() { Json = new { a = 1 } });
        var putResponse = await putHandle.Session.PutAsync("http://api.test/items", new() { Json = new { a = 1 } });

        Assert.Equal(HttpStatusCode.ServiceUnavailable, postResponse.StatusCode);
        Assert.Equal(1, post.Calls);
        Assert.Equal(HttpStatusCode.OK, putResponse.StatusCode);
        Assert.Equal(["{\"a\":1}", "{\"a\":1}"], put.Bodies);
    }

    [Fact]
    public async Task NonReplayableBody_IsNeverRetried()
    {
        var transport = new Scripted(HttpStatusCode.ServiceUnavailable, HttpStatusCode.OK);
        using var session = new Session { Retry = new RetryPolicy { Total = 3, StatusForcelist = new HashSet<int> { 503 } } };
        session.Mount("http://", transport);

        var response = await session.PutAsync("http://api.test/upload", new() { Data = new ForwardOnlyStream("once"u8.ToArray()) });

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(1, transport.Calls);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task ConnectionFailures_AreRetried_ThenTheLastConnectionExceptionSurfaces(string kind)
    {
        var transport = new Scripted(HttpStatusCode.OK) { Fail = _ => new ConnectionException("Failed to establish a new connection") };
        using var handle = Create(kind, transport, new RetryPolicy { Total = 10, Connect = 2 });

        await Assert.ThrowsAsync<ConnectionException>(() => handle.Session.PostAsync("http://api.test/items"));

        Assert.Equal(3, transport.Calls);
    }

    [Fact]
    public async Task ReadTimeouts_RetriedOnlyForAllowedMethods()
    {
        var transport = new Scripted(HttpStatusCode.OK) { Fail = call => call is 1 or 2 or 4 ? new ReadTimeoutException("Read timed out.") : null };
        using var session = new Session { Retry = RetryPolicy.FromCount(3) };
        session.Mount("http://", transport);

        var response = await session.GetAsync("http://api.test/slow");
        await Assert.ThrowsAsync<ReadTimeoutException>(() => session.PostAsync("http://api.test/slow"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(4, transport.Calls);
    }

    [Fact]
    public async Task RetryAfter_IsHonoured_OnTheFakeClock()
    {
        var time = new FakeTimeProvider();
        var transport = new Scripted(HttpStatusCode.TooManyRequests, HttpStatusCode.OK)
        {
            Decorate = (call, r) =>
            {
                r.Headers.TryAddWithoutValidation("Retry-After", "2");
                return r;
            },
        };
        using var handle = Create(TestSessions.Standalone, transport, RetryPolicy.FromCount(3), time);

        var pending = handle.Session.GetAsync("http://api.test/limited");
        await WaitForAsync(() => transport.Calls == 1);
        time.Advance(TimeSpan.FromSeconds(1.9));
        await Task.Delay(50);
        var beforeDelay = transport.Calls;
        time.Advance(TimeSpan.FromSeconds(0.2));
        var response = await pending;

        Assert.Equal(1, beforeDelay);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, transport.Calls);
    }

    [Fact]
    public async Task RetryAfter_IsCappedByRetryAfterMax()
    {
        var time = new FakeTimeProvider();
        var transport = new Scripted(HttpStatusCode.ServiceUnavailable, HttpStatusCode.OK)
        {
            Decorate = (call, r) =>
            {
                r.Headers.TryAddWithoutValidation("Retry-After", "3600");
                return r;
            },
        };
        using var handle = Create(TestSessions.Standalone, transport, new RetryPolicy { Total = 1, RetryAfterMax = TimeSpan.FromSeconds(5) }, time);

        var pending = handle.Session.GetAsync("http://api.test/limited");
        await WaitForAsync(() => transport.Calls == 1);
        time.Advance(TimeSpan.FromSeconds(5));
        var response = await pending;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task AdapterMaxRetries_AppliesOnlyUnderItsPrefix_AndWinsOverTheSession()
    {
        var retried = new Scripted(HttpStatusCode.ServiceUnavailable, HttpStatusCode.OK);
        var plain = new Scripted(HttpStatusCode.ServiceUnavailable, HttpStatusCode.OK);
        using var session = new Session();
        session.Mount("http://plain.test/", plain);
        var adapter = new PolicyAdapter(retried) { MaxRetries = new RetryPolicy { Total = 2, StatusForcelist = new HashSet<int> { 503 } } };
        session.Mount("http://retried.test/", adapter);

        var withPolicy = await session.GetAsync("http://retried.test/x");
        var withoutPolicy = await session.GetAsync("http://plain.test/x");

        Assert.Equal(HttpStatusCode.OK, withPolicy.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, withoutPolicy.StatusCode);
    }

    [Fact]
    public async Task AddRetry_OnTheBuilder_GivesTheNamedSessionItsPolicy()
    {
        var transport = new Scripted(HttpStatusCode.ServiceUnavailable, HttpStatusCode.OK);
        var services = new ServiceCollection();
        services.AddSession("retrying").AddRetry(new RetryPolicy { Total = 1, StatusForcelist = new HashSet<int> { 503 } });
        await using var provider = services.BuildServiceProvider();
        var session = provider.GetRequiredKeyedService<Session>("retrying");
        session.Mount("http://", transport);

        var response = await session.GetAsync("http://api.test/x");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, transport.Calls);
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        for (var i = 0; i < 200 && !condition(); i++)
        {
            await Task.Delay(10);
        }

        Assert.True(condition());
    }

    /// <summary>An HttpAdapter subclass that sends through a scripted handler, to carry MaxRetries.</summary>
    private sealed class PolicyAdapter(HttpMessageHandler inner) : HttpAdapter
    {
        private readonly HttpMessageInvoker _invoker = new(inner);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            _invoker.SendAsync(request, cancellationToken);
    }

    private sealed class ForwardOnlyStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }
}
