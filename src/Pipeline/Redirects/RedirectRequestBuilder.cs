using System.Net;

namespace Pipeline;

/// <summary>Builds the next hop's request message from the one that was redirected (the body of <c>resolve_redirects</c>).</summary>
internal static class RedirectRequestBuilder
{
    /// <summary>
    /// Builds the next hop from the previous one as the redirect stage sent it: its method, URL, body and the headers in
    /// <paramref name="sent"/>, never what the stages inside added to it (cookies, auth, a user stage's header, the
    /// transport's Transfer-Encoding). With <paramref name="follow"/> false the request only becomes
    /// <see cref="Response.Next"/>: as with requests' <c>yield_requests</c>, its URL needs no adapter and the body is not replayed.
    /// </summary>
    /// <returns>The next hop and the headers it starts with, for the hop after it.</returns>
    public static (HttpRequestMessage Next, HeaderMap Sent) Build(
        HttpRequestMessage previous, HeaderMap sent, HttpStatusCode status, string location, RequestContext? context, bool follow = true)
    {
        var previousUri = previous.RequestUri!;
        var url = RedirectRules.ResolveLocation(previousUri, location, out var resolved);
        var entries = context?.Adapters;
        if (follow && (entries is not null ? AdapterMap.Find(entries, url) is null : !IsHttp(url)))
        {
            throw new InvalidSchemaException($"No connection adapters were found for '{Redaction.RedactUrl(url)}'");
        }

        var uri = resolved;
        if (uri is null && !Uri.TryCreate(url, UriKind.Absolute, out uri))
        {
            throw new InvalidUrlException($"Invalid redirect location '{Redaction.RedactUrl(url)}'.");
        }

        // A Location's user information is dropped: requests does not use it either (rebuild_auth applies only netrc), and
        // without it the password never reaches Response.Url, History, Next, logs or exception messages.
        if (uri.UserInfo.Length > 0)
        {
            uri = new Uri(uri.GetComponents(UriComponents.SchemeAndServer | UriComponents.PathAndQuery | UriComponents.Fragment, UriFormat.UriEscaped));
        }

        var method = RedirectRules.RebuildMethod(status, previous.Method.Method);
        var next = new HttpRequestMessage(HttpMethod.Parse(method), uri)
        {
            Version = previous.Version,
            VersionPolicy = previous.VersionPolicy,
        };

        var stripAuth = RedirectRules.ShouldStripAuth(previousUri, uri) || HopState.IsAuthStripped(previous);
        var hostChanged = !string.Equals(previousUri.Authority, uri.Authority, StringComparison.OrdinalIgnoreCase);
        var keepsBody = RedirectRules.KeepsBody(status);
        var nextSent = new HeaderMap();
        for (var i = 0; i < sent.Count; i++)
        {
            var (name, value) = sent.ItemAt(i);
            if (value is not null && KeepsHeader(name, stripAuth, hostChanged, keepsBody))
            {
                nextSent[name] = value;
                next.Headers.TryAddWithoutValidation(name, value);
            }
        }

        if (keepsBody && previous.Content is not null)
        {
            next.Content = follow ? ReplayBody(previous.Content, context) : previous.Content;
        }

        foreach (var option in previous.Options)
        {
            // Per-hop state (its netrc override, its auth challenges) stays with that hop. That a prepared request's auth
            // was applied at preparation goes along: its headers are copied to the next hop, as requests copies them.
            if (option.Key != HopState.AuthOverrideKey.Key && option.Key != AuthRetry.HistoryKey.Key)
            {
                ((IDictionary<string, object?>)next.Options)[option.Key] = option.Value;
            }
        }

        if (stripAuth)
        {
            next.Options.Set(HopState.AuthStrippedKey, true);

            // requests' rebuild_auth: with trust_env, the new host's netrc entry applies.
            if (context is { TrustEnv: true, AuthDisabled: false } && NetrcRules.GetNetrcAuth(uri) is { } netrc)
            {
                next.Options.Set(HopState.AuthOverrideKey, netrc);
            }
        }

        return (next, nextSent);
    }

    /// <summary>
    /// requests' <c>resolve_redirects</c>: Cookie is popped (the jar is applied again for the new URL), Proxy-Authorization
    /// too (<c>rebuild_proxies</c>); <c>rebuild_auth</c> drops Authorization, even a hand-set one, when
    /// <c>should_strip_auth</c> says so; unless the status is 307/308 the body goes, and with it Content-Length,
    /// Content-Type and Transfer-Encoding (<c>rebuild_method</c> and the header purge). Content headers of a body that
    /// stays travel with its content. A hand-set Host goes when the host changes.
    /// </summary>
    private static bool KeepsHeader(string name, bool stripAuth, bool hostChanged, bool keepsBody) =>
        !(HeaderRules.IsContentHeader(name)
            || name.Equals("Cookie", StringComparison.OrdinalIgnoreCase)
            || name.Equals("Proxy-Authorization", StringComparison.OrdinalIgnoreCase)
            || (stripAuth && name.Equals("Authorization", StringComparison.OrdinalIgnoreCase))
            || (hostChanged && name.Equals("Host", StringComparison.OrdinalIgnoreCase))
            || (!keepsBody && name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase)));

    /// <summary>
    /// The request a redirect would send, as requests' <c>response.next</c>, with the cookies it would carry and the
    /// Authorization the previous hop sent (requests copies the prepared request; it does not run the auth again).
    /// </summary>
    public static PreparedRequest ToPrepared(HttpRequestMessage next, RequestContext context, HttpRequestMessage? answered)
    {
        CookieRules.AddCookieHeader(next, context.Cookies, context.RequestCookies, TimeProvider.System, redirected: true);

        if (!HopState.IsAuthStripped(next)
            && !next.Headers.NonValidated.Contains("Authorization")
            && answered?.Headers.NonValidated.TryGetValues("Authorization", out var authorization) == true)
        {
            RequestCopy.AddHeader(next.Headers, "Authorization", authorization);
        }

        return PreparedRequest.FromMessage(next, next.Content is null ? null : context.Body);
    }

    // 307/308 re-send the body: bytes are replayed, a seekable stream is rewound by StreamContent itself, and a
    // stream that cannot seek is refused rather than sent empty (requests' rewind_body raises UnrewindableBodyError).
    private static HttpContent ReplayBody(HttpContent content, RequestContext? context)
    {
        // A stream body, or a multipart body with a file stream, that cannot seek back was consumed by the first hop.
        if (context is { Body: null } && (context.BodyStream is { CanSeek: false } || (content is MultipartContent && !context.BodyStreamsRewind)))
        {
            throw new UnrewindableBodyException("Unable to rewind request body for redirect: the stream cannot seek.");
        }

        return RequestCopy.ReplayContent(content, context);
    }

    private static bool IsHttp(string url) =>
        url.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || url.StartsWith("https://", StringComparison.OrdinalIgnoreCase);
}
