namespace Pipeline;

/// <summary>
/// Runs the response hooks on each hop's <see cref="Response"/>, in order; a hook's non-null return replaces the
/// response for later hooks, the stages outside and the caller (requests' <c>dispatch_hook</c>).
/// </summary>
internal sealed class HooksStage : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (!request.Options.TryGetValue(RequestContext.Key, out var context))
        {
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }

        var message = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var hooks = context.Hooks.Response;
        if (hooks.Count == 0)
        {
            return message;
        }

        var response = await ResponseBuilder.ForHopAsync(request, message, context, cancellationToken).ConfigureAwait(false);
        var current = response;
        for (var i = 0; i < hooks.Count; i++)
        {
            current = await hooks.ItemAt(i)(current, cancellationToken).ConfigureAwait(false) ?? current;
        }

        if (!ReferenceEquals(current, response))
        {
            ResponseBuilder.Record(request, current, context);
        }

        return message;
    }

    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken) =>
        throw new NotSupportedException("Pipeline is async-only; use SendAsync.");
}
