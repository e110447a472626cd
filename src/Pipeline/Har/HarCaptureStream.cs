namespace Pipeline;

/// <summary>A read-only stream that hands every byte read through it to a HAR exchange, and tells it when the body ended or was released.</summary>
internal sealed class HarCaptureStream(Stream inner, HarExchange exchange) : ReadOnlyStream
{
    private int _closed;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int read;
        try
        {
            read = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            exchange.OnFailure(ex);
            throw;
        }

        Observe(buffer.Span[..read]);
        return read;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var read = inner.Read(buffer);
        Observe(buffer[..read]);
        return read;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && Interlocked.Exchange(ref _closed, 1) == 0)
        {
            inner.Dispose();
            exchange.OnResponseClosed();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _closed, 1) == 0)
        {
            await inner.DisposeAsync().ConfigureAwait(false);
            exchange.OnResponseClosed();
        }

        await base.DisposeAsync().ConfigureAwait(false);
    }

    private void Observe(ReadOnlySpan<byte> data)
    {
        if (data.Length == 0)
        {
            exchange.OnResponseEnd();
        }
        else
        {
            exchange.OnResponseBytes(data);
        }
    }
}
