using System.Net;
using System.Text;

namespace Pipeline;

/// <summary>requests' <c>SessionRedirectMixin</c> rules, one method per function of <c>sessions.py</c>.</summary>
internal static class RedirectRules
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// requests' <c>get_redirect_target</c>: a Location header and a status of 301, 302, 303, 307 or 308. An empty
    /// Location is no target, since <c>resolve_redirects</c> loops only <c>while url</c>.
    /// </summary>
    public static string? GetRedirectTarget(HttpStatusCode status, string? location) =>
        !string.IsNullOrEmpty(location) && IsRedirectStatus(status) ? FixLatin1(location) : null;

    public static bool IsRedirectStatus(HttpStatusCode status) => (int)status is 301 or 302 or 303 or 307 or 308;

    /// <summary>requests' <c>rebuild_method</c>: 303 and 302 become GET (HEAD stays HEAD); 301 turns only POST into GET.</summary>
    public static string RebuildMethod(HttpStatusCode status, string method) => (int)status switch
    {
        303 when method != "HEAD" => "GET",
        302 when method != "HEAD" => "GET",
        301 when method == "POST" => "GET",
        _ => method,
    };

    /// <summary>Whether the body and its Content-* headers travel to the next hop: only for 307 and 308.</summary>
    public static bool KeepsBody(HttpStatusCode status) => (int)status is 307 or 308;

    /// <summary>
    /// requests' <c>should_strip_auth</c>: strip on a host change, a scheme change or a port change, except the
    /// http → https upgrade on default ports.
    /// </summary>
    public static bool ShouldStripAuth(Uri oldUrl, Uri newUrl)
    {
        if (!string.Equals(oldUrl.IdnHost, newUrl.IdnHost, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (oldUrl.Scheme == Uri.UriSchemeHttp && oldUrl.Port == 80 && newUrl.Scheme == Uri.UriSchemeHttps && newUrl.Port == 443)
        {
            return false;
        }

        return oldUrl.Port != newUrl.Port || !string.Equals(oldUrl.Scheme, newUrl.Scheme, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// Resolves a Location against the URL that answered, as <c>resolve_redirects</c>: <c>//host</c> takes the current
    /// scheme, a Location without a fragment keeps the previous one, and a relative Location is joined (RFC 3986)
    /// after requoting.
    /// </summary>
    public static string ResolveLocation(Uri previous, string location) => ResolveLocation(previous, location, out _);

    /// <summary>As <see cref="ResolveLocation(Uri, string)"/>, with the joined <see cref="Uri"/> when joining made one that reads as the result.</summary>
    public static string ResolveLocation(Uri previous, string location, out Uri? resolved)
    {
        resolved = null;
        if (location.StartsWith("//", StringComparison.Ordinal))
        {
            location = previous.Scheme + ":" + location;
        }

        // urlparse gives "/b#" an empty fragment too, so requests replaces it with the previous one, or drops the '#'
        // when there is none (geturl writes no empty fragment).
        var hash = location.IndexOf('#', StringComparison.Ordinal);
        if (hash == location.Length - 1)
        {
            location = location[..hash];
            hash = -1;
        }

        if (hash < 0 && previous.Fragment.Length > 1)
        {
            location += previous.Fragment;
        }

        var requoted = UrlRules.RequoteUri(location);
        if (HasAuthority(requoted))
        {
            return requoted;
        }

        if (!Uri.TryCreate(previous, requoted, out var joined))
        {
            throw new InvalidUrlException($"Invalid redirect location '{Redaction.RedactUrl(location)}'.");
        }

        if (joined.OriginalString.Length == 0)
        {
            return requoted;
        }

        // The joined Uri is reused for the next hop when it reads exactly as the URL (saves parsing it again).
        var absolute = joined.AbsoluteUri;
        resolved = string.Equals(joined.OriginalString, absolute, StringComparison.Ordinal) ? joined : null;
        return absolute;
    }

    /// <summary>http.client decodes header bytes as ISO-8859-1, and so does .NET; a Location that was UTF-8 is recovered as requests does.</summary>
    public static string FixLatin1(string value)
    {
        var hasHigh = false;
        foreach (var c in value)
        {
            if (c > 0xFF)
            {
                return value;
            }

            hasHigh |= c >= 0x80;
        }

        if (!hasHigh)
        {
            return value;
        }

        try
        {
            return StrictUtf8.GetString(Encoding.Latin1.GetBytes(value));
        }
        catch (DecoderFallbackException)
        {
            return value;
        }
    }

    private static bool HasAuthority(string url)
    {
        var colon = url.IndexOf(':', StringComparison.Ordinal);
        var firstDelimiter = url.IndexOfAny(['/', '?', '#']);
        return colon > 0 && (firstDelimiter < 0 || colon < firstDelimiter) && url.AsSpan(colon + 1).StartsWith("//");
    }
}
