namespace Pipeline;

/// <summary>Writes the merged headers once per request; without a session, the configured defaults fill what the request lacks.</summary>
internal sealed class HeadersStage : DelegatingHandler
{
    private readonly HeaderMap? _defaults;

    /// <param name="defaults">Headers for a request sent without a session (a plain named HttpClient).</param>
    public HeadersStage(HeaderMap? defaults = null)
    {
        _defaults = defaults is { Count: > 0 } ? new HeaderMap(defaults) : null;
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Options.TryGetValue(RequestContext.Key, out var context))
        {
            if (context.Headers is not null)
            {
                // requests' merge_setting already ran: the merged map is what goes on the wire.
                HeaderRules.Apply(request, context.Headers, overwrite: true);
            }
        }
        else if (_defaults is not null)
        {
            HeaderRules.Apply(request, _defaults, overwrite: false);
        }

        return base.SendAsync(request, cancellationToken);
    }

    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken) =>
        throw new NotSupportedException("Pipeline is async-only; use SendAsync.");
}
