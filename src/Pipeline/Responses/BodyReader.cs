using System.Buffers;

namespace Pipeline;

/// <summary>Reads response bodies and maps body failures to requests' exceptions.</summary>
internal static class BodyReader
{
    // A declared length up to this is read into one array of that size (reserved address space, committed as it fills);
    // a larger one grows in segments as the bytes arrive, so a length alone never reserves more.
    private const long MaxPresizedLength = 256 * 1024 * 1024;
    private const int FirstSegment = 16 * 1024;
    private const int MaxSegment = 4 * 1024 * 1024;

    public static async ValueTask<byte[]> ReadAllAsync(HttpContent content, Response response, CancellationToken cancellationToken)
    {
        // A body is never buffered beyond the limit: what a byte[] can hold, or less when the caller says so.
        var limit = Math.Min(response.MaxContentLength, Array.MaxLength);
        var decoded = content is DecodingContent;

        // The transport enforces Content-Length (a short body fails there); here it sizes the buffer, and a declared length
        // above the limit fails before anything is read. A HEAD response, a 204 or a 304 may declare a length and carry no body.
        var length = decoded ? null : content.Headers.ContentLength;
        if (length > limit)
        {
            throw TooLarge(response, limit, $": its Content-Length is {length}");
        }

        using var timer = ReadTimer.Start(response.ReadTimeout, cancellationToken);
        var stream = await OpenAsync(content, response, cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            if (length is { } known and > 0 and <= MaxPresizedLength)
            {
                var exact = GC.AllocateUninitializedArray<byte>((int)known);
                var filled = 0;
                int read;
                while (filled < exact.Length
                    && (read = await ReadAsync(stream, exact.AsMemory(filled), response, timer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    filled += read;
                }

                return filled == exact.Length ? exact : exact[..filled];
            }

            return await ReadUnknownLengthAsync(stream, limit, response, timer, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Reads a body of unknown length (chunked, or decoded) into pooled segments that grow as it arrives, then copies
    /// them once into an array of the exact size: a small body costs its own bytes, a large one about twice its size at
    /// the peak, never a chain of doublings. The limit is checked as bytes arrive, so a decompression bomb fails after
    /// at most the limit is held.
    /// </summary>
    private static async ValueTask<byte[]> ReadUnknownLengthAsync(Stream stream, long limit, Response response, ReadTimer? timer, CancellationToken cancellationToken)
    {
        var segments = new List<byte[]>(4);
        var segment = ArrayPool<byte>.Shared.Rent(FirstSegment);
        segments.Add(segment);
        var filled = 0;
        long total = 0;
        try
        {
            while (true)
            {
                if (filled == segment.Length)
                {
                    segment = ArrayPool<byte>.Shared.Rent(Math.Min(segment.Length * 2, MaxSegment));
                    segments.Add(segment);
                    filled = 0;
                }

                var count = await ReadAsync(stream, segment.AsMemory(filled), response, timer, cancellationToken).ConfigureAwait(false);
                if (count == 0)
                {
                    break;
                }

                filled += count;
                total += count;
                if (total > limit)
                {
                    throw TooLarge(response, limit, string.Empty);
                }
            }

            var body = total == 0 ? [] : GC.AllocateUninitializedArray<byte>((int)total);
            var offset = 0;
            for (var i = 0; i < segments.Count; i++)
            {
                var used = (int)Math.Min(segments[i].Length, total - offset);
                segments[i].AsSpan(0, used).CopyTo(body.AsSpan(offset));
                offset += used;
            }

            return body;
        }
        finally
        {
            foreach (var rented in segments)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>Refuses a stacked Content-Encoding longer than urllib3 2.6 decodes, before any byte is read.</summary>
    public static void CheckCodings(HttpContent content, Response response)
    {
        if (content is DecodingContent { Encodings.Count: > DecodingContent.MaxCodings } decoding)
        {
            throw new ContentDecodingException(DecodingContent.TooManyCodings(decoding.Encodings.Count), null, response.Request, response);
        }
    }

    private static ContentTooLargeException TooLarge(Response response, long limit, string detail) =>
        new($"The response body is larger than MaxResponseContentLength ({limit} bytes){detail}. Raise the limit, or set "
            + "Stream = true and read the body with IterContentAsync.", null, response.Request, response);

    public static async ValueTask<Stream> OpenAsync(HttpContent content, Response response, CancellationToken cancellationToken)
    {
        CheckCodings(content, response);
        try
        {
            // An in-memory body (a test's or a cache's StringContent) opens synchronously, without a Task<Stream>:
            // ByteArrayContent's stream is a MemoryStream over its array, so nothing blocks.
            if (response.Progress is { } progress)
            {
                return await OpenCountedAsync(content, progress, cancellationToken).ConfigureAwait(false);
            }

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

    /// <summary>
    /// Opens the body through a counting stream placed below any decoder: the bytes counted are the ones on the wire, so
    /// the Content-Length is their total, for a compressed body too.
    /// </summary>
    private static async ValueTask<Stream> OpenCountedAsync(HttpContent content, ProgressReporter progress, CancellationToken cancellationToken)
    {
        var decoding = content as DecodingContent;
        var wire = decoding?.Inner ?? content;
        var counted = new ProgressReadStream(await wire.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false), progress, wire.Headers.ContentLength);
        return decoding is null ? counted : decoding.Decode(counted);
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

    // requests' words for a chunked body cut short (urllib3's "Response ended prematurely"), else a short fixed length.
    private static ChunkedEncodingException Truncated(Response response, Exception inner) =>
        new(
            response.Headers.ContainsKey("Transfer-Encoding")
                ? "Connection broken: Response ended prematurely"
                : "Connection broken: the response body ended before its declared length.",
            inner,
            response.Request,
            response);
}
