namespace Pipeline;

/// <summary>
/// Sends the matching cookies of the session jar and the request's own cookies on every hop, and stores every hop's
/// Set-Cookie in the session jar and in that hop's <see cref="Response.Cookies"/>.
/// </summary>
/// <remarks>A hand-set Cookie header suppresses the jar, as requests' <c>prepare_cookies</c>.</remarks>
internal sealed class CookieStage : DelegatingHandler
{
    private readonly TimeProvider _time;

    public CookieStage(TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (!request.Options.TryGetValue(RequestContext.Key, out var context) || request.RequestUri is not { } uri)
        {
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }

        var now = _time.GetUtcNow().UtcDateTime;
        if (!request.Headers.Contains("Cookie")
            && CookieRules.BuildCookieHeader(context.Cookies, context.RequestCookies, uri, now) is { } header)
        {
            request.Headers.TryAddWithoutValidation("Cookie", header);
        }

        var message = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var response = HopState.FindResponse(request);
        var setCookies = response?.SetCookieHeaders
            ?? (message.Headers.NonValidated.TryGetValues("Set-Cookie", out var values) ? [.. values] : []);
        if (setCookies.Count > 0)
        {
            var own = new CookieJar();
            var origin = response?.RequestUri ?? uri;
            foreach (var setCookie in setCookies)
            {
                if (CookieRules.ParseSetCookie(setCookie, origin, now) is { } entry)
                {
                    context.Cookies.Store(entry);
                    own.Store(entry);
                }
            }

            if (response is not null)
            {
                response.Cookies = own;
            }
        }

        return message;
    }

    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken) =>
        throw new NotSupportedException("Pipeline is async-only; use SendAsync.");
}
