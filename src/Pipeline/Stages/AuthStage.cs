namespace Pipeline;

/// <summary>Runs the request's auth scheme on every hop: up-front credentials, and any answer to a challenge.</summary>
internal sealed class AuthStage : DelegatingHandler
{
    private readonly Auth? _defaults;
    private readonly Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> _next;

    /// <param name="defaults">Auth for a request sent without a session (a plain named HttpClient).</param>
    public AuthStage(Auth? defaults = null)
    {
        _defaults = ReferenceEquals(defaults, Auth.None) ? null : defaults;
        _next = base.SendAsync;
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var auth = request.Options.TryGetValue(RequestContext.Key, out var context) ? context.Auth : _defaults;

        // After a redirect to another host, scheme or port the credentials stay off (requests' rebuild_auth).
        if (HopState.IsAuthStripped(request))
        {
            auth = request.Options.TryGetValue(HopState.AuthOverrideKey, out var netrc) ? netrc : null;
        }

        return auth is null ? base.SendAsync(request, cancellationToken) : auth.SendAsync(request, _next, cancellationToken);
    }

    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken) =>
        throw new NotSupportedException("Pipeline is async-only; use SendAsync.");
}
