using System.Text;
using Pipeline.Tests.Infrastructure;

namespace Pipeline.Tests.Responses;

/// <summary>
/// How a response body is framed by Content-Length (urllib3's <c>HTTPResponse._init_length</c>, RFC 9112 section 6.3)
/// and what a connection closed mid-body raises, on a raw socket, buffered and streamed, for both pipelines.
/// </summary>
public sealed class ResponseFramingTests
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

    private static async Task<Response> GetAsync(Session session, string url, bool stream)
    {
        var response = await session.GetAsync(url, new() { Stream = stream });
        if (stream)
        {
            await response.ReadContentAsync();
        }

        return response;
    }

    [Theory]
    [MemberData(nameof(KindsAndStreaming))]
    public async Task Get_TwoUnmatchingContentLengthHeaders_IsInvalidHeader_AsUrllib3(string kind, bool stream)
    {
        await using var raw = new RawHttpServer("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 10\r\n\r\nhello");
        using var handle = TestSessions.Create(kind);

        var error = await Assert.ThrowsAsync<InvalidHeaderException>(() => GetAsync(handle.Session, raw.BaseUrl + "/", stream));

        Assert.Equal("Content-Length contained multiple unmatching values (5, 10)", error.Message);
        Assert.EndsWith("/", error.Request!.Url);
    }

    [Theory]
    [MemberData(nameof(KindsAndStreaming))]
    public async Task Get_UnmatchingContentLengthList_IsInvalidHeader_AsUrllib3(string kind, bool stream)
    {
        await using var raw = new RawHttpServer("HTTP/1.1 200 OK\r\nContent-Length: 5, 10\r\n\r\nhello");
        using var handle = TestSessions.Create(kind);

        var error = await Assert.ThrowsAsync<InvalidHeaderException>(() => GetAsync(handle.Session, raw.BaseUrl + "/", stream));

        Assert.Equal("Content-Length contained multiple unmatching values (5, 10)", error.Message);
    }

    [Theory]
    [InlineData("Content-Length: 5\r\nContent-Length: 5")]
    [InlineData("Content-Length: 5, 5")]
    public async Task Get_MatchingContentLengthDuplicates_AreAccepted_AsUrllib3(string headers)
    {
        // The bytes after the fifth are not part of the body: the agreed length frames it, not the connection's close.
        await using var raw = new RawHttpServer($"HTTP/1.1 200 OK\r\n{headers}\r\n\r\nhelloEXTRA");
        using var session = new Session();

        using var response = await session.GetAsync(raw.BaseUrl + "/");

        Assert.Equal("hello", response.Text);
        Assert.Equal("5, 5", response.Headers["Content-Length"]);
    }

    [Fact]
    public async Task Get_MatchingContentLengthList_Streamed_IsCutAtTheLength()
    {
        await using var raw = new RawHttpServer("HTTP/1.1 200 OK\r\nContent-Length: 5, 5\r\n\r\nhelloEXTRA");
        using var session = new Session();

        using var response = await session.GetAsync(raw.BaseUrl + "/", new() { Stream = true });
        var chunks = new List<byte>();
        await foreach (var chunk in response.IterContentAsync(3))
        {
            chunks.AddRange(chunk.ToArray());
        }

        Assert.Equal("hello", Encoding.ASCII.GetString([.. chunks]));
    }

    [Fact]
    public async Task Get_MatchingContentLengthList_ShortBody_IsChunkedEncodingException()
    {
        await using var raw = new RawHttpServer("HTTP/1.1 200 OK\r\nContent-Length: 8, 8\r\n\r\nhello");
        using var session = new Session();

        await Assert.ThrowsAsync<ChunkedEncodingException>(() => session.GetAsync(raw.BaseUrl + "/"));
    }

    [Theory]
    [InlineData("-5")]
    [InlineData("abc")]
    [InlineData("+5")]
    [InlineData("5.0")]
    [InlineData("5,")]
    public async Task Get_ContentLengthNotANumber_IsInvalidHeader_NeverABodyReadToClose(string value)
    {
        await using var raw = new RawHttpServer($"HTTP/1.1 200 OK\r\nContent-Length: {value}\r\n\r\nhello");
        using var session = new Session();

        var error = await Assert.ThrowsAsync<InvalidHeaderException>(() => session.GetAsync(raw.BaseUrl + "/"));

        Assert.Equal($"Invalid Content-Length header: {value}", error.Message);
    }

    [Fact]
    public async Task Get_ChunkedAndContentLength_ChunkedWins()
    {
        await using var raw = new RawHttpServer("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 99, 1\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
        using var session = new Session();

        using var response = await session.GetAsync(raw.BaseUrl + "/");

        Assert.Equal("hello", response.Text);
    }

    [Theory]
    [MemberData(nameof(KindsAndStreaming))]
    public async Task Get_ChunkedHeadThenClose_IsChunkedEncodingException_AsTestChunkedEncodingError(string kind, bool stream)
    {
        // requests' test_lowlevel.py test_chunked_encoding_error: the head announces chunks, then the connection closes.
        await using var raw = new RawHttpServer("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
        using var handle = TestSessions.Create(kind);

        var error = await Assert.ThrowsAsync<ChunkedEncodingException>(() => GetAsync(handle.Session, raw.BaseUrl + "/", stream));

        Assert.Equal("Connection broken: Response ended prematurely", error.Message);
        Assert.NotNull(error.Response);
    }
}
