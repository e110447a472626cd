using System.IO.Compression;

namespace Pipeline;

/// <summary>
/// Reads a "deflate" body: RFC 9110 means zlib-wrapped data, but many servers send raw deflate; like urllib3,
/// the first bytes decide which one it is. A body that ends before the end of the deflate data is truncated: the
/// decoder only asks for more input while it has not reached the end, so the body running out under it means the body
/// was cut (DeflateStream and ZLibStream would return it as if it were whole).
/// </summary>
internal sealed class DeflateAutoDetectStream : ReadOnlyStream
{
    private readonly Stream _source;
    private Stream? _decoder;
    private PrefixedStream? _replay;

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
            _replay = new PrefixedStream(head.AsMemory(0, filled), _source);
            _decoder = isZlib ? new ZLibStream(_replay, CompressionMode.Decompress) : new DeflateStream(_replay, CompressionMode.Decompress);
        }

        var decoded = await _decoder.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        if (decoded == 0 && !buffer.IsEmpty && _replay is { Exhausted: true, AnyInput: true })
        {
            throw new InvalidDataException("The deflate body is truncated: it ended before the end of its compressed data.");
        }

        return decoded;
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

        /// <summary>Gets a value indicating whether a read found the body at its end.</summary>
        public bool Exhausted { get; private set; }

        /// <summary>Gets a value indicating whether the body had any bytes at all (an empty body decodes to nothing).</summary>
        public bool AnyInput { get; } = !prefix.IsEmpty;

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("Pipeline reads bodies asynchronously.");

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_prefix.Length > 0)
            {
                var n = Math.Min(buffer.Length, _prefix.Length);
                _prefix.Span[..n].CopyTo(buffer.Span);
                _prefix = _prefix[n..];
                return n;
            }

            var read = await rest.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            if (read == 0 && !buffer.IsEmpty)
            {
                Exhausted = true;
            }

            return read;
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
