namespace Pipeline;

/// <summary>
/// Appends the named session's default params to a request sent without a session (a plain named HttpClient). A
/// session appends its merged params when it prepares the request (docs/architecture.md), so a request carrying a
/// <see cref="RequestContext"/> passes through untouched.
/// </summary>
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
        if (_defaults is not null && !request.Options.TryGetValue(RequestContext.Key, out _) && request.RequestUri is { IsAbsoluteUri: true } uri)
        {
            request.RequestUri = new Uri(UrlRules.AppendParams(uri.OriginalString, _defaults));
        }

        return base.SendAsync(request, cancellationToken);
    }

    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken) =>
        throw new NotSupportedException("Pipeline is async-only; use SendAsync.");
}
