using System.Net;

namespace Pipeline;

/// <summary>
/// Sends a request body through a counting stream. It stands in for the body only while a hop is sent (the
/// AdapterRouter puts the original back), so redirects, retries and auth re-sends copy and replay the original.
/// </summary>
internal sealed class ProgressContent : HttpContent
{
    private readonly HttpContent _inner;
    private readonly ProgressReporter _reporter;
    private readonly long? _total;

    /// <param name="inner">The body; its headers (Content-Type, Content-Length) are this content's too.</param>
    /// <param name="reporter">The request's reporter.</param>
    /// <param name="total">The body's length, or null for a chunked one.</param>
    public ProgressContent(HttpContent inner, ProgressReporter reporter, long? total)
    {
        _inner = inner;
        _reporter = reporter;
        _total = total;
        RequestCopy.CopyHeaders(inner.Headers, Headers);
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        _reporter.StartUpload(_total);
        await _inner.CopyToAsync(new ProgressWriteStream(stream, _reporter), cancellationToken).ConfigureAwait(false);
        _reporter.CompleteUpload();
    }

    protected override bool TryComputeLength(out long length)
    {
        length = _total ?? 0;
        return _total is not null;
    }
}
