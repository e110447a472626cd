namespace Pipeline;

/// <summary>
/// The primary handler of every session pipeline: sends each hop through the adapter mounted at the longest matching
/// prefix (requests' <c>get_adapter</c>).
/// </summary>
internal sealed class AdapterRouter : HttpMessageHandler
{
    private readonly AdapterMap.Entry[] _defaults;

    /// <param name="defaultAdapter">The adapter for http:// and https:// when a request carries no session (a plain named HttpClient).</param>
    public AdapterRouter(HttpMessageHandler defaultAdapter)
    {
        _defaults = [new("https://", defaultAdapter), new("http://", defaultAdapter)];
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var entries = request.Options.TryGetValue(RequestContext.Key, out var context) ? context.Adapters : _defaults;
        var url = request.RequestUri?.OriginalString ?? string.Empty;
        var entry = AdapterMap.Find(entries, url)
            ?? throw new InvalidSchemaException($"No connection adapters were found for '{Redaction.RedactUrl(url)}'");

        if (context?.Progress is { } progress && request.Content is { } content)
        {
            return SendCountingAsync(request, content, progress, context, entry.Invoker, cancellationToken);
        }

        return SendAsync(request, context, entry.Invoker, cancellationToken);
    }

    // A HAR recording sits here, next to the adapter, so it sees every hop as it goes on the wire.
    private static Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, RequestContext? context, HttpMessageInvoker adapter, CancellationToken cancellationToken) =>
        context?.HarRecorders is { } recorders
            ? HarRecorder.SendAsync(recorders, request, adapter, cancellationToken)
            : adapter.SendAsync(request, cancellationToken);

    // The body is counted as it is written for this hop only: the stages outside (a retry, an auth re-send, a 307) copy
    // and replay the original, and its type still tells them whether it can be sent again.
    private static async Task<HttpResponseMessage> SendCountingAsync(
        HttpRequestMessage request, HttpContent content, ProgressReporter progress, RequestContext context, HttpMessageInvoker adapter, CancellationToken cancellationToken)
    {
        var total = request.Headers.TransferEncodingChunked == true ? null : content.Headers.ContentLength;
        request.Content = new ProgressContent(content, progress, total);
        try
        {
            return await SendAsync(request, context, adapter, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            request.Content = content;
        }
    }

    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken) =>
        throw new NotSupportedException("Pipeline is async-only; use SendAsync.");
}
