using System.Buffers;
using System.IO.Compression;

namespace Pipeline;

/// <summary>Reads response bodies and maps body failures to requests' exceptions.</summary>
internal static class BodyReader
{
    private const long MaxPresizedLength = 64 * 1024 * 1024;

    public static async ValueTask<byte[]> ReadAllAsync(HttpContent content, Response response, CancellationToken cancellationToken)
    {
        using var timer = ReadTimer.Start(response.ReadTimeout, cancellationToken);
        var stream = await OpenAsync(content, response, cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            // The transport enforces Content-Length (a short body fails there); here it only sizes the buffer.
            // A HEAD response, a 204 or a 304 may declare a length and carry no body at all.
            var length = content is DecodingContent ? null : content.Headers.ContentLength;
            if (length is { } known and > 0 and <= MaxPresizedLength)
            {
                var exact = new byte[known];
                var filled = 0;
                int read;
                while (filled < exact.Length
                    && (read = await ReadAsync(stream, exact.AsMemory(filled), response, timer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    filled += read;
                }

                return filled == exact.Length ? exact : exact[..filled];
            }

            var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
            try
            {
                using var collected = new MemoryStream();
                int count;
                while ((count = await ReadAsync(stream, buffer, response, timer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    await collected.WriteAsync(buffer.AsMemory(0, count), cancellationToken).ConfigureAwait(false);
                }

                return collected.ToArray();
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    public static async ValueTask<Stream> OpenAsync(HttpContent content, Response response, CancellationToken cancellationToken)
    {
        try
        {
            // An in-memory body (a test's or a cache's StringContent) opens synchronously, without a Task<Stream>:
            // ByteArrayContent's stream is a MemoryStream over its array, so nothing blocks.
#pragma warning disable VSTHRD103
            return content is ByteArrayContent
                ? content.ReadAsStream(cancellationToken)
                : await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
#pragma warning restore VSTHRD103
        }
        catch (Exception ex) when (Map(ex, response, cancellationToken) is { } mapped)
        {
            throw mapped;
        }
    }

    /// <summary>Reads once, within the read timeout when there is one (requests' read timeout applies to every read of the body).</summary>
    public static async ValueTask<int> ReadAsync(Stream stream, Memory<byte> buffer, Response response, ReadTimer? timer, CancellationToken cancellationToken)
    {
        try
        {
            if (timer is null)
            {
                return await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            }

            timer.Restart();
            return await stream.ReadAsync(buffer, timer.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (timer is { Fired: true } && !cancellationToken.IsCancellationRequested)
        {
            throw new ReadTimeoutException($"Read timed out. (read timeout={TransportTimeouts.Seconds(timer.Timeout)})", ex, response.Request, response);
        }
        catch (Exception ex) when (Map(ex, response, cancellationToken) is { } mapped)
        {
            throw mapped;
        }
    }

    private static RequestException? Map(Exception ex, Response response, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested || ex is RequestException or OperationCanceledException)
        {
            return null;
        }

        return ex switch
        {
            InvalidDataException => new ContentDecodingException(
                $"Received response with content-encoding: {response.Headers["Content-Encoding"]}, but failed to decode it.", ex, response.Request, response),
            HttpIOException { HttpRequestError: HttpRequestError.ResponseEnded } => Truncated(response, ex),
            HttpIOException or IOException => new ChunkedEncodingException($"Connection broken: {ex.Message}", ex, response.Request, response),
            _ => null,
        };
    }

    private static ChunkedEncodingException Truncated(Response response, Exception inner) =>
        new("Connection broken: the response body ended before its declared length.", inner, response.Request, response);
}

/// <summary>The read timeout of one body: restarted before each read, so it bounds every wait on the server, not the whole body.</summary>
internal sealed class ReadTimer : IDisposable
{
    private readonly CancellationTokenSource _source;
    private readonly CancellationToken _caller;

    private ReadTimer(TimeSpan timeout, CancellationToken caller)
    {
        Timeout = timeout;
        _caller = caller;
        _source = CancellationTokenSource.CreateLinkedTokenSource(caller);
    }

    public TimeSpan Timeout { get; }

    public CancellationToken Token => _source.Token;

    public bool Fired => _source.IsCancellationRequested && !_caller.IsCancellationRequested;

    public static ReadTimer? Start(TimeSpan? timeout, CancellationToken caller) => timeout is { } value ? new ReadTimer(value, caller) : null;

    public void Restart() => _source.CancelAfter(Timeout);

    public void Dispose() => _source.Dispose();
}

/// <summary>Decodes a gzip, deflate or brotli response body (requests decodes whatever Content-Encoding the server used).</summary>
internal sealed class DecodingContent : HttpContent
{
    private readonly HttpContent _inner;
    private readonly string[] _encodings;

    /// <summary>Gets the body as the server sent it, still encoded.</summary>
    public HttpContent Inner => _inner;

    public DecodingContent(HttpContent inner, string[] encodings)
    {
        _inner = inner;
        _encodings = encodings;
        foreach (var header in inner.Headers.NonValidated)
        {
            Headers.TryAddWithoutValidation(header.Key, (IEnumerable<string>)header.Value);
        }
    }

    /// <summary>Returns the encodings of a Content-Encoding header this content can decode, or null when one is unknown.</summary>
    public static string[]? Decodable(HttpContent content)
    {
        var encodings = content.Headers.ContentEncoding;
        if (encodings.Count == 0)
        {
            return null;
        }

        var result = new string[encodings.Count];
        var i = 0;
        foreach (var encoding in encodings)
        {
            var lower = encoding.ToLowerInvariant();
            if (lower is not ("gzip" or "x-gzip" or "deflate" or "br" or "identity"))
            {
                return null;
            }

            result[i++] = lower;
        }

        return result;
    }

    protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context) =>
        await (await CreateContentReadStreamAsync().ConfigureAwait(false)).CopyToAsync(stream).ConfigureAwait(false);

    protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context, CancellationToken cancellationToken)
    {
        var source = await CreateContentReadStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (source.ConfigureAwait(false))
        {
            await source.CopyToAsync(stream, cancellationToken).ConfigureAwait(false);
        }
    }

    protected override Task<Stream> CreateContentReadStreamAsync() => CreateContentReadStreamAsync(CancellationToken.None);

    protected override async Task<Stream> CreateContentReadStreamAsync(CancellationToken cancellationToken)
    {
        var stream = await _inner.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);

        // Content-Encoding lists codings in the order applied, so they are undone in reverse.
        for (var i = _encodings.Length - 1; i >= 0; i--)
        {
            stream = _encodings[i] switch
            {
                "gzip" or "x-gzip" => new GZipStream(stream, CompressionMode.Decompress),
                "deflate" => new DeflateAutoDetectStream(stream),
                "br" => new BrotliStream(stream, CompressionMode.Decompress),
                _ => stream,
            };
        }

        return stream;
    }

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }
}

/// <summary>
/// Reads a "deflate" body: RFC 9110 means zlib-wrapped data, but many servers send raw deflate; like urllib3,
/// the first bytes decide which one it is.
/// </summary>
internal sealed class DeflateAutoDetectStream : ReadOnlyStream
{
    private readonly Stream _source;
    private Stream? _decoder;

    public DeflateAutoDetectStream(Stream source)
    {
        _source = source;
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("Pipeline reads bodies asynchronously.");

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_decoder is null)
        {
            var head = new byte[2];
            var filled = 0;
            while (filled < 2)
            {
                var read = await _source.ReadAsync(head.AsMemory(filled), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                filled += read;
            }

            // A zlib header: CM = 8 in the low nibble and the 16-bit header a multiple of 31 (RFC 1950).
            var isZlib = filled == 2 && (head[0] & 0x0F) == 8 && ((head[0] << 8) | head[1]) % 31 == 0;
            var replay = new PrefixedStream(head.AsMemory(0, filled), _source);
            _decoder = isZlib ? new ZLibStream(replay, CompressionMode.Decompress) : new DeflateStream(replay, CompressionMode.Decompress);
        }

        return await _decoder.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            (_decoder ?? _source).Dispose();
        }

        base.Dispose(disposing);
    }

    private sealed class PrefixedStream(ReadOnlyMemory<byte> prefix, Stream rest) : ReadOnlyStream
    {
        private ReadOnlyMemory<byte> _prefix = prefix;

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("Pipeline reads bodies asynchronously.");

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_prefix.Length > 0)
            {
                var n = Math.Min(buffer.Length, _prefix.Length);
                _prefix.Span[..n].CopyTo(buffer.Span);
                _prefix = _prefix[n..];
                return ValueTask.FromResult(n);
            }

            return rest.ReadAsync(buffer, cancellationToken);
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                rest.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
