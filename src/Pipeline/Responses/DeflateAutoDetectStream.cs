using System.IO.Compression;

namespace Pipeline;

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
