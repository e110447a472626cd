using System.Diagnostics;

namespace Pipeline;

/// <summary>
/// Turns each hop's HTTP response into a <see cref="Response"/> (body read unless streaming) and runs the response
/// hooks on it, in order; a hook's non-null return replaces the response (requests' <c>dispatch_hook</c>).
/// </summary>
internal sealed class HooksStage : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (!request.Options.TryGetValue(RequestContext.Key, out var context))
        {
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }

        var started = Stopwatch.GetTimestamp();
        var message = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        message.RequestMessage ??= request;
        var response = new Response(message, message.RequestMessage.Content is null ? null : context.Body, Stopwatch.GetElapsedTime(started), context.JsonOptions, context.Timeout?.Read);
        if (!context.Stream)
        {
            await response.BufferAsync(cancellationToken).ConfigureAwait(false);
        }

        // requests raises RetryError from the adapter, before any hook sees the response.
        if (message.RequestMessage.Options.TryGetValue(HopState.RetryExhaustedKey, out var exhausted))
        {
            throw new RetryException(exhausted, null, response.Request, response);
        }

        // An auth scheme that answered a 401 left it for the history, as requests' handle_401 does.
        // They are left on the retry's own message, so a hop answered at the first try has none to look up.
        if (!ReferenceEquals(message.RequestMessage, request) && message.RequestMessage.Options.TryGetValue(AuthRetry.HistoryKey, out var challenges))
        {
            var history = new List<Response>(challenges.Count);
            foreach (var challenge in challenges)
            {
                var earlier = new Response(challenge, null, TimeSpan.Zero, context.JsonOptions, context.Timeout?.Read) { History = [.. history] };
                await earlier.BufferAsync(cancellationToken).ConfigureAwait(false);
                history.Add(earlier);
            }

            response.History = history;
        }

        var hooks = context.Hooks.Response;
        for (var i = 0; i < hooks.Count; i++)
        {
            response = await hooks.ItemAt(i)(response, cancellationToken).ConfigureAwait(false) ?? response;
        }

        context.HopResponse = response;
        return message;
    }

    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken) =>
        throw new NotSupportedException("Pipeline is async-only; use SendAsync.");
}
