using System.Net;

namespace Pipeline;

/// <summary>
/// A request body of unknown bytes (a stream, multipart of streams) that records what the transport writes of it into a
/// HAR exchange while it is sent; only used for the duration of one send.
/// </summary>
internal sealed class HarRequestContent : HttpContent
{
    private readonly HttpContent _inner;
    private readonly HarExchange _exchange;

    public HarRequestContent(HttpContent inner, HarExchange exchange)
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
        await _inner.CopyToAsync(new HarTeeStream(stream, _exchange), cancellationToken).ConfigureAwait(false);
        _exchange.OnRequestBodyEnd();
    }

    protected override bool TryComputeLength(out long length)
    {
        if (_inner.Headers.ContentLength is { } known)
        {
            length = known;
            return true;
        }

        length = 0;
        return false;
    }
}
