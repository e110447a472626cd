using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Pipeline;

/// <summary>
/// Follows redirects as requests' <c>resolve_redirects</c>: per hop it rebuilds the method, body, cookies and
/// credentials, records the history, and stops at <c>MaxRedirects</c>.
/// </summary>
internal sealed partial class RedirectStage : DelegatingHandler
{
    private readonly int _defaultMaxRedirects;
    private readonly ILogger _logger;

    /// <param name="defaultMaxRedirects">The limit for a request sent without a session (a plain named HttpClient).</param>
    /// <param name="logger">Where each redirect followed is logged, or null.</param>
    public RedirectStage(int defaultMaxRedirects = 30, ILogger<RedirectStage>? logger = null)
    {
        _defaultMaxRedirects = defaultMaxRedirects;
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var context = request.Options.TryGetValue(RequestContext.Key, out var c) ? c : null;
        var maxRedirects = context?.MaxRedirects ?? _defaultMaxRedirects;
        List<Response>? history = null;

        // Counted apart from history: without a RequestContext no Response is recorded, and the limit must still hold.
        var redirects = 0;
        var hop = request;

        // Each hop starts from the headers this stage sent, not from what the stages inside added to the one before.
        var sent = context?.Headers ?? HeaderRules.FromMessage(request.Headers);
        var message = await SendHopAsync(hop, context, cancellationToken).ConfigureAwait(false);
        while (true)
        {
            var response = context is null ? null : await ResponseBuilder.ForHopAsync(hop, message, context, cancellationToken).ConfigureAwait(false);
            var status = response?.StatusCode ?? message.StatusCode;
            var target = RedirectRules.GetRedirectTarget(status, response is null ? RawLocation(message) : response.HeaderValue("Location"));
            if (target is null)
            {
                break;
            }

            if (context is { AllowRedirects: false })
            {
                // requests builds response.next with resolve_redirects, whose limit check runs first: with
                // max_redirects = 0 even a redirect that is not followed raises TooManyRedirects.
                if (maxRedirects <= 0)
                {
                    message.Dispose();
                    throw new TooManyRedirectsException($"Exceeded {maxRedirects} redirects.", null, response?.Request, response);
                }

                if (response is not null)
                {
                    var (notFollowed, _) = RedirectRequestBuilder.Build(hop, sent, status, target, context, follow: false);
                    response.Next = RedirectRequestBuilder.ToPrepared(notFollowed, context, message.RequestMessage);
                }

                break;
            }

            if (response is not null)
            {
                // A view of the hops so far: the list only grows, so each hop's history costs nothing to keep.
                response.History = history is null ? [] : new HistoryView(history, history.Count);
            }

            if (redirects >= maxRedirects)
            {
                message.Dispose();
                throw new TooManyRedirectsException($"Exceeded {maxRedirects} redirects.", null, response?.Request, response);
            }

            // requests checks the limit before it looks at the new URL: past it, TooManyRedirects, whatever the target.
            var (next, nextSent) = RedirectRequestBuilder.Build(hop, sent, status, target, context);
            redirects++;
            OnRedirect(context, status, next, redirects);
            if (response is not null)
            {
                (history ??= []).Add(response);
                await DrainAsync(response, cancellationToken).ConfigureAwait(false);
            }

            message.Dispose();
            hop = next;
            sent = nextSent;
            message = await SendHopAsync(hop, context, cancellationToken).ConfigureAwait(false);
        }

        // requests replaces a response's history only when redirects happened (an auth 401 may be there).
        if (history is { Count: > 0 } && context?.HopResponse is { } final)
        {
            final.History = new HistoryView(history, history.Count);
        }

        return message;
    }

    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken) =>
        throw new NotSupportedException("Pipeline is async-only; use SendAsync.");

    private void OnRedirect(RequestContext? context, HttpStatusCode status, HttpRequestMessage next, int redirects)
    {
        if (context is not null)
        {
            context.Redirects = redirects;
            context.CallDeadline?.OnRedirect(next);
        }

        if (PipelineTelemetry.Redirects.Enabled)
        {
            PipelineTelemetry.Redirects.Add(1, new KeyValuePair<string, object?>("http.response.status_code", (int)status));
        }

        if (_logger.IsEnabled(LogLevel.Debug))
        {
            var url = Redaction.RedactForTelemetry(next.RequestUri);
            Log.Following(_logger, (int)status, next.Method.Method, url, redirects);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 20, EventName = "Redirect", Level = LogLevel.Debug,
            Message = "Following a {Status} redirect: {Method} {Url} (redirect {Redirect}).")]
        public static partial void Following(ILogger logger, int status, string method, string url, int redirect);
    }

    // Each hop is timed from here to its response head, as requests' elapsed.
    private Task<HttpResponseMessage> SendHopAsync(HttpRequestMessage hop, RequestContext? context, CancellationToken cancellationToken)
    {
        if (context is not null)
        {
            context.HopStarted = Stopwatch.GetTimestamp();
        }

        return base.SendAsync(hop, cancellationToken);
    }

    private static string? RawLocation(HttpResponseMessage message) =>
        message.Headers.NonValidated.TryGetValues("Location", out var values) ? values.ToString() : null;

    // requests reads a redirect's body before following it (the connection goes back to the pool); a body that
    // cannot be decoded is not an error here.
    private static async Task DrainAsync(Response response, CancellationToken cancellationToken)
    {
        try
        {
            await response.ReadContentAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (RequestException)
        {
            response.Dispose();
        }
    }
}
