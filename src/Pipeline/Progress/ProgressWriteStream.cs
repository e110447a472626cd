namespace Pipeline;

/// <summary>Counts the bytes a request body writes to the connection.</summary>
internal sealed class ProgressWriteStream(Stream inner, ProgressReporter reporter) : WriteOnlyStream
{
    public override void Write(ReadOnlySpan<byte> buffer)
    {
        inner.Write(buffer);
        reporter.Sent(buffer.Length);
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        await inner.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        reporter.Sent(buffer.Length);
    }

    public override void Flush() => inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);
}
