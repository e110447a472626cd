using System.Net;

namespace Pipeline;

/// <summary>A response body that records what the caller reads of it into a HAR exchange; headers and bytes are the inner content's.</summary>
internal sealed class HarResponseContent : HttpContent
{
    private readonly HttpContent _inner;
    private readonly HarExchange _exchange;

    public HarResponseContent(HttpContent inner, HarExchange exchange)
    {
        _inner = inner;
        _exchange = exchange;
        foreach (var header in inner.Headers.NonValidated)
        {
            Headers.TryAddWithoutValidation(header.Key, (IEnumerable<string>)header.Value);
        }
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        var source = await CreateContentReadStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (source.ConfigureAwait(false))
        {
            await source.CopyToAsync(stream, cancellationToken).ConfigureAwait(false);
        }
    }

    protected override Task<Stream> CreateContentReadStreamAsync() => CreateContentReadStreamAsync(CancellationToken.None);

    protected override async Task<Stream> CreateContentReadStreamAsync(CancellationToken cancellationToken)
    {
        Stream stream;
        try
        {
            stream = await _inner.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            _exchange.OnFailure(ex);
            throw;
        }

        return new HarCaptureStream(stream, _exchange);
    }

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
            _exchange.OnResponseClosed();
        }

        base.Dispose(disposing);
    }
}
