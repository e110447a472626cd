namespace Pipeline;

/// <summary>
/// Counts the bytes of a response body as they come from the connection, before any decoding, and reports the end: a
/// read that returns nothing, or the declared length reached (a buffered read stops there without another read).
/// </summary>
internal sealed class ProgressReadStream : ReadOnlyStream
{
    private readonly Stream _inner;
    private readonly ProgressReporter _reporter;

    public ProgressReadStream(Stream inner, ProgressReporter reporter, long? total)
    {
        _inner = inner;
        _reporter = reporter;
        reporter.StartDownload(total);
        if (total == 0)
        {
            reporter.CompleteDownload();
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer) => Count(_inner.Read(buffer), buffer.Length);

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Count(await _inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false), buffer.Length);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await _inner.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }

    private int Count(int read, int asked)
    {
        if (read > 0)
        {
            _reporter.Received(read);
        }
        else if (asked > 0)
        {
            // The end of the body (an empty read into an empty buffer says nothing).
            _reporter.CompleteDownload();
        }

        return read;
    }
}
