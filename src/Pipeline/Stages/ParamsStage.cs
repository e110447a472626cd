namespace Pipeline;

/// <summary>
/// Appends the named session's default params to a request sent without a session (a plain named HttpClient). A
/// session appends its merged params when it prepares the request (docs/architecture.md), so a request carrying a
/// <see cref="RequestContext"/> passes through untouched.
/// </summary>
internal sealed class ParamsStage : DelegatingHandler
{
    // Encoded once: the defaults are copied when the stage is built and never change.
    private readonly string _defaultQuery;

    /// <param name="defaults">Params for a request sent without a session (a plain named HttpClient).</param>
    public ParamsStage(QueryParams? defaults = null)
    {
        _defaultQuery = defaults is null ? string.Empty : UrlRules.EncodeParams(defaults);
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (_defaultQuery.Length > 0 && !request.Options.TryGetValue(RequestContext.Key, out _) && request.RequestUri is { IsAbsoluteUri: true } uri)
        {
            request.RequestUri = new Uri(UrlRules.AppendQuery(uri.OriginalString, _defaultQuery));
        }

        return base.SendAsync(request, cancellationToken);
    }

    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken) =>
        throw new NotSupportedException("Pipeline is async-only; use SendAsync.");
}
