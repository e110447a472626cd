using System.IO.Compression;
using System.Text;
using Pipeline.Tests.Infrastructure;

namespace Pipeline.Tests.Responses;

/// <summary>
/// Bodies a hostile or broken server sends: stacked codings (urllib3 2.6's limit of five), compressed streams cut before
/// their end marker, and decompression bombs against the buffered-size limit. Buffered and streamed, both pipelines.
/// </summary>
public sealed class HostileBodyTests
{
    private const long TenMegabytes = 10 * 1024 * 1024;

    private static readonly byte[] Payload = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("the quick brown fox jumps over the lazy dog ", 2000)));

    // 1 GiB of zeros in about 1 MB: 1024 gzip members of 1 MiB each (concatenated members are one body), made once.
    private static readonly Lazy<byte[]> GzipBomb = new(() =>
    {
        var member = Compress("gzip", new ZeroStream(1 << 20));
        var bomb = new byte[member.Length * 1024];
        for (var i = 0; i < 1024; i++)
        {
            member.CopyTo(bomb, i * member.Length);
        }

        return bomb;
    });

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

    public static TheoryData<string, bool, bool> CodingsAndStreaming()
    {
        var data = new TheoryData<string, bool, bool>();
        foreach (var coding in new[] { "gzip", "deflate", "deflate-raw", "br" })
        {
            foreach (var chunked in new[] { false, true })
            {
                data.Add(coding, chunked, false);
                data.Add(coding, chunked, true);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(KindsAndStreaming))]
    public async Task ContentEncoding_SixStackedCodings_IsContentDecodingExceptionBeforeReading(string kind, bool stream)
    {
        var body = Payload;
        for (var i = 0; i < 6; i++)
        {
            body = Compress("gzip", body);
        }

        await using var server = Serve(body, "Content-Encoding: " + string.Join(", ", Enumerable.Repeat("gzip", 6)));
        using var handle = TestSessions.Create(kind);

        var error = await Assert.ThrowsAsync<ContentDecodingException>(() => DrainAsync(handle.Session, server.BaseUrl, stream));

        Assert.Contains("6 content codings", error.Message);
        Assert.Contains("at most 5", error.Message);
    }

    [Theory]
    [MemberData(nameof(KindsAndStreaming))]
    public async Task ContentEncoding_TwoHundredStackedCodings_FailsAtOnce(string kind, bool stream)
    {
        // The session has no timeout: without the limit the nested decoders wait on the connection forever.
        var body = Payload;
        for (var i = 0; i < 200; i++)
        {
            body = Compress("gzip", body);
        }

        await using var server = Serve(body, "Content-Encoding: " + string.Join(",", Enumerable.Repeat("gzip", 200)));
        using var handle = TestSessions.Create(kind);

        var drain = DrainAsync(handle.Session, server.BaseUrl, stream);
        var finished = await Task.WhenAny(drain, Task.Delay(TimeSpan.FromSeconds(20)));

        Assert.Same(drain, finished);
        await Assert.ThrowsAsync<ContentDecodingException>(() => drain);
    }

    [Theory]
    [MemberData(nameof(KindsAndStreaming))]
    public async Task ContentEncoding_FiveStackedCodings_AreDecoded(string kind, bool stream)
    {
        var body = Payload;
        foreach (var coding in new[] { "gzip", "deflate", "br", "gzip", "deflate" })
        {
            body = Compress(coding, body);
        }

        await using var server = Serve(body, "Content-Encoding: gzip, deflate, br, gzip, deflate");
        using var handle = TestSessions.Create(kind);

        var length = await DrainAsync(handle.Session, server.BaseUrl, stream);

        Assert.Equal(Payload.Length, length);
    }

    [Fact]
    public async Task GetRawStream_SixStackedCodings_GivesTheUndecodedBytes()
    {
        var body = Compress("gzip", Payload);
        await using var server = Serve(body, "Content-Encoding: " + string.Join(", ", Enumerable.Repeat("gzip", 6)));
        using var session = new Session();
        using var response = await session.GetAsync(server.BaseUrl, new() { Stream = true });

        await using var raw = await response.GetRawStreamAsync();
        using var copy = new MemoryStream();
        await raw.CopyToAsync(copy);

        Assert.Equal(body, copy.ToArray());
    }

    [Theory]
    [MemberData(nameof(CodingsAndStreaming))]
    public async Task CompressedBody_CutBeforeItsEndMarker_IsContentDecodingException(string coding, bool chunked, bool stream)
    {
        var whole = Compress(coding, Payload);
        var half = whole[..(whole.Length / 2)];
        await using var server = Serve(half, "Content-Encoding: " + WireCoding(coding), chunked);
        using var session = new Session();

        var error = await Assert.ThrowsAsync<ContentDecodingException>(() => DrainAsync(session, server.BaseUrl, stream));

        Assert.Contains("truncated", error.InnerException!.Message);
    }

    [Theory]
    [MemberData(nameof(CodingsAndStreaming))]
    public async Task CompressedBody_Whole_IsDecoded(string coding, bool chunked, bool stream)
    {
        await using var server = Serve(Compress(coding, Payload), "Content-Encoding: " + WireCoding(coding), chunked);
        using var session = new Session();

        var length = await DrainAsync(session, server.BaseUrl, stream);

        Assert.Equal(Payload.Length, length);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(8)]
    [InlineData(12)]
    public async Task GzipBody_CutInItsTrailer_IsContentDecodingException(int cut)
    {
        var whole = Compress("gzip", Payload);
        await using var server = Serve(whole[..^cut], "Content-Encoding: gzip");
        using var session = new Session();

        await Assert.ThrowsAsync<ContentDecodingException>(() => session.GetAsync(server.BaseUrl));
    }

    [Fact]
    public async Task GzipBody_WrongChecksum_IsContentDecodingException()
    {
        var body = Compress("gzip", Payload);
        body[^8] ^= 0xFF;
        await using var server = Serve(body, "Content-Encoding: gzip");
        using var session = new Session();

        await Assert.ThrowsAsync<ContentDecodingException>(() => session.GetAsync(server.BaseUrl));
    }

    [Theory]
    [MemberData(nameof(KindsAndStreaming))]
    public async Task GzipBody_ConcatenatedMembers_AreAllDecoded_AsRequests(string kind, bool stream)
    {
        // Members of every size, so that member boundaries fall inside and at the end of the decoder's reads.
        var parts = new[] { Payload, Encoding.ASCII.GetBytes("x"), [], Payload[..8191], Payload[..8192], Payload[..20000] };
        var body = parts.SelectMany(p => Compress("gzip", p)).ToArray();
        await using var server = Serve(body, "Content-Encoding: gzip");
        using var handle = TestSessions.Create(kind);

        var length = await DrainAsync(handle.Session, server.BaseUrl, stream);

        Assert.Equal(parts.Sum(p => p.Length), length);
    }

    [Fact]
    public async Task GzipBody_MembersWithNameCommentExtraAndHeaderCrc_AreDecoded()
    {
        var member = Compress("gzip", Payload);
        var header = new List<byte> { 0x1f, 0x8b, 8, 0x02 | 0x04 | 0x08 | 0x10, 0, 0, 0, 0, 0, 255, 3, 0, 1, 2, 3 };
        header.AddRange("name.txt\0"u8.ToArray());
        header.AddRange("a comment\0"u8.ToArray());
        var crc = System.IO.Hashing.Crc32.HashToUInt32(header.ToArray());
        header.Add((byte)crc);
        header.Add((byte)(crc >> 8));
        var body = header.Concat(member[10..]).Concat(member).ToArray();
        await using var server = Serve(body, "Content-Encoding: gzip");
        using var session = new Session();

        var response = await session.GetAsync(server.BaseUrl);

        Assert.Equal(Payload.Concat(Payload), response.Content);
    }

    [Fact]
    public async Task GzipBody_TrailingGarbageAfterAMember_IsIgnored_AsRequests()
    {
        var body = Compress("gzip", Payload).Concat("garbage that is not a member"u8.ToArray()).ToArray();
        await using var server = Serve(body, "Content-Encoding: gzip");
        using var session = new Session();

        var response = await session.GetAsync(server.BaseUrl);

        Assert.Equal(Payload, response.Content);
    }

    [Theory]
    [InlineData("gzip")]
    [InlineData("deflate")]
    [InlineData("br")]
    public async Task CompressedBody_Empty_IsAnEmptyBody(string coding)
    {
        await using var server = Serve([], "Content-Encoding: " + coding);
        using var session = new Session();

        var response = await session.GetAsync(server.BaseUrl);

        Assert.Empty(response.Content);
    }

    [Theory]
    [MemberData(nameof(TestSessions.Kinds), MemberType = typeof(TestSessions))]
    public async Task MaxResponseContentLength_GzipBomb_IsContentTooLargeException(string kind)
    {
        await using var server = Serve(GzipBomb.Value, "Content-Encoding: gzip");
        using var handle = TestSessions.Create(kind, s => s.MaxResponseContentLength = TenMegabytes);

        var error = await Assert.ThrowsAsync<ContentTooLargeException>(() => handle.Session.GetAsync(server.BaseUrl));

        Assert.Contains("10485760", error.Message);
        Assert.Contains("Stream = true", error.Message);
        Assert.NotNull(error.Response);
    }

    [Fact]
    public async Task MaxResponseContentLength_PerRequest_WinsOverTheSession()
    {
        await using var server = Serve(GzipBomb.Value, "Content-Encoding: gzip");
        using var session = new Session();

        await Assert.ThrowsAsync<ContentTooLargeException>(() => session.GetAsync(server.BaseUrl, new() { MaxResponseContentLength = TenMegabytes }));
    }

    [Fact]
    public async Task MaxResponseContentLength_ReadContentOfAStreamedResponse_IsCapped()
    {
        await using var server = Serve(GzipBomb.Value, "Content-Encoding: gzip");
        using var session = new Session { MaxResponseContentLength = TenMegabytes };
        using var response = await session.GetAsync(server.BaseUrl, new() { Stream = true });

        await Assert.ThrowsAsync<ContentTooLargeException>(() => response.ReadContentAsync());
    }

    [Fact]
    public async Task MaxResponseContentLength_StreamedIteration_IsNotCapped()
    {
        await using var server = Serve(GzipBomb.Value, "Content-Encoding: gzip");
        using var session = new Session { MaxResponseContentLength = TenMegabytes };
        using var response = await session.GetAsync(server.BaseUrl, new() { Stream = true });

        long total = 0;
        await foreach (var chunk in response.IterContentAsync(1024 * 1024))
        {
            total += chunk.Length;
        }

        Assert.Equal(1L << 30, total);
    }

    [Fact]
    public async Task MaxResponseContentLength_ContentLengthAboveTheLimit_FailsBeforeReading()
    {
        // The body is far shorter than declared: reading it would end in ChunkedEncodingException, not the limit.
        await using var server = new RawHttpServer("HTTP/1.1 200 OK\r\nContent-Length: 20000000\r\nConnection: close\r\n\r\nshort");
        using var session = new Session { MaxResponseContentLength = 1000 };

        var error = await Assert.ThrowsAsync<ContentTooLargeException>(() => session.GetAsync(server.BaseUrl));

        Assert.Contains("20000000", error.Message);
    }

    [Theory]
    [InlineData(999, false)]
    [InlineData(1000, false)]
    [InlineData(1001, true)]
    public async Task MaxResponseContentLength_ExactLimit_IsAllowed(int size, bool tooLarge)
    {
        await using var server = Serve(Compress("gzip", new byte[size]), "Content-Encoding: gzip", chunked: true);
        using var session = new Session { MaxResponseContentLength = 1000 };

        var read = session.GetAsync(server.BaseUrl);

        if (tooLarge)
        {
            await Assert.ThrowsAsync<ContentTooLargeException>(() => read);
        }
        else
        {
            Assert.Equal(size, (await read).Content.Length);
        }
    }

    [Fact]
    public void MaxResponseContentLength_Default_IsHttpClientsBufferLimit()
    {
        using var session = new Session();

        Assert.Equal(new HttpClient().MaxResponseContentBufferSize, session.MaxResponseContentLength);
        Assert.Equal(session.MaxResponseContentLength, new SessionSettings().MaxResponseContentLength);
    }

    [Fact]
    public void MaxResponseContentLength_Negative_IsArgumentOutOfRangeException()
    {
        using var session = new Session();

        Assert.Throws<ArgumentOutOfRangeException>(() => session.MaxResponseContentLength = -1);
        Assert.Throws<ArgumentOutOfRangeException>(() => new RequestOptions { MaxResponseContentLength = -1 });
    }

    private static async Task<long> DrainAsync(Session session, string url, bool stream)
    {
        using var response = await session.GetAsync(url, new() { Stream = stream });
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

    private static RawHttpServer Serve(byte[] body, string headers, bool chunked = false)
    {
        var head = new StringBuilder("HTTP/1.1 200 OK\r\n").Append(headers).Append("\r\nConnection: close\r\n");
        if (chunked)
        {
            head.Append("Transfer-Encoding: chunked\r\n\r\n");
            if (body.Length > 0)
            {
                head.Append(body.Length.ToString("x")).Append("\r\n").Append(Encoding.Latin1.GetString(body)).Append("\r\n");
            }

            head.Append("0\r\n\r\n");
        }
        else
        {
            head.Append("Content-Length: ").Append(body.Length).Append("\r\n\r\n").Append(Encoding.Latin1.GetString(body));
        }

        var response = head.ToString();
        return new RawHttpServer(_ => response);
    }

    private static string WireCoding(string coding) => coding == "deflate-raw" ? "deflate" : coding;

    private static byte[] Compress(string coding, byte[] data) => Compress(coding, new MemoryStream(data));

    private static byte[] Compress(string coding, Stream data)
    {
        using var output = new MemoryStream();
        using (Stream compressor = coding switch
        {
            "gzip" => new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true),
            "deflate" => new ZLibStream(output, CompressionLevel.Optimal, leaveOpen: true),
            "deflate-raw" => new DeflateStream(output, CompressionLevel.Optimal, leaveOpen: true),
            _ => new BrotliStream(output, CompressionLevel.Optimal, leaveOpen: true),
        })
        {
            data.CopyTo(compressor, 1024 * 1024);
        }

        return output.ToArray();
    }

    /// <summary>A stream of <c>length</c> zero bytes, without holding them.</summary>
    private sealed class ZeroStream(long size) : Stream
    {
        private readonly long _length = size;
        private long _left = size;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => _length;

        public override long Position { get => _length - _left; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = (int)Math.Min(count, _left);
            Array.Clear(buffer, offset, n);
            _left -= n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
