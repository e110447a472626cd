using System.Diagnostics;

namespace Pipeline;

/// <summary>
/// The one place that turns a hop's HTTP answer into a <see cref="Response"/> (requests' <c>HTTPAdapter.build_response</c>):
/// the body read unless the request streams, and the 401s an auth scheme answered within the hop as its history
/// (requests' <c>handle_401</c>).
/// </summary>
/// <remarks>
/// The stages that need the hop's Response (hooks, cookies, redirects, the session) ask <see cref="ForHopAsync"/>: the
/// first one builds it and records it on the <see cref="RequestContext"/>, the others get that one, as a hook may have
/// replaced it.
/// </remarks>
internal static class ResponseBuilder
{
    /// <summary>Returns the hop's Response: the one recorded for <paramref name="hop"/>, else a new one, recorded.</summary>
    public static ValueTask<Response> ForHopAsync(HttpRequestMessage hop, HttpResponseMessage message, RequestContext context, CancellationToken cancellationToken)
    {
        if (context.HopResponse is { } recorded && ReferenceEquals(context.HopRequest, hop))
        {
            return ValueTask.FromResult(recorded);
        }

        return BuildAndRecordAsync(hop, message, context, cancellationToken);
    }

    /// <summary>Builds the Response of <paramref name="message"/> without recording it.</summary>
    public static async ValueTask<Response> BuildAsync(HttpRequestMessage hop, HttpResponseMessage message, RequestContext context, CancellationToken cancellationToken)
    {
        message.RequestMessage ??= hop;
        var sent = message.RequestMessage;
        var elapsed = context.HopStarted == 0 ? TimeSpan.Zero : Stopwatch.GetElapsedTime(context.HopStarted);
        var response = new Response(message, sent.Content is null ? null : context.Body, elapsed, context.JsonOptions, context.Timeout?.Read, context.MaxResponseContentLength);

        // The body of a redirect that is followed is read only to free the connection: it is not the download asked for.
        if (context.Progress is { } progress && !(context.AllowRedirects && response.IsRedirect))
        {
            response.Progress = progress;
        }
        if (!context.Stream)
        {
            try
            {
                context.CallDeadline?.OnReading(response);
                await response.BufferAsync(cancellationToken).ConfigureAwait(false);
                context.CallDeadline?.OnRead();
            }
            catch (RequestException ex) when (ex is ContentDecodingException or ChunkedEncodingException or ContentTooLargeException && context.AllowRedirects && response.IsRedirect)
            {
                // requests' resolve_redirects reads a redirect's body only to release the connection: a body that cannot
                // be decoded, ends early or is too large to buffer is dropped, and the redirect is still followed.
            }
        }

        // The 401s are left on the auth scheme's own re-sent message, so a hop answered at the first try has none to look up.
        if (!ReferenceEquals(sent, hop) && sent.Options.TryGetValue(AuthRetry.HistoryKey, out var challenges))
        {
            var history = new List<Response>(challenges.Count);
            foreach (var challenge in challenges)
            {
                var earlier = new Response(challenge, null, TimeSpan.Zero, context.JsonOptions, context.Timeout?.Read, context.MaxResponseContentLength) { History = [.. history] };
                await earlier.BufferAsync(cancellationToken).ConfigureAwait(false);
                history.Add(earlier);
            }

            response.History = history;
        }

        return response;
    }

    /// <summary>Records the hop's Response (or a hook's replacement) for the stages outside and the session.</summary>
    public static void Record(HttpRequestMessage hop, Response response, RequestContext context)
    {
        context.HopRequest = hop;
        context.HopResponse = response;
    }

    private static async ValueTask<Response> BuildAndRecordAsync(HttpRequestMessage hop, HttpResponseMessage message, RequestContext context, CancellationToken cancellationToken)
    {
        var response = await BuildAsync(hop, message, context, cancellationToken).ConfigureAwait(false);
        Record(hop, response, context);
        return response;
    }
}
