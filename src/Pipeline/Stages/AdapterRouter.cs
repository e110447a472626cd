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

        // A HAR recording sits here, next to the adapter, so it sees every hop as it goes on the wire.
        return context?.HarRecorders is { } recorders
            ? HarRecorder.SendAsync(recorders, request, entry.Invoker, cancellationToken)
            : entry.Invoker.SendAsync(request, cancellationToken);
    }

    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken) =>
        throw new NotSupportedException("Pipeline is async-only; use SendAsync.");
}
