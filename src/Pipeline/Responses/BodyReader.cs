namespace Pipeline;

/// <summary>Reads response bodies and maps body failures to requests' exceptions.</summary>
internal static class BodyReader
{
    private const long MaxPresizedLength = 64 * 1024 * 1024;

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

            // Grows by doubling up to the limit, never past it: a decoded body is checked as its bytes arrive, so a
            // decompression bomb fails after at most the limit is held.
            var buffer = new byte[(int)Math.Min(16 * 1024, limit)];
            var total = 0;
            while (true)
            {
                if (total == buffer.Length)
                {
                    if (total >= limit)
                    {
                        // Full at the limit: one more byte, if the body has one, is too many.
                        var probe = new byte[1];
                        if (await ReadAsync(stream, probe, response, timer, cancellationToken).ConfigureAwait(false) > 0)
                        {
                            throw TooLarge(response, limit, string.Empty);
                        }

                        return buffer;
                    }

                    Array.Resize(ref buffer, (int)Math.Min((long)buffer.Length * 2, limit));
                }

                var count = await ReadAsync(stream, buffer.AsMemory(total), response, timer, cancellationToken).ConfigureAwait(false);
                if (count == 0)
                {
                    return total == buffer.Length ? buffer : buffer[..total];
                }

                total += count;
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
