namespace Pipeline;

/// <summary>Appends the merged query params to the URL, once per request (never again on redirect hops).</summary>
internal sealed class ParamsStage : DelegatingHandler
{
    private readonly QueryParams? _defaults;

    /// <param name="defaults">Params for a request sent without a session (a plain named HttpClient).</param>
    public ParamsStage(QueryParams? defaults = null)
    {
        _defaults = defaults is { Count: > 0 } ? new QueryParams(defaults) : null;
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var parameters = request.Options.TryGetValue(RequestContext.Key, out var context) ? context.Params : _defaults;
        if (parameters is { Count: > 0 } && request.RequestUri is { IsAbsoluteUri: true } uri)
        {
            request.RequestUri = new Uri(UrlRules.AppendParams(uri.OriginalString, parameters));
        }

        return base.SendAsync(request, cancellationToken);
    }

    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken) =>
        throw new NotSupportedException("Pipeline is async-only; use SendAsync.");
}
