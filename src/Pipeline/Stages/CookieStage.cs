using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Pipeline;

/// <summary>
/// Sends the matching cookies of the session jar and the request's own cookies on every hop, and stores every hop's
/// Set-Cookie in the session jar and in that hop's <see cref="Response.Cookies"/>.
/// </summary>
/// <remarks>A hand-set Cookie header suppresses the jar, as requests' <c>prepare_cookies</c>.</remarks>
internal sealed partial class CookieStage : DelegatingHandler
{
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public CookieStage(TimeProvider? time = null, ILogger<CookieStage>? logger = null)
    {
        _time = time ?? TimeProvider.System;
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (!request.Options.TryGetValue(RequestContext.Key, out var context) || request.RequestUri is not { } uri)
        {
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }

        // A hop after the first follows a redirect: the previous hop's Response is recorded.
        CookieRules.AddCookieHeader(request, context.Cookies, context.RequestCookies, _time, redirected: context.HopResponse is not null);
        var message = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var response = await ResponseBuilder.ForHopAsync(request, message, context, cancellationToken).ConfigureAwait(false);

        // A response from the HTTP cache set its cookies when it first arrived; replaying them could bring back a cookie
        // the server has since changed or deleted.
        if (response.FromCache)
        {
            return message;
        }

        // Cookies of an auth challenge answered within this hop (a digest 401) reach the session jar too.
        foreach (var earlier in response.History)
        {
            StoreHopCookies(earlier, uri, context.Cookies);
        }

        StoreHopCookies(response, uri, context.Cookies);
        return message;
    }

    private DateTime Now() => _time.GetUtcNow().UtcDateTime;

    // A hop without Set-Cookie keeps the empty jar Response.Cookies creates on first use.
    private void StoreHopCookies(Response response, Uri uri, CookieJar session)
    {
        if (response.SetCookieHeaders.Count > 0)
        {
            response.Cookies = Extract(response.SetCookieHeaders, response.RequestUri ?? uri, session, new CookieJar(), Now());
        }
    }

    private CookieJar Extract(IReadOnlyList<string> setCookies, Uri origin, CookieJar session, CookieJar own, DateTime now)
    {
        foreach (var setCookie in setCookies)
        {
            if (CookieRules.ParseSetCookie(setCookie, origin, now, out var refusal) is { } entry)
            {
                if (!session.Store(entry))
                {
                    LogRefused(origin, CookieRefusal.TooLarge);
                    continue;
                }

                own.Store(entry);
            }
            else if (refusal is { } reason)
            {
                CookieRules.OnRefused(reason, origin.IdnHost);
                LogRefused(origin, reason);
            }
        }

        return own;
    }

    // Neither the cookie's name nor its value is logged: a cookie is a credential.
    private void LogRefused(Uri origin, CookieRefusal reason)
    {
        if (_logger.IsEnabled(LogLevel.Debug))
        {
            var host = origin.IdnHost;
            var why = CookieRules.ReasonName(reason);
            Log.CookieRefused(_logger, host, why);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 40, EventName = "CookieRefused", Level = LogLevel.Debug, Message = "A cookie from {Host} was not stored: {Reason}.")]
        public static partial void CookieRefused(ILogger logger, string host, string reason);
    }

    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken) =>
        throw new NotSupportedException("Pipeline is async-only; use SendAsync.");
}
