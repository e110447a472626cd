using System.Buffers;

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
