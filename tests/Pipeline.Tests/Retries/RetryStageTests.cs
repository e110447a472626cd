using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;

namespace Pipeline.Tests.Retries;

/// <summary>The RetryStage alone over a scripted transport and a fake clock: waits, copies, disposal, plain HttpClient requests.</summary>
public sealed class RetryStageTests
{
    /// <summary>A fake clock that also reports each wait scheduled on it, so a test sees the delay Polly chose.</summary>
    private sealed class RecordingClock : FakeTimeProvider
    {
        private readonly List<TimeSpan> _waits = [];
        private readonly List<TaskCompletionSource> _scheduled = [];

        public RecordingClock()
            : base(new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero))
        {
        }

        public IReadOnlyList<TimeSpan> Waits
        {
            get
            {
                lock (_waits)
                {
                    return [.. _waits];
                }
            }
        }

        /// <summary>Completes once the <paramref name="count"/>-th wait is scheduled; the real-time bound only turns a hang into a failure.</summary>
        public Task WaitScheduledAsync(int count)
        {
            lock (_waits)
            {
                return Slot(count - 1).Task.WaitAsync(TimeSpan.FromSeconds(30));
            }
        }

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = base.CreateTimer(callback, state, dueTime, period);
            TaskCompletionSource scheduled;
            lock (_waits)
            {
                _waits.Add(dueTime);
                scheduled = Slot(_waits.Count - 1);
            }

            scheduled.TrySetResult();
            return timer;
        }

        private TaskCompletionSource Slot(int index)
        {
            while (_scheduled.Count <= index)
            {
                _scheduled.Add(new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
            }

            return _scheduled[index];
        }
    }

    /// <summary>Answers each attempt from a script and records the message and the body bytes it carried.</summary>
    private sealed class Transport(Func<int, HttpRequestMessage, HttpResponseMessage> respond) : HttpMessageHandler
    {
        private readonly List<(HttpRequestMessage Message, byte[]? Body)> _seen = [];

        public IReadOnlyList<(HttpRequestMessage Message, byte[]? Body)> Seen
        {
            get
            {
                lock (_seen)
                {
                    return [.. _seen];
                }
            }
        }

        public int Attempts => Seen.Count;

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = request.Content is null ? null : await request.Content.ReadAsByteArrayAsync(cancellationToken);
            int attempt;
            lock (_seen)
            {
                _seen.Add((request, body));
                attempt = _seen.Count;
            }

            var response = respond(attempt, request);
            response.RequestMessage ??= request;
            return response;
        }
    }

    /// <summary>A response body that records being disposed.</summary>
    private sealed class TrackedContent(string text) : StringContent(text)
    {
        public bool Disposed { get; private set; }

        protected override void Dispose(bool disposing)
        {
            Disposed = true;
            base.Dispose(disposing);
        }
    }

    private static RequestContext Context(RetryPolicy? retry, byte[]? body = null, Stream? bodyStream = null) => new()
    {
        Cookies = new CookieJar(),
        Hooks = new HookMap(),
        Proxies = new ProxyMap(),
        Verify = Verify.Enabled,
        Adapters = new AdapterMap().Snapshot,
        JsonOptions = JsonSerializerOptions.Default,
        Retry = retry,
        Body = body,
        BodyStream = bodyStream,
        BodyStreamStart = bodyStream is { CanSeek: true } ? bodyStream.Position : null,
    };

    private static HttpRequestMessage Request(HttpMethod method, RequestContext? context, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(method, "http://api.test/items") { Content = content };
        if (context is not null)
        {
            request.Options.Set(RequestContext.Key, context);
        }

        return request;
    }

    private static HttpResponseMessage Answer(HttpStatusCode status, string? retryAfter = null, HttpContent? content = null)
    {
        var response = new HttpResponseMessage(status) { Content = content ?? new StringContent(((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture)) };
        if (retryAfter is not null)
        {
            response.Headers.TryAddWithoutValidation("Retry-After", retryAfter);
        }

        return response;
    }

    [Fact]
    public async Task RetryAfterHttpDate_WaitsUntilThatTime_OnTheStageClock()
    {
        // Arrange
        var clock = new RecordingClock();
        var transport = new Transport((attempt, _) => attempt == 1
            ? Answer(HttpStatusCode.ServiceUnavailable, clock.GetUtcNow().AddSeconds(30).ToString("r"))
            : Answer(HttpStatusCode.OK));
        using var invoker = new HttpMessageInvoker(new RetryStage(time: clock) { InnerHandler = transport });
        using var request = Request(HttpMethod.Get, Context(RetryPolicy.FromCount(1)));

        // Act
        var pending = invoker.SendAsync(request, CancellationToken.None);
        await clock.WaitScheduledAsync(1);
        var attemptsWhileWaiting = transport.Attempts;
        clock.Advance(TimeSpan.FromSeconds(30));
        using var response = await pending;

        // Assert
        Assert.Equal([TimeSpan.FromSeconds(30)], clock.Waits);
        Assert.Equal(1, attemptsWhileWaiting);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, transport.Attempts);
    }

    [Fact]
    public async Task RetryAfter_CappedByRetryAfterMax()
    {
        var clock = new RecordingClock();
        var transport = new Transport((attempt, _) => Answer(attempt == 1 ? HttpStatusCode.TooManyRequests : HttpStatusCode.OK, "86400"));
        using var invoker = new HttpMessageInvoker(new RetryStage(time: clock) { InnerHandler = transport });
        using var request = Request(HttpMethod.Get, Context(new RetryPolicy { Total = 1, RetryAfterMax = TimeSpan.FromSeconds(10) }));

        var pending = invoker.SendAsync(request, CancellationToken.None);
        await clock.WaitScheduledAsync(1);
        clock.Advance(TimeSpan.FromSeconds(10));
        using var response = await pending;

        Assert.Equal([TimeSpan.FromSeconds(10)], clock.Waits);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Backoff_WaitsGrowAsUrllib3_FirstRetryImmediate()
    {
        // Arrange
        var clock = new RecordingClock();
        var transport = new Transport((_, _) => Answer(HttpStatusCode.BadGateway));
        using var invoker = new HttpMessageInvoker(new RetryStage(time: clock) { InnerHandler = transport });
        var policy = new RetryPolicy { Total = 3, BackoffFactor = 0.5, StatusForcelist = new HashSet<int> { 502 }, RaiseOnStatus = false };
        using var request = Request(HttpMethod.Get, Context(policy));

        // Act
        var pending = invoker.SendAsync(request, CancellationToken.None);
        await clock.WaitScheduledAsync(1);
        clock.Advance(TimeSpan.FromSeconds(1));
        await clock.WaitScheduledAsync(2);
        clock.Advance(TimeSpan.FromSeconds(2));
        using var response = await pending;

        // Assert
        Assert.Equal([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2)], clock.Waits);
        Assert.Equal(4, transport.Attempts);
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
    }

    [Fact]
    public async Task Cancellation_DuringTheWait_StopsRetrying()
    {
        var clock = new RecordingClock();
        var transport = new Transport((_, _) => Answer(HttpStatusCode.TooManyRequests, "60"));
        using var invoker = new HttpMessageInvoker(new RetryStage(time: clock) { InnerHandler = transport });
        using var request = Request(HttpMethod.Get, Context(RetryPolicy.FromCount(3)));
        using var cancel = new CancellationTokenSource();

        var pending = invoker.SendAsync(request, cancel.Token);
        await clock.WaitScheduledAsync(1);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending);
        Assert.Equal(1, transport.Attempts);
    }

    [Fact]
    public async Task RetriedResponses_AreDisposed_TheLastIsNot()
    {
        var bodies = new List<TrackedContent>();
        var transport = new Transport((attempt, _) =>
        {
            var content = new TrackedContent("x");
            bodies.Add(content);
            return Answer(attempt < 3 ? HttpStatusCode.ServiceUnavailable : HttpStatusCode.OK, content: content);
        });
        using var invoker = new HttpMessageInvoker(new RetryStage { InnerHandler = transport });
        using var request = Request(HttpMethod.Get, Context(new RetryPolicy { Total = 5, StatusForcelist = new HashSet<int> { 503 } }));

        using var response = await invoker.SendAsync(request, CancellationToken.None);

        Assert.Equal([true, true, false], bodies.Select(b => b.Disposed));
    }

    [Fact]
    public async Task EachRetry_SendsAFreshCopy_WithHeadersOptionsAndTheSameBodyBytes()
    {
        // Arrange
        var bytes = new byte[] { 0x00, 0xFF, 0xFE, 0x80, 0x0D, 0x0A, 0x7F };
        var transport = new Transport((attempt, _) => Answer(attempt < 3 ? HttpStatusCode.ServiceUnavailable : HttpStatusCode.OK));
        using var invoker = new HttpMessageInvoker(new RetryStage { InnerHandler = transport });
        var context = Context(new RetryPolicy { Total = 2, StatusForcelist = new HashSet<int> { 503 } }, body: bytes);
        var content = new ByteArrayContent(bytes);
        content.Headers.TryAddWithoutValidation("Content-Type", "application/octet-stream");
        using var request = Request(HttpMethod.Put, context, content);
        request.Headers.TryAddWithoutValidation("X-Trace", "t-1");

        // Act
        using var response = await invoker.SendAsync(request, CancellationToken.None);

        // Assert
        var seen = transport.Seen;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3, seen.Count);
        Assert.Equal(3, seen.Select(s => s.Message).Distinct().Count());
        Assert.Same(request, seen[0].Message);
        Assert.All(seen, s =>
        {
            Assert.Equal(bytes, s.Body);
            Assert.Equal(HttpMethod.Put, s.Message.Method);
            Assert.Equal("t-1", s.Message.Headers.GetValues("X-Trace").Single());
            Assert.Equal("application/octet-stream", s.Message.Content!.Headers.ContentType!.MediaType);
            Assert.True(s.Message.Options.TryGetValue(RequestContext.Key, out var carried));
            Assert.Same(context, carried);
        });
    }

    [Fact]
    public async Task SeekableStreamBody_IsRewound_ForEachAttempt()
    {
        var stream = new MemoryStream("stream body"u8.ToArray());
        var transport = new Transport((attempt, _) => Answer(attempt < 2 ? HttpStatusCode.ServiceUnavailable : HttpStatusCode.OK));
        using var invoker = new HttpMessageInvoker(new RetryStage { InnerHandler = transport });
        var context = Context(new RetryPolicy { Total = 2, StatusForcelist = new HashSet<int> { 503 } }, bodyStream: stream);
        using var request = Request(HttpMethod.Put, context, new StreamContent(stream));

        using var response = await invoker.SendAsync(request, CancellationToken.None);

        Assert.Equal(["stream body", "stream body"], transport.Seen.Select(s => System.Text.Encoding.UTF8.GetString(s.Body!)));
    }

    [Fact]
    public async Task ForwardOnlyStreamBody_IsSentOnce_EvenWithRetriesLeft()
    {
        var stream = new ForwardOnlyStream("once"u8.ToArray());
        var transport = new Transport((_, _) => Answer(HttpStatusCode.ServiceUnavailable));
        using var invoker = new HttpMessageInvoker(new RetryStage { InnerHandler = transport });
        var context = Context(new RetryPolicy { Total = 3, StatusForcelist = new HashSet<int> { 503 } }, bodyStream: stream);
        using var request = Request(HttpMethod.Put, context, new StreamContent(stream));

        using var response = await invoker.SendAsync(request, CancellationToken.None);

        Assert.Equal(1, transport.Attempts);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
    }

    [Fact]
    public async Task PlainHttpClient_UnknownBody_IsSentOnce()
    {
        var transport = new Transport((_, _) => Answer(HttpStatusCode.ServiceUnavailable));
        using var invoker = new HttpMessageInvoker(new RetryStage(new RetryPolicy { Total = 3, StatusForcelist = new HashSet<int> { 503 } }) { InnerHandler = transport });
        using var request = Request(HttpMethod.Put, context: null, new StringContent("body"));

        using var response = await invoker.SendAsync(request, CancellationToken.None);

        Assert.Equal(1, transport.Attempts);
    }

    [Fact]
    public async Task PlainHttpClient_ExhaustedStatus_ThrowsRetryException_FromTheStage()
    {
        var transport = new Transport((_, _) => Answer(HttpStatusCode.ServiceUnavailable));
        using var invoker = new HttpMessageInvoker(new RetryStage(new RetryPolicy { Total = 2, StatusForcelist = new HashSet<int> { 503 } }) { InnerHandler = transport });
        using var request = Request(HttpMethod.Get, context: null);

        var error = await Assert.ThrowsAsync<RetryException>(() => invoker.SendAsync(request, CancellationToken.None));

        Assert.Equal(3, transport.Attempts);
        Assert.Equal("Max retries exceeded with url: /items (Caused by ResponseError('too many 503 error responses'))", error.Message);
        Assert.Null(error.Response);
    }

    [Fact]
    public async Task SessionRequest_ExhaustedStatus_ThrowsRetryException_FromTheStage_WithTheLastResponse()
    {
        // requests raises RetryError inside send: no stage outside this one is needed to turn it into an exception.
        var transport = new Transport((_, _) => Answer(HttpStatusCode.ServiceUnavailable));
        using var invoker = new HttpMessageInvoker(new RetryStage { InnerHandler = transport });
        var context = Context(new RetryPolicy { Total = 1, StatusForcelist = new HashSet<int> { 503 } });
        using var request = Request(HttpMethod.Get, context);

        var error = await Assert.ThrowsAsync<RetryException>(() => invoker.SendAsync(request, CancellationToken.None));

        Assert.Equal(2, transport.Attempts);
        Assert.NotNull(error.Response);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, error.Response.StatusCode);
        Assert.Null(context.HopResponse);
    }

    [Fact]
    public async Task TotalZero_WithAForcelist_RaisesOnTheFirstForcedStatus_AsRetryZero()
    {
        var transport = new Transport((_, _) => Answer(HttpStatusCode.ServiceUnavailable));
        using var invoker = new HttpMessageInvoker(new RetryStage(new RetryPolicy { StatusForcelist = new HashSet<int> { 503 } }) { InnerHandler = transport });
        using var request = Request(HttpMethod.Get, context: null);

        await Assert.ThrowsAsync<RetryException>(() => invoker.SendAsync(request, CancellationToken.None));

        Assert.Equal(1, transport.Attempts);
    }

    [Fact]
    public async Task RetryAfterStatus_NotForced_ReturnedOnceTotalIsSpent_NotRaised()
    {
        var transport = new Transport((_, _) => Answer(HttpStatusCode.TooManyRequests, "0"));
        using var invoker = new HttpMessageInvoker(new RetryStage(RetryPolicy.FromCount(2)) { InnerHandler = transport });
        using var request = Request(HttpMethod.Get, context: null);

        using var response = await invoker.SendAsync(request, CancellationToken.None);

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal(3, transport.Attempts);
    }

    [Fact]
    public async Task ConnectionLostAfterSending_Get_IsRetried()
    {
        var transport = new Transport((attempt, r) => attempt == 1 ? throw ResponseEnded(r) : Answer(HttpStatusCode.OK));
        using var invoker = new HttpMessageInvoker(new RetryStage(RetryPolicy.FromCount(3)) { InnerHandler = transport });
        using var request = Request(HttpMethod.Get, context: null);

        using var response = await invoker.SendAsync(request, CancellationToken.None);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, transport.Attempts);
    }

    [Fact]
    public async Task ConnectionLostAfterSending_Post_IsNotRetried_TheServerMayHaveActedOnIt()
    {
        var transport = new Transport((attempt, r) => attempt == 1 ? throw ResponseEnded(r) : Answer(HttpStatusCode.OK));
        using var invoker = new HttpMessageInvoker(new RetryStage(RetryPolicy.FromCount(3)) { InnerHandler = transport });
        using var request = Request(HttpMethod.Post, context: null);

        await Assert.ThrowsAsync<ConnectionException>(() => invoker.SendAsync(request, CancellationToken.None));

        Assert.Equal(1, transport.Attempts);
    }

    [Fact]
    public async Task NoPolicy_OrRetryZero_PassesThrough()
    {
        var transport = new Transport((_, _) => Answer(HttpStatusCode.ServiceUnavailable));
        using var none = new HttpMessageInvoker(new RetryStage { InnerHandler = transport }, disposeHandler: false);
        using var zero = new HttpMessageInvoker(new RetryStage(RetryPolicy.FromCount(0)) { InnerHandler = transport }, disposeHandler: false);
        using var first = Request(HttpMethod.Get, context: null);
        using var second = Request(HttpMethod.Get, context: null);

        using var a = await none.SendAsync(first, CancellationToken.None);
        using var b = await zero.SendAsync(second, CancellationToken.None);

        Assert.Equal(2, transport.Attempts);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, b.StatusCode);
    }

    private static RequestException ResponseEnded(HttpRequestMessage request) =>
        TransportErrors.Map(new HttpRequestException(HttpRequestError.ResponseEnded, "The response ended prematurely."), request);

    private sealed class ForwardOnlyStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }
}
