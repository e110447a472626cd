namespace Pipeline;

/// <summary>Writes through to the transport and hands a copy of each write to the exchange.</summary>
internal sealed class HarTeeStream(Stream target, HarExchange exchange) : WriteOnlyStream
{
    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        exchange.OnRequestBytes(buffer.Span);
        await target.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        exchange.OnRequestBytes(buffer);
        target.Write(buffer);
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => target.FlushAsync(cancellationToken);

    public override void Flush() => target.Flush();
}
