namespace Pipeline.Tests.Infrastructure;

/// <summary>
/// A transport wrapper, mounted in place of the session's adapter, that keeps the <see cref="RequestContext"/> of the
/// call it sees (its first request that is not an OAuth2 token request), so a test can watch where a call is — its
/// deadline's hop, attempt and step — while the real transport sends to a loopback server.
/// </summary>
internal sealed class ContextProbe(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    private RequestContext? _context;

    /// <summary>Initializes a probe over a new <see cref="HttpAdapter"/>, which it disposes.</summary>
    public ContextProbe()
        : this(new HttpAdapter())
    {
    }

    public RequestContext? Context => Volatile.Read(ref _context);

    public CallStep? Step => Context?.CallDeadline?.Step;

    /// <summary>Waits (10 s at most) until the call's deadline notes <paramref name="step"/>.</summary>
    public Task WaitForStepAsync(CallStep step) => Poll.UntilAsync(() => Step == step, $"the call to be {step} (it is {Step?.ToString() ?? "unknown"})");

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Options.TryGetValue(RequestContext.Key, out var context) && !request.Options.TryGetValue(OAuth2Auth.TokenRequestKey, out _))
        {
            Interlocked.CompareExchange(ref _context, context, null);
        }

        return base.SendAsync(request, cancellationToken);
    }
}
