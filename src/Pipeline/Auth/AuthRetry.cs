namespace Pipeline;

/// <summary>
/// Re-sends a request once for an auth scheme that answers a 401: the copy replays the body, carries the 401's cookies,
/// and the 401 is kept for <see cref="Response.History"/> as requests' <c>handle_401</c> does.
/// </summary>
internal static class AuthRetry
{
    public static readonly HttpRequestOptionsKey<List<HttpResponseMessage>> HistoryKey = new("Pipeline.AuthHistory");

    /// <summary>Copies a request for a second attempt, or returns null when its body cannot be sent again.</summary>
    public static async Task<HttpRequestMessage?> CopyAsync(HttpRequestMessage request, HttpResponseMessage challenge, CancellationToken cancellationToken)
    {
        var context = request.Options.TryGetValue(RequestContext.Key, out var c) ? c : null;
        if (!RetryCopy.CanReplay(request, context))
        {
            return null;
        }

        // The 401's body is drained so its connection goes back to the pool before the retry.
        await challenge.Content.LoadIntoBufferAsync(cancellationToken).ConfigureAwait(false);
        var retry = RetryCopy.Create(request, context);
        AddChallengeCookies(retry, challenge);
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
        var response = await next(retry, cancellationToken).ConfigureAwait(false);
        response.RequestMessage ??= retry;
        return response;
    }

    // requests' handle_401 adds the 401's Set-Cookie to the retry (extract_cookies_to_jar on the prepared copy).
    private static void AddChallengeCookies(HttpRequestMessage retry, HttpResponseMessage challenge)
    {
        if (!challenge.Headers.NonValidated.TryGetValues("Set-Cookie", out var values) || retry.RequestUri is null)
        {
            return;
        }

        var pairs = new List<string>();
        foreach (var value in values)
        {
            if (CookieRules.ParseSetCookie(value, retry.RequestUri, DateTime.UtcNow) is { } entry && !entry.IsExpired(DateTime.UtcNow))
            {
                pairs.Add(entry.Cookie.Name + "=" + entry.Cookie.Value);
            }
        }

        if (pairs.Count == 0)
        {
            return;
        }

        var existing = retry.Headers.NonValidated.TryGetValues("Cookie", out var cookie) ? cookie.ToString() : null;
        retry.Headers.Remove("Cookie");
        retry.Headers.TryAddWithoutValidation("Cookie", string.IsNullOrEmpty(existing) ? string.Join("; ", pairs) : existing + "; " + string.Join("; ", pairs));
    }
}
