using System.Net;
using Pipeline.Tests.Infrastructure;

namespace Pipeline.Tests.Streaming;

/// <summary>requests' stream=True rules and body failures, buffered and streamed, for both pipelines.</summary>
[Collection(LoopbackCollection.Name)]
public sealed class StreamingTests(LoopbackServerFixture server)
{
    public static TheoryData<string, bool> KindsAndStreaming()
    {
        var data = new TheoryData<string, bool>();
        foreach (var kind in TestSessions.Kinds)
        {
            data.Add(kind, false);
            data.Add(kind, true);
        }

        return data;
    }

    public static TheoryData<string> Kinds => TestSessions.Kinds;

    private static async Task<long> DrainAsync(Session session, string url, bool stream, RequestOptions? options = null)
    {
        options ??= new RequestOptions();
        options.Stream = stream;
        using var response = await session.GetAsync(url, options);
        if (!stream)
        {
            return response.Content.LongLength;
        }

        long total = 0;
        await foreach (var chunk in response.IterContentAsync(4096))
        {
            total += chunk.Length;
        }

        return total;
    }

    [Theory]
    [MemberData(nameof(KindsAndStreaming))]
    public async Task TruncatedContentLengthBody_IsChunkedEncodingException_AsRequests(string kind, bool stream)
    {
        await using var raw = new RawHttpServer("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n" + new string('x', 100));
        using var handle = TestSessions.Create(kind);

        var error = await Assert.ThrowsAsync<ChunkedEncodingException>(() => DrainAsync(handle.Session, raw.BaseUrl + "/truncated", stream));

        Assert.NotNull(error.Response);
        Assert.EndsWith("/truncated", error.Request!.Url);
    }

    [Theory]
    [MemberData(nameof(KindsAndStreaming))]
    public async Task TruncatedChunkedBody_IsChunkedEncodingException(string kind, bool stream)
    {
        await using var raw = new RawHttpServer("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n64\r\n" + new string('x', 100) + "\r\n40\r\nonly-part");
        using var handle = TestSessions.Create(kind);

        await Assert.ThrowsAsync<ChunkedEncodingException>(() => DrainAsync(handle.Session, raw.BaseUrl + "/chunked", stream));
    }

    [Theory]
    [MemberData(nameof(KindsAndStreaming))]
    public async Task ConnectionResetMidBody_IsChunkedEncodingException(string kind, bool stream)
    {
        using var handle = TestSessions.Create(kind);

        await Assert.ThrowsAsync<ChunkedEncodingException>(() => DrainAsync(handle.Session, server.Url("/reset-mid-body"), stream));
    }

    [Theory]
    [MemberData(nameof(KindsAndStreaming))]
    public async Task BrokenGzip_IsContentDecodingException(string kind, bool stream)
    {
        using var handle = TestSessions.Create(kind);

        await Assert.ThrowsAsync<ContentDecodingException>(() => DrainAsync(handle.Session, server.Url("/broken-gzip"), stream));
    }

    [Theory]
    [MemberData(nameof(KindsAndStreaming))]
    public async Task BodyStalls_LongerThanTheReadTimeout_IsReadTimeoutException_DepartureFromRequests(string kind, bool stream)
    {
        using var handle = TestSessions.Create(kind);

        var error = await Assert.ThrowsAsync<ReadTimeoutException>(
            () => DrainAsync(handle.Session, server.Url("/stall-body"), stream, new() { Timeout = TimeSpan.FromMilliseconds(300) }));

        Assert.Equal("Read timed out. (read timeout=0.3)", error.Message);
    }

    [Theory]
    [MemberData(nameof(KindsAndStreaming))]
    public async Task BodyStalls_ShorterThanTheReadTimeout_Completes(string kind, bool stream)
    {
        using var handle = TestSessions.Create(kind);

        var length = await DrainAsync(handle.Session, server.Url("/stall-body?ms=100"), stream, new() { Timeout = TimeSpan.FromSeconds(5) });

        Assert.Equal(200, length);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task CallerCancellation_WhileStreaming_StaysOperationCanceled(string kind)
    {
        using var handle = TestSessions.Create(kind);
        using var response = await handle.Session.GetAsync(server.Url("/stall-body"), new() { Stream = true, Timeout = TimeSpan.FromSeconds(30) });
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        var error = await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var chunk in response.IterContentAsync(1024, cts.Token))
            {
                Assert.True(chunk.Length > 0);
            }
        });

        Assert.IsNotAssignableFrom<RequestException>(error);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task RawStream_IsTheEncodedBody_AndClaimsIt_AsRequestsRaw(string kind)
    {
        using var handle = TestSessions.Create(kind);
        using var response = await handle.Session.GetAsync(server.Url("/gzip"), new() { Stream = true });

        await using var raw = await response.GetRawStreamAsync();
        var first = new byte[2];
        await raw.ReadExactlyAsync(first);

        Assert.Equal([0x1F, 0x8B], first);
        Assert.Throws<InvalidOperationException>(() => response.Content);
        Assert.Throws<StreamConsumedException>(() => response.IterContentAsync());
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task RawStream_OfABufferedBody_IsEmpty_AsTestDigestStream(string kind)
    {
        // requests' r.raw.read() is b"" once the content was read (stream=False, or after r.content).
        using var handle = TestSessions.Create(kind);
        using var buffered = await handle.Session.GetAsync(server.Url("/gzip"));
        using var streamed = await handle.Session.GetAsync(server.Url("/gzip"), new() { Stream = true });
        await streamed.ReadContentAsync();

        await using var first = await buffered.GetRawStreamAsync();
        await using var second = await streamed.GetRawStreamAsync();

        Assert.Equal(0, await first.ReadAsync(new byte[16]));
        Assert.Equal(0, await second.ReadAsync(new byte[16]));
        Assert.NotEmpty(buffered.Content);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task ReadContent_AfterPartialIteration_IsStreamConsumed(string kind)
    {
        using var handle = TestSessions.Create(kind);
        using var response = await handle.Session.GetAsync(server.Url("/bytes/10000"), new() { Stream = true });

        await foreach (var chunk in response.IterContentAsync(100))
        {
            Assert.Equal(100, chunk.Length);
            break;
        }

        await Assert.ThrowsAsync<StreamConsumedException>(() => response.ReadContentAsync());
    }

    [Fact]
    public async Task Dispose_HalfReadStreamedResponse_ReturnsTheConnection()
    {
        using var adapter = new HttpAdapter { MaxConnectionsPerServer = 1 };
        using var session = new Session();
        session.Mount("http://", adapter);

        var streamed = await session.GetAsync(server.Url("/stream-bytes/10000000"), new() { Stream = true });
        await foreach (var chunk in streamed.IterContentAsync(1024))
        {
            Assert.True(chunk.Length > 0);
            break;
        }

        streamed.Dispose();

        // With the one connection still held, this would wait; the read timeout turns a wait into a failure, not a hang.
        var next = await session.GetAsync(server.Url("/get"), new() { Timeout = TimeSpan.FromSeconds(10) });
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task IterLines_Streamed_UsesTheServersCharset(string kind)
    {
        using var handle = TestSessions.Create(kind);
        using var response = await handle.Session.GetAsync(server.Url("/lines?body=" + Uri.EscapeDataString("café\r\nthé\nend")), new() { Stream = true });

        var lines = new List<string>();
        await foreach (var line in response.IterLinesAsync())
        {
            lines.Add(line);
        }

        Assert.Equal(["café", "thé", "end"], lines);
    }
}
