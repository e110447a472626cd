using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;

namespace Pipeline;

/// <summary>
/// Reads a gzip body (RFC 1952) member by member and fails when it ends before a member's trailer: GZipStream returns
/// a truncated body as if it were whole.
/// </summary>
/// <remarks>
/// Each member's deflate data is inflated by a raw <see cref="DeflateStream"/>, which stops reading once the deflate
/// stream has ended, so reaching the end of the body while it still asks for input means the body was cut. The
/// trailer (CRC-32 and length of the member's output) is then found among the bytes the inflater was given last, and
/// checked. Concatenated members are one body, as urllib3 and GZipStream decode them; bytes after a member that do
/// not start another are ignored, as urllib3 does.
/// </remarks>
internal sealed class GzipDecodingStream : ReadOnlyStream
{
    private const int ChunkSize = 16 * 1024;
    private const byte FlagHeaderCrc = 0x02;
    private const byte FlagExtra = 0x04;
    private const byte FlagName = 0x08;
    private const byte FlagComment = 0x10;

    private readonly Stream _source;
    private readonly Crc32 _crc = new();
    private byte[] _pending = new byte[ChunkSize];
    private int _start;
    private int _end;
    private bool _sourceEnded;
    private bool _done;
    private int _members;
    private long _memberLength;
    private DeflateStream? _inflater;
    private MemberSource? _memberSource;

    public GzipDecodingStream(Stream source)
    {
        _source = source;
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("Pipeline reads bodies asynchronously.");

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }

        while (!_done)
        {
            if (_inflater is null && !await StartMemberAsync(cancellationToken).ConfigureAwait(false))
            {
                _done = true;
                break;
            }

            var read = await _inflater!.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            if (read > 0)
            {
                _crc.Append(buffer.Span[..read]);
                _memberLength += read;
                return read;
            }

            // The inflater asked for more and the body had none: the deflate data stopped before its last block.
            if (_memberSource!.Exhausted)
            {
                throw Truncated();
            }

            await EndMemberAsync(cancellationToken).ConfigureAwait(false);
        }

        return 0;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inflater?.Dispose();
            _source.Dispose();
        }

        base.Dispose(disposing);
    }

    private static InvalidDataException Truncated() =>
        new("The gzip body is truncated: it ended before the end of its compressed data.");

    /// <summary>Reads a member header (RFC 1952 section 2.3); false when the body has ended or only trailing garbage is left.</summary>
    private async ValueTask<bool> StartMemberAsync(CancellationToken cancellationToken)
    {
        var first = _members == 0;
        if (!await FillAsync(1, cancellationToken).ConfigureAwait(false))
        {
            // An empty body (a HEAD answer, a 204) decodes to nothing.
            return false;
        }

        var haveTwo = await FillAsync(2, cancellationToken).ConfigureAwait(false);
        var isMagic = _pending[_start] == 0x1f && (!haveTwo || _pending[_start + 1] == 0x8b);
        if (!isMagic)
        {
            return first ? throw new InvalidDataException("The body is not gzip data: it does not start with the gzip magic bytes.") : false;
        }

        var headerCrc = new Crc32();
        var header = await TakeAsync(10, headerCrc, cancellationToken).ConfigureAwait(false);
        if (header[2] != 8 || (header[3] & 0xE0) != 0)
        {
            throw new InvalidDataException("The gzip member header is invalid: unknown compression method or flags.");
        }

        var flags = header[3];
        if ((flags & FlagExtra) != 0)
        {
            var length = BinaryPrimitives.ReadUInt16LittleEndian(await TakeAsync(2, headerCrc, cancellationToken).ConfigureAwait(false));
            for (var i = 0; i < length; i++)
            {
                await TakeAsync(1, headerCrc, cancellationToken).ConfigureAwait(false);
            }
        }

        if ((flags & FlagName) != 0)
        {
            await SkipZeroTerminatedAsync(headerCrc, cancellationToken).ConfigureAwait(false);
        }

        if ((flags & FlagComment) != 0)
        {
            await SkipZeroTerminatedAsync(headerCrc, cancellationToken).ConfigureAwait(false);
        }

        if ((flags & FlagHeaderCrc) != 0)
        {
            var expected = (ushort)headerCrc.GetCurrentHashAsUInt32();
            if (BinaryPrimitives.ReadUInt16LittleEndian(await TakeAsync(2, null, cancellationToken).ConfigureAwait(false)) != expected)
            {
                throw new InvalidDataException("The gzip member header is corrupt: its CRC does not match.");
            }
        }

        _members++;
        _crc.Reset();
        _memberLength = 0;
        _memberSource = new MemberSource(this);
        _inflater = new DeflateStream(_memberSource, CompressionMode.Decompress, leaveOpen: true);
        return true;
    }

    /// <summary>Finds and checks the trailer after the inflater ended; what follows it is read as the next member.</summary>
    private async ValueTask EndMemberAsync(CancellationToken cancellationToken)
    {
        var given = _memberSource!.Recent();
        await _inflater!.DisposeAsync().ConfigureAwait(false);
        _inflater = null;

        // The inflater read ahead: its unused input (the trailer and whatever follows) is at the end of the last bytes it
        // was given. Put them back in front of the bytes it was not given, then find the trailer there.
        var unread = _end - _start;
        var combined = new byte[given.Length + unread];
        given.CopyTo(combined);
        _pending.AsSpan(_start, unread).CopyTo(combined.AsSpan(given.Length));
        var givenLength = given.Length;
        _pending = combined.Length >= ChunkSize ? combined : Grow(combined);
        _start = 0;
        _end = combined.Length;

        var trailer = new byte[8];
        BinaryPrimitives.WriteUInt32LittleEndian(trailer, _crc.GetCurrentHashAsUInt32());
        BinaryPrimitives.WriteUInt32LittleEndian(trailer.AsSpan(4), (uint)_memberLength);
        int at;
        while ((at = _pending.AsSpan(0, _end).IndexOf(trailer)) < 0)
        {
            // The trailer starts where the inflater stopped, inside what it was given or right after: read only as far
            // as it can reach, so a member flushed on a live stream is not held back waiting for the next one.
            if (_end >= givenLength + 8)
            {
                throw new InvalidDataException("The gzip body is corrupt: its CRC-32 or length does not match the data.");
            }

            if (!await FillAsync(_end + 1, cancellationToken).ConfigureAwait(false))
            {
                throw new InvalidDataException("The gzip body is truncated: it ended in a member's trailer, or the trailer does not match the data.");
            }
        }

        _start = at + 8;
    }

    private static byte[] Grow(byte[] combined)
    {
        var buffer = new byte[ChunkSize];
        combined.CopyTo(buffer, 0);
        return buffer;
    }

    private async ValueTask SkipZeroTerminatedAsync(Crc32 headerCrc, CancellationToken cancellationToken)
    {
        while ((await TakeAsync(1, headerCrc, cancellationToken).ConfigureAwait(false))[0] != 0)
        {
        }
    }

    /// <summary>Takes <paramref name="count"/> header bytes; the body ending first means it was cut.</summary>
    private async ValueTask<byte[]> TakeAsync(int count, Crc32? headerCrc, CancellationToken cancellationToken)
    {
        if (!await FillAsync(count, cancellationToken).ConfigureAwait(false))
        {
            throw Truncated();
        }

        var bytes = _pending.AsSpan(_start, count).ToArray();
        headerCrc?.Append(bytes);
        _start += count;
        return bytes;
    }

    /// <summary>Makes <paramref name="count"/> bytes available from <c>_start</c> unless the body ends first.</summary>
    private async ValueTask<bool> FillAsync(int count, CancellationToken cancellationToken)
    {
        while (_end - _start < count)
        {
            if (_sourceEnded)
            {
                return false;
            }

            if (_pending.Length - _start < count || _end == _pending.Length)
            {
                var moved = _end - _start;
                var target = _pending.Length - _start < count ? new byte[Math.Max(_pending.Length, count)] : _pending;
                _pending.AsSpan(_start, moved).CopyTo(target);
                _pending = target;
                _start = 0;
                _end = moved;
            }

            var read = await _source.ReadAsync(_pending.AsMemory(_end), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                _sourceEnded = true;
            }

            _end += read;
        }

        return true;
    }

    /// <summary>
    /// What the inflater of one member reads: the pending bytes first, then the body. It remembers the last two reads it
    /// served (the trailer is among them when the inflater stops) and whether the body had nothing more to give.
    /// </summary>
    private sealed class MemberSource(GzipDecodingStream owner) : ReadOnlyStream
    {
        private byte[] _previous = [];
        private byte[] _last = [];
        private int _previousLength;
        private int _lastLength;

        public bool Exhausted { get; private set; }

        public byte[] Recent()
        {
            var recent = new byte[_previousLength + _lastLength];
            _previous.AsSpan(0, _previousLength).CopyTo(recent);
            _last.AsSpan(0, _lastLength).CopyTo(recent.AsSpan(_previousLength));
            return recent;
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("Pipeline reads bodies asynchronously.");

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (buffer.IsEmpty)
            {
                return 0;
            }

            int read;
            if (owner._end > owner._start)
            {
                read = Math.Min(buffer.Length, owner._end - owner._start);
                owner._pending.AsMemory(owner._start, read).CopyTo(buffer);
                owner._start += read;
            }
            else
            {
                read = owner._sourceEnded ? 0 : await owner._source.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    owner._sourceEnded = true;
                    Exhausted = true;
                    return 0;
                }
            }

            // Keep the last two reads in two reused buffers.
            (_previous, _last) = (_last, _previous);
            _previousLength = _lastLength;
            if (_last.Length < read)
            {
                _last = new byte[Math.Max(read, buffer.Length)];
            }

            buffer.Span[..read].CopyTo(_last);
            _lastLength = read;
            return read;
        }
    }
}
