namespace Pipeline;

/// <summary>
/// Re-sends a request once for an auth scheme that answers a 401: the copy replays the body, gets the Cookie header
/// requests' <c>handle_401</c> would send, and the 401 is kept for <see cref="Response.History"/> as <c>handle_401</c> does.
/// </summary>
internal static class AuthRetry
{
    public static readonly HttpRequestOptionsKey<List<HttpResponseMessage>> HistoryKey = new("Pipeline.AuthHistory");

    /// <summary>Copies a request for a second attempt, or returns null when its body cannot be sent again.</summary>
    /// <param name="request">The first attempt.</param>
    /// <param name="sent">Its headers as the auth scheme sent it (<see cref="HeaderSnapshot.Capture"/> before calling next).</param>
    /// <param name="challenge">The 401 it got.</param>
    /// <param name="cancellationToken">The token to observe.</param>
    public static async Task<HttpRequestMessage?> CopyAsync(HttpRequestMessage request, HeaderSnapshot sent, HttpResponseMessage challenge, CancellationToken cancellationToken)
    {
        var context = request.Options.TryGetValue(RequestContext.Key, out var c) ? c : null;
        if (!RequestCopy.CanReplay(request, context))
        {
            return null;
        }

        // The 401's body is drained so its connection goes back to the pool before the retry.
        await challenge.Content.LoadIntoBufferAsync(cancellationToken).ConfigureAwait(false);
        var retry = RequestCopy.Create(request, context, sent);
        AddChallengeCookies(retry, challenge, context);
        return retry;
    }

    public static async Task<HttpResponseMessage> SendAsync(
        HttpRequestMessage retry,
        HttpResponseMessage challenge,
        Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> next,
        CancellationToken cancellationToken)
    {
        var history = retry.Options.TryGetValue(HistoryKey, out var earlier) ? new List<HttpResponseMessage>(earlier) : [];
        history.Add(challenge);
        retry.Options.Set(HistoryKey, history);
        if (retry.Options.TryGetValue(RequestContext.Key, out var context))
        {
            context.CallDeadline?.AuthResend = true;
        }

        var response = await next(retry, cancellationToken).ConfigureAwait(false);
        response.RequestMessage ??= retry;
        return response;
    }

    /// <summary>
    /// Gives the retry the Cookie header requests' <c>handle_401</c> sends: it extracts the 401's Set-Cookie into a copy
    /// of the prepared request's jar and calls <c>prepare_cookies</c>, which writes a header only when the request has
    /// none (http.cookiejar's <c>add_cookie_header</c>). A Cookie header the first attempt carried, hand-set or built
    /// from the session's and the request's cookies, is therefore sent again as it was, without the 401's cookies;
    /// without one, the header is built from the session's cookies, the request's own and the 401's.
    /// </summary>
    private static void AddChallengeCookies(HttpRequestMessage retry, HttpResponseMessage challenge, RequestContext? context)
    {
        if (retry.Headers.NonValidated.Contains("Cookie") || retry.RequestUri is not { } uri
            || !challenge.Headers.NonValidated.TryGetValues("Set-Cookie", out var setCookies))
        {
            return;
        }

        // A copy of the session jar: the CookieStage stores the 401's cookies in the session jar itself, from the
        // response's history. Without a session (a plain HttpClient) only the 401's cookies are known.
        var jar = new CookieJar();
        if (context is not null)
        {
            jar.ReplaceAll(context.Cookies.Snapshot);
        }

        var time = TimeProvider.System;
        var now = time.GetUtcNow().UtcDateTime;
        foreach (var setCookie in setCookies)
        {
            // The CookieStage reports a refusal of these cookies when it stores them; this copy stays silent.
            if (CookieRules.ParseSetCookie(setCookie, uri, now, out _) is { } entry)
            {
                jar.Store(entry);
            }
        }

        CookieRules.AddCookieHeader(retry, jar, context?.RequestCookies, time);
    }
}
