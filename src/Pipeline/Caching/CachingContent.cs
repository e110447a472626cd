namespace Pipeline;

/// <summary>
/// Wraps a response body so that reading it to the end also stores it: the bytes as received are kept (up to the
/// entry size limit) and handed to the cache when the reader reaches the end. A body nobody reads to the end (a streamed
/// response abandoned half way) is never stored; nor is a larger one.
/// </summary>
internal sealed class CachingContent : HttpContent
{
    private readonly HttpContent _inner;
    private readonly long _maxSize;
    private readonly Func<byte[]?, CancellationToken, ValueTask> _completed;

    /// <param name="inner">The body as received.</param>
    /// <param name="maxSize">The most bytes kept; beyond it <paramref name="completed"/> gets null.</param>
    /// <param name="completed">Called once at the end of the body with its bytes, or null when it was too large; it must not throw.</param>
    public CachingContent(HttpContent inner, long maxSize, Func<byte[]?, CancellationToken, ValueTask> completed)
    {
        _inner = inner;
        _maxSize = maxSize;
        _completed = completed;
        foreach (var header in inner.Headers.NonValidated)
        {
            Headers.TryAddWithoutValidation(header.Key, (IEnumerable<string>)header.Value);
        }
    }

    /// <summary>Reads a whole body as received, or returns null when it is larger than <paramref name="maxSize"/> (a background revalidation's).</summary>
    public static async Task<byte[]?> ReadBoundedAsync(HttpContent content, long maxSize, CancellationToken cancellationToken)
    {
        if (content.Headers.ContentLength > maxSize)
        {
            return null;
        }

        var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            using var collected = new MemoryStream();
            var buffer = new byte[16 * 1024];
            int read;
            while ((read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (collected.Length + read > maxSize)
                {
                    return null;
                }

                await collected.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            }

            return collected.ToArray();
        }
    }

    protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context) =>
        await SerializeToStreamAsync(stream, context, CancellationToken.None).ConfigureAwait(false);

    protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context, CancellationToken cancellationToken)
    {
        var source = await CreateContentReadStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (source.ConfigureAwait(false))
        {
            await source.CopyToAsync(stream, cancellationToken).ConfigureAwait(false);
        }
    }

    protected override Task<Stream> CreateContentReadStreamAsync() => CreateContentReadStreamAsync(CancellationToken.None);

    protected override async Task<Stream> CreateContentReadStreamAsync(CancellationToken cancellationToken) =>
        new TeeStream(await _inner.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false), this);

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

    private sealed class TeeStream(Stream inner, CachingContent owner) : ReadOnlyStream
    {
        private MemoryStream? _copy = new();
        private bool _done;

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            if (_done)
            {
                return read;
            }

            if (read > 0)
            {
                Keep(buffer.Span[..read]);
                return read;
            }

            _done = true;
            var bytes = _copy?.ToArray();
            _copy = null;
            await owner._completed(bytes, cancellationToken).ConfigureAwait(false);
            return 0;
        }

        // A synchronous reader is served, but its body is not stored: storing means awaiting the store.
        public override int Read(byte[] buffer, int offset, int count)
        {
            _done = true;
            _copy = null;
            return inner.Read(buffer, offset, count);
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }

        public override async ValueTask DisposeAsync()
        {
            await inner.DisposeAsync().ConfigureAwait(false);
            await base.DisposeAsync().ConfigureAwait(false);
        }

        private void Keep(ReadOnlySpan<byte> bytes)
        {
            if (_copy is null)
            {
                return;
            }

            if (_copy.Length + bytes.Length > owner._maxSize)
            {
                // Too large to store: stop copying at once, and say so when the body ends.
                _copy = null;
                return;
            }

            _copy.Write(bytes);
        }
    }
}
