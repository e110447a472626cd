using System.Buffers;
using System.IO.Compression;

namespace Pipeline;

/// <summary>
/// Reads a brotli body with <see cref="BrotliDecoder"/>, which says whether the stream reached its end: a body that
/// stops before it is truncated (BrotliStream would return it as if it were whole).
/// </summary>
internal sealed class BrotliDecodingStream : ReadOnlyStream
{
    private const int ChunkSize = 16 * 1024;

    private readonly Stream _source;
    private readonly byte[] _input = new byte[ChunkSize];
    private BrotliDecoder _decoder;
    private int _start;
    private int _end;
    private bool _anyInput;
    private OperationStatus _status = OperationStatus.NeedMoreData;

    public BrotliDecodingStream(Stream source)
    {
        _source = source;
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("Pipeline reads bodies asynchronously.");

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (!buffer.IsEmpty && _status != OperationStatus.Done)
        {
            // Input the decoder holds back, or output it could not write last time, comes first.
            if (_end > _start || _status == OperationStatus.DestinationTooSmall)
            {
                _status = _decoder.Decompress(_input.AsSpan(_start, _end - _start), buffer.Span, out var consumed, out var written);
                _start += consumed;
                if (_status == OperationStatus.InvalidData)
                {
                    throw new InvalidDataException("The brotli body is corrupt.");
                }

                if (written > 0)
                {
                    return written;
                }

                if (_status != OperationStatus.NeedMoreData)
                {
                    continue;
                }
            }

            // Bytes the decoder left unconsumed stay in front of the new ones.
            var kept = _end - _start;
            _input.AsSpan(_start, kept).CopyTo(_input);
            _start = 0;
            _end = kept;
            var read = kept == _input.Length ? 0 : await _source.ReadAsync(_input.AsMemory(kept), cancellationToken).ConfigureAwait(false);
            _end += read;
            if (read == 0)
            {
                // An empty body decodes to nothing; one that stops before the end of the brotli stream was cut.
                return _anyInput ? throw new InvalidDataException("The brotli body is truncated: it ended before the end of its compressed data.") : 0;
            }

            _anyInput = true;
        }

        return 0;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _decoder.Dispose();
            _source.Dispose();
        }

        base.Dispose(disposing);
    }
}
