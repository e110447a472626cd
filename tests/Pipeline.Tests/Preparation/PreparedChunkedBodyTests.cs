using System.Text;
using Pipeline.Tests.Infrastructure;

namespace Pipeline.Tests.Preparation;

/// <summary>
/// requests' prepare_body for a stream: Content-Length when super_len finds a length, else Transfer-Encoding: chunked
/// (test_chunked_upload_does_not_set_content_length_header, test_empty_stream_with_auth_does_not_set_content_length_header),
/// shown by PrepareRequest exactly as it goes on the wire.
/// </summary>
public sealed class PreparedChunkedBodyTests
{
    public static TheoryData<string> Bodies => ["forward-only", "empty", "at-end"];

    private static Stream Body(string kind) => kind switch
    {
        "forward-only" => new ForwardOnly(Encoding.ASCII.GetBytes("abc")),
        "empty" => new MemoryStream([]),
        _ => new MemoryStream(Encoding.ASCII.GetBytes("abc")) { Position = 3 },
    };

    [Theory]
    [MemberData(nameof(Bodies))]
    public void Prepare_StreamWithoutLength_IsChunked_AsSuperLen(string kind)
    {
        using var session = new Session();

        var prepared = session.PrepareRequest(new Request("POST", "http://127.0.0.1/post") { Data = Body(kind), Auth = ("user", "pass") });

        Assert.Equal("chunked", prepared.Headers["Transfer-Encoding"]);
        Assert.False(prepared.Headers.ContainsKey("Content-Length"));
    }

    [Fact]
    public void Prepare_SeekableStreamWithBytesLeft_HasContentLength_NotChunked()
    {
        using var session = new Session();
        var body = new MemoryStream(Encoding.ASCII.GetBytes("test data")) { Position = 5 };

        var prepared = session.PrepareRequest(new Request("POST", "http://127.0.0.1/post") { Data = body });

        Assert.Equal("4", prepared.Headers["Content-Length"]);
        Assert.False(prepared.Headers.ContainsKey("Transfer-Encoding"));
    }

    [Theory]
    [MemberData(nameof(Bodies))]
    public async Task Post_StreamWithoutLength_WireIsWhatPrepareShows(string kind)
    {
        await using var raw = new RawHttpServer();
        using var session = new Session();
        var shown = session.PrepareRequest(new Request("POST", raw.BaseUrl + "/post") { Data = Body(kind) });

        using var response = await session.PostAsync(raw.BaseUrl + "/post", new() { Data = Body(kind) });

        var sent = Assert.Single(raw.Requests);
        Assert.Equal(shown.Headers["Transfer-Encoding"], sent.Header("Transfer-Encoding"));
        Assert.Null(sent.Header("Content-Length"));
        Assert.Equal(kind == "forward-only" ? "abc" : string.Empty, Encoding.ASCII.GetString(sent.Body));
    }

    [Theory]
    [MemberData(nameof(Bodies))]
    public async Task SendAsync_PreparedChunkedBody_IsSentChunked(string kind)
    {
        await using var raw = new RawHttpServer();
        using var session = new Session();
        var prepared = session.PrepareRequest(new Request("POST", raw.BaseUrl + "/post") { Data = Body(kind) });

        using var response = await session.SendAsync(prepared);

        var sent = Assert.Single(raw.Requests);
        Assert.Equal("chunked", sent.Header("Transfer-Encoding"));
        Assert.Null(sent.Header("Content-Length"));
        Assert.Equal(kind == "forward-only" ? "abc" : string.Empty, Encoding.ASCII.GetString(sent.Body));
    }

    private sealed class ForwardOnly(byte[] data) : Stream
    {
        private readonly MemoryStream _inner = new(data);

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, count);

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
