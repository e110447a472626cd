using System.Net;

namespace Pipeline;

/// <summary>Builds the next hop's request message from the one that was redirected (the body of <c>resolve_redirects</c>).</summary>
internal static class RedirectRequestBuilder
{
    /// <summary>
    /// Builds the next hop. With <paramref name="follow"/> false the request only becomes <see cref="Response.Next"/>:
    /// as with requests' <c>yield_requests</c>, its URL needs no adapter and the body is not replayed.
    /// </summary>
    public static HttpRequestMessage Build(HttpRequestMessage previous, HttpStatusCode status, string location, RequestContext? context, bool follow = true)
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

        var method = RedirectRules.RebuildMethod(status, previous.Method.Method);
        var next = new HttpRequestMessage(HttpMethod.Parse(method), uri)
        {
            Version = previous.Version,
            VersionPolicy = previous.VersionPolicy,
        };

        var stripAuth = RedirectRules.ShouldStripAuth(previousUri, uri) || HopState.IsAuthStripped(previous);
        var hostChanged = !string.Equals(previousUri.Authority, uri.Authority, StringComparison.OrdinalIgnoreCase);
        foreach (var header in previous.Headers.NonValidated)
        {
            // requests pops Cookie (the jar is re-applied for the new URL) and Proxy-Authorization (rebuild_proxies),
            // and rebuild_auth drops Authorization, even a hand-set one, when should_strip_auth says so.
            if (header.Key.Equals("Cookie", StringComparison.OrdinalIgnoreCase)
                || header.Key.Equals("Proxy-Authorization", StringComparison.OrdinalIgnoreCase)
                || (stripAuth && header.Key.Equals("Authorization", StringComparison.OrdinalIgnoreCase))
                || (hostChanged && header.Key.Equals("Host", StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }

            RequestCopy.AddHeader(next.Headers, header.Key, header.Value);
        }

        if (RedirectRules.KeepsBody(status) && previous.Content is not null)
        {
            next.Content = follow ? ReplayBody(previous.Content, context) : previous.Content;
        }

        foreach (var option in previous.Options)
        {
            // Per-hop state (its netrc override, its auth challenges) stays with that hop.
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

        return next;
    }

    /// <summary>The request a redirect would send, as requests' <c>response.next</c>, with the cookies it would carry.</summary>
    public static PreparedRequest ToPrepared(HttpRequestMessage next, RequestContext context)
    {
        CookieRules.AddCookieHeader(next, context.Cookies, context.RequestCookies, TimeProvider.System, redirected: true);

        if (!HopState.IsAuthStripped(next))
        {
            context.Auth?.Apply(next);
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
